//go:build windows

package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"

	"redoxuploader/internal/clipfiles"
	"redoxuploader/internal/oledrop"
)

// acceptOLEDrops makes the window an OLE drop target (RegisterDragDrop on its HWND, in place of
// GLFW's WM_DROPFILES) once it exists, so that Outlook attachments and other virtual files can
// be dropped as well as files. Should that fail, the window keeps GLFW's drop of files.
func (u *UI) acceptOLEDrops() {
	native, ok := u.win.(driver.NativeWindow)
	if !ok {
		return // the test driver
	}
	u.bg.Go(func(ctx context.Context) {
		for range 100 { // the window is made once the app runs: look for it for up to 10 s
			registered := make(chan bool, 1)
			fyne.Do(func() { // on the window's thread, as RegisterDragDrop needs
				native.RunNative(func(c any) {
					wc, _ := c.(driver.WindowsWindowContext)
					if wc.HWND == 0 {
						registered <- false
						return
					}
					if _, err := oledrop.Register(wc.HWND, clipfiles.Options{VirtualDir: u.paste.dir}, u.onOLEDrop); err != nil {
						u.core.Log.Warn("the window takes dropped files only, not Outlook attachments", "err", err)
					}
					registered <- true
				})
			})
			select {
			case done := <-registered:
				if done {
					return
				}
			case <-ctx.Done():
				return
			}
			select {
			case <-time.After(100 * time.Millisecond): // no event says when GLFW has made the window
			case <-ctx.Done():
				return
			}
		}
	})
}

// onOLEDrop takes what was dropped, on the window's thread: the virtual files saved are removed
// once uploaded, as pasted ones are; the files are added off that thread.
func (u *UI) onOLEDrop(c clipfiles.Content, err error) {
	if err != nil {
		u.bg.Go(func(context.Context) { u.showError("The dropped files could not be read", &dropError{err}) })
		return
	}
	u.paste.track(c.Made)
	u.bg.Go(func(context.Context) { u.addDropped(c.Files, c.Refused) })
}

// dropError is a drop that could not be read, in plain words, with the technical cause for IT.
type dropError struct{ err error }

func (e *dropError) Error() string {
	return "What was dropped could not be used. Drag it onto the window again, or save it to a folder first and drop the saved file."
}
func (e *dropError) Detail() string { return e.err.Error() }
func (e *dropError) Unwrap() error  { return e.err }
