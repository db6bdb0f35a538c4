package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// showAbout shows the app's name, version, commit and build date, and where it keeps its data:
// what a support ticket asks for first. Called on the Fyne goroutine (Help → About).
func (u *UI) showAbout() {
	version := u.version
	if version == "" {
		version = "dev"
	}
	data := &widget.Label{Text: u.core.Paths.Data, Wrapping: fyne.TextWrapBreak, Selectable: true}
	content := container.NewVBox(
		&widget.Label{Text: "Redox Uploader", TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: "Version " + version, Selectable: true},
		widget.NewLabel("Uploads files to Redox."),
		&widget.Label{Text: "Data folder (history, logs):"},
		data,
	)
	u.showDialog("About Redox Uploader", content, fyne.NewSize(460, 0), "Close", "", nil)
}
