package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// formEntry is an Entry that lets Escape leave the form: Fyne's Entry keeps every key it is
// given, so Escape would otherwise do nothing while the cursor is in a field.
type formEntry struct {
	widget.Entry
	onEscape func()
}

// TypedKey hands Escape to the form and every other key to the Entry.
func (e *formEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// formLabel names a row of a form.
func formLabel(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
}

// hintLabel is a line of help under a field, smaller than the field. It keeps the text colour:
// the quieter colours (LowImportance is the disabled colour) are hard to read in both themes.
func hintLabel(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
}

// fieldWidth gives o a fixed width and its own height.
func fieldWidth(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}
