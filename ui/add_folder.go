package ui

import (
	"context"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The words of the actions that add files: the native file picker chooses one file, so the
// one that picks a folder stands beside it.
const (
	addFileLabel   = "Add a file…"   // Ctrl+O: UI.onAddFiles
	addFolderLabel = "Add a folder…" // UI.onAddFolder
)

// onAddFolder asks for a folder with the native picker, off the Fyne goroutine, and queues the
// files directly inside it, as dropping the folder does.
func (u *UI) onAddFolder() {
	u.bg.Go(func(ctx context.Context) {
		if dir := u.openFolder(ctx, "Add the files in a folder to upload to Redox"); dir != "" {
			u.addFiles([]string{dir})
		}
	})
}

// addFolderButton is the Add a folder… button, as the toolbar and the empty Upload tab show it.
func (u *UI) addFolderButton() *widget.Button {
	return &widget.Button{Text: addFolderLabel, Icon: theme.FolderOpenIcon(), OnTapped: u.onAddFolder}
}
