package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
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

// shortcutEntry is an Entry that hands the window's own shortcuts (Ctrl+R, Ctrl+O, Ctrl+,) on
// to the window: Fyne gives every shortcut to the entry that has the keyboard and none to the
// window, so they would do nothing while the cursor is in it. Copy, cut, paste, select all, undo
// and redo are not handed on: they stay the entry's, for its text.
type shortcutEntry struct {
	widget.Entry
	window fyne.Canvas // whose shortcuts get the entry's key combinations
}

// newShortcutEntry is an empty shortcutEntry in window; set its fields before showing it.
func newShortcutEntry(window fyne.Canvas) *shortcutEntry {
	e := &shortcutEntry{window: window}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut gives s to the entry and, when it is a key combination of the window's kind
// (desktop.CustomShortcut), to the window too. The entry keeps its own such combinations
// (Ctrl+arrows move a word, Ctrl+Backspace deletes one), which the window has no use for.
func (e *shortcutEntry) TypedShortcut(s fyne.Shortcut) {
	e.Entry.TypedShortcut(s)
	if _, ok := s.(*desktop.CustomShortcut); !ok {
		return
	}
	if w, ok := e.window.(fyne.Shortcutable); ok {
		w.TypedShortcut(s)
	}
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
