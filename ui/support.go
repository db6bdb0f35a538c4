package ui

import (
	"context"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
)

// onCopyDiagnostics puts a support summary (version, system, sources without secrets,
// network settings, recent failures) on the clipboard. It asks the keychain whether each
// source has a secret, so it runs off the Fyne goroutine.
func (u *UI) onCopyDiagnostics() {
	u.setStatus("Gathering diagnostics…")
	u.bg.Go(func(context.Context) {
		text := u.core.Diagnostics(u.version)
		fyne.Do(func() {
			u.app.Clipboard().SetContent(text)
			u.status.SetText("Diagnostics copied: paste them into your support ticket. They hold no secret and no file contents.")
		})
	})
}

// onOpenLogFolder opens the folder of the log files in the system's file manager.
func (u *UI) onOpenLogFolder() {
	dir := u.core.LogDir()
	u.bg.Go(func(context.Context) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			u.showError("The log folder could not be opened", err)
			return
		}
		fyne.Do(func() {
			if err := u.app.OpenURL(&url.URL{Scheme: "file", Path: dir}); err != nil {
				u.showMessage("The log folder", "The logs are in "+dir+". (This computer could not open the folder by itself.)")
			}
		})
	})
}
