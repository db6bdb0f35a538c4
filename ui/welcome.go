package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newWelcome is the first-run screen: no source is set up yet, so offer the sandbox (to try
// it now) and the settings (to add the real one), each unless the organisation's policy
// switched it off; with neither, it says to ask IT.
func newWelcome(u *UI) fyne.CanvasObject {
	pol := u.core.Policy()
	title := &widget.Label{Text: "Welcome to Redox Uploader", TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameHeadingText}
	intro := &widget.Label{Text: "Send documents, scans, images and recordings to Redox and get back the address (URI) " +
		"to put in your next message. No Redox source is set up on this computer yet.", Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}
	var buttons []fyne.CanvasObject
	var notes []string
	if pol.SandboxOffered() {
		buttons = append(buttons, &widget.Button{Text: "Try the sandbox", Icon: theme.MediaPlayIcon(), Importance: widget.HighImportance,
			OnTapped: func() { u.bg.Go(func(context.Context) { u.sources.reload(true) }) }})
		notes = append(notes, "The sandbox is a pretend Redox inside this app: nothing you send to it leaves this computer.")
	}
	if pol.UserSourcesLocked() {
		notes = append(notes, "Your organisation sets up the Redox sources of this computer: ask your IT department for the one you need.")
	} else {
		buttons = append(buttons, &widget.Button{Text: "Add a Redox source", Icon: theme.ContentAddIcon(), OnTapped: u.showAddSource})
		notes = append(notes, "Adding a real source needs the details your IT team has from Redox.")
	}
	note := &widget.Label{Text: strings.Join(notes, " "), Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter,
		SizeName: theme.SizeNameCaptionText}
	box := container.NewVBox(title, intro)
	if len(buttons) > 0 {
		box.Add(container.NewCenter(container.NewHBox(buttons...)))
	} else {
		note.SizeName = theme.SizeNameText // nothing to press: the note is what there is to read
	}
	box.Add(note)
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
