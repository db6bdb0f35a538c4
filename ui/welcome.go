package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newWelcome is the first-run screen: no source is set up yet, so offer the sandbox (to try
// it now) and the settings (to add the real one).
func newWelcome(u *UI) fyne.CanvasObject {
	title := &widget.Label{Text: "Welcome to Redox Uploader", TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameHeadingText}
	intro := &widget.Label{Text: "Send documents, scans, images and recordings to Redox and get back the address (URI) " +
		"to put in your next message. No Redox source is set up on this computer yet.", Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}
	try := &widget.Button{Text: "Try the sandbox", Icon: theme.MediaPlayIcon(), Importance: widget.HighImportance,
		OnTapped: func() { u.bg.Go(func(context.Context) { u.sources.reload(true) }) }}
	add := &widget.Button{Text: "Add a Redox source", Icon: theme.ContentAddIcon(), OnTapped: u.showAddSource}
	note := &widget.Label{Text: "The sandbox is a pretend Redox inside this app: nothing you send to it leaves this computer. " +
		"Adding a real source needs the details your IT team has from Redox.", Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter,
		SizeName: theme.SizeNameCaptionText}
	box := container.NewVBox(title, intro, container.NewCenter(container.NewHBox(try, add)), note)
	return container.NewCenter(container.New(fixedWidth(560), box))
}

// fixedWidth lays its objects out one width wide and as tall as they need at that width, so
// wrapped text has a width to wrap at.
type fixedWidth float32

func (w fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objects {
		o.Resize(fyne.NewSize(float32(w), o.Size().Height)) // wrapping labels measure at their width
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

func (w fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
	}
}
