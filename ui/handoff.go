package ui

import (
	"errors"

	"fyne.io/fyne/v2"
)

// Errors of OpenHanded.
var (
	// ErrWindowClosed: the window has closed; files handed to it now would be lost.
	ErrWindowClosed = errors.New("the window has closed")
	// ErrNotOnSandbox: files were handed over for the sandbox, and the chosen source is not
	// the sandbox.
	ErrNotOnSandbox = errors.New("the window is not on the sandbox")
)

// notOnSandboxText says, in the window, why files given with --sandbox were not added.
const notOnSandboxText = "Redox Uploader was started again for the sandbox (--sandbox) with files, but this window is not on " +
	"the sandbox. So that nothing meant for the sandbox reaches a real Redox source, those files were not added. " +
	"To practise with them, choose the sandbox as the source (or \"Try the sandbox\"), then add them again."

// OpenHanded is what a second start of the program does while this window is open: it adds
// files (absolute paths) as a drop on the window would, to the source chosen in the window,
// and brings the window to the front; with no files it only brings the window to the front.
// sandboxOnly says the second start was asked for the sandbox: then the files are added
// only if the chosen source is the sandbox, and otherwise the window says why not and
// OpenHanded returns ErrNotOnSandbox. It waits until the window has listed its sources, so it
// must not be called on the Fyne goroutine; once the window has closed it returns
// ErrWindowClosed.
func (u *UI) OpenHanded(files []string, sandboxOnly bool) error {
	select {
	case <-u.started:
	case <-u.bg.ctx.Done():
		return ErrWindowClosed
	}
	if u.bg.done() {
		return ErrWindowClosed
	}
	u.raise()
	if p, _ := u.activeProfile(); sandboxOnly && !p.BuiltIn {
		u.showMessage("The files were not added", notOnSandboxText)
		return ErrNotOnSandbox
	}
	if len(files) > 0 {
		u.addFiles(files)
	}
	return nil
}

// Closed is closed when the window closes: from then on OpenHanded takes nothing.
func (u *UI) Closed() <-chan struct{} { return u.bg.ctx.Done() }

// raise shows the window and asks for the focus, as the tray's Open does, from any goroutine.
func (u *UI) raise() { fyne.Do(u.showWindow) }
