//go:build !headless

package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// runWindow opens the desktop window. Until the upload window lands it only points to the
// command line, which already does the work.
func runWindow([]string) int {
	a := app.NewWithID(appID)
	w := a.NewWindow("Redox Uploader")
	w.SetContent(container.NewPadded(widget.NewLabel(
		"The drag-and-drop window is not built yet.\n\n" +
			"Upload from a terminal meanwhile:\n" +
			"  redox-uploader upload --sandbox FILE...   (practice, nothing leaves this computer)\n" +
			"  redox-uploader help                         (all commands)")))
	w.Resize(fyne.NewSize(560, 220))
	w.ShowAndRun()
	return exitOK
}
