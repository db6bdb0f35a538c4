// Package ui is the desktop window: drop files, watch them upload, search the history, manage
// Redox sources. It only shows what package app does: every upload, query, keychain call and
// dialog runs off the Fyne goroutine, and every widget change made from another goroutine goes
// through fyne.Do.
package ui

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// Options say how the window starts.
type Options struct {
	Sandbox bool     // start on the built-in Sandbox profile
	Files   []string // files to add at once (command line, Open With, a drop on the app icon)
	Dialogs Dialogs  // native dialogs; the zero value uses NativeDialogs
	Version string   // "0.1.0 (commit abc1234, built 2026-11-26)", shown in About
}

// UI is the main window and its views.
type UI struct {
	app     fyne.App
	win     fyne.Window
	core    *app.Core
	dialogs Dialogs
	version string // shown in About

	sources *sourcePicker
	queue   *queueView
	history *historyView
	tabs    *container.AppTabs
	body    *fyne.Container // the tabs, or the welcome screen on first run
	status  *widget.Label   // one line at the bottom: the last batch, folder notes

	autoCopy atomic.Bool // copy each new URI as it arrives (a setting)

	started chan struct{} // closed once the sources are listed and the start files added

	mu     sync.Mutex
	active app.Profile // the source new files go to; guarded by mu
	batch  batch       // the files added since the queue was last idle; guarded by mu
}

// New builds the window on a and starts following the queue. It does not show the window.
func New(a fyne.App, core *app.Core, opts Options) *UI {
	if opts.Dialogs.OpenFile == nil {
		opts.Dialogs = NativeDialogs()
	}
	u := &UI{app: a, core: core, dialogs: opts.Dialogs, version: opts.Version, started: make(chan struct{})}
	a.Settings().SetTheme(readable(a.Settings().Theme()))
	u.win = a.NewWindow("Redox Uploader")
	u.build()
	u.win.Resize(fyne.NewSize(980, 640))
	u.win.SetOnDropped(u.onDropped)
	u.addShortcuts()
	go u.followQueue()
	go func() {
		defer close(u.started)
		u.start(opts)
	}()
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowAndRun shows the window and runs the app until it is closed.
func (u *UI) ShowAndRun() { u.win.ShowAndRun() }

// activeProfile returns the source new files go to.
func (u *UI) activeProfile() (app.Profile, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.active, u.active.Name != ""
}

func (u *UI) setActive(p app.Profile) {
	u.mu.Lock()
	u.active = p
	u.mu.Unlock()
}

// start loads the sources (and the sandbox when asked for) off the Fyne goroutine, then
// shows the welcome screen or the tabs, and adds the files given at start.
func (u *UI) start(opts Options) {
	u.sources.reload(opts.Sandbox)
	if len(opts.Files) > 0 {
		u.addFiles(opts.Files)
	}
}

// followQueue hands every queue event to the views until the window closes.
func (u *UI) followQueue() {
	sub := u.core.Queue.Subscribe()
	defer sub.Close()
	for e := range sub.C {
		u.queue.onEvent(e)
		if e.Final() {
			u.history.recordChanged(e.Record)
			if e.Kind != app.EventSaved { // a late save of a row already counted
				u.batchFinished(e.Record)
			}
		}
	}
}

// addFiles queues paths for the active source; it may be called from any goroutine and does
// its work on its own.
func (u *UI) addFiles(paths []string) {
	p, ok := u.activeProfile()
	if !ok {
		u.showMessage("Choose a source first", "Add a Redox source in Settings, or try the sandbox, then add the files again.")
		return
	}
	go u.submit(p, paths, false)
}

func (u *UI) submit(p app.Profile, paths []string, force bool) {
	sub, err := u.core.Queue.Submit(context.Background(), p, paths, app.SubmitOptions{Force: force})
	u.noteSubmitted(len(sub.IDs))
	for _, n := range sub.Folders {
		u.setStatus(n.String())
	}
	if err != nil {
		var invalid *app.ValidationError
		if errors.As(err, &invalid) {
			u.showError("This source needs attention in Settings", err)
			return
		}
		u.showError("The files could not be added", err)
	}
	fyne.Do(func() { u.tabs.SelectIndex(0) })
}

// setStatus shows one line at the bottom of the window; safe from any goroutine.
func (u *UI) setStatus(text string) {
	fyne.Do(func() { u.status.SetText(visible.Line(text)) })
}
