// Package ui is the desktop window: drop files, watch them upload, search the history, manage
// Redox sources. It only shows what package app does: every upload, query, keychain call and
// dialog runs off the Fyne goroutine, on goroutines started through one tracker (background)
// that ends them when the window closes, and every widget change made from another goroutine
// goes through fyne.Do.
package ui

import (
	"context"
	"errors"
	"fmt"
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
	OnQuit  func()   // called when the app is asked to end (Quit, closing the window), before Fyne stops
}

// UI is the main window and its views.
type UI struct {
	app     fyne.App
	win     fyne.Window
	core    *app.Core
	dialogs Dialogs
	version string // shown in About
	onQuit  func() // Options.OnQuit

	sources *sourcePicker
	queue   *queueView
	history *historyView
	tabs    *container.AppTabs
	body    *fyne.Container // the tabs, or the welcome screen on first run
	status  *widget.Label   // one line at the bottom: the last batch, folder notes

	policyBanner *policyBanner // the organisation's policy could not be read in full; nil when it could
	paste        *paster       // Ctrl+V, Edit → Paste (paste.go)
	watch        *watchers     // the sources' watched folders (watch.go)
	tray         *tray         // the system tray icon while folders are watched (tray.go)
	// pickFolder asks for a folder with the native dialog ("" when cancelled); tests replace it.
	pickFolder func(title string) (string, error)

	autoCopy atomic.Bool // copy each new URI as it arrives (a setting)

	bg      *background       // every goroutine the window starts; it ends with the window
	events  *app.Subscription // the queue's events; closed when the window closes
	started chan struct{}     // closed once the sources are listed and the start files added

	mu     sync.Mutex
	active app.Profile // the source new files go to; guarded by mu
	batch  batch       // the files added since the queue was last idle; guarded by mu
}

// New builds the window on a and starts following the queue. It does not show the window.
func New(a fyne.App, core *app.Core, opts Options) *UI {
	if opts.Dialogs.OpenFile == nil {
		opts.Dialogs = NativeDialogs()
	}
	u := &UI{app: a, core: core, dialogs: opts.Dialogs, version: opts.Version, onQuit: opts.OnQuit, bg: newBackground(),
		started: make(chan struct{})}
	a.Settings().SetTheme(readable(a.Settings().Theme()))
	u.win = a.NewWindow("Redox Uploader")
	u.paste = newPaster(u)
	u.watch = newWatchers(u)
	u.pickFolder = nativeFolderPicker
	u.build()
	u.tray = newTray(u)
	u.watch.onChange = u.onWatchChanged
	u.win.SetCloseIntercept(u.onCloseRequested)
	u.win.Resize(fyne.NewSize(980, 640))
	u.win.SetOnDropped(u.onDropped)
	u.win.SetOnClosed(u.onClosed)
	u.addShortcuts()
	u.events = core.Queue.Subscribe() // before any file is added, so that none of its events is missed
	u.bg.Go(func(ctx context.Context) { u.followQueue(ctx, u.events) })
	u.bg.Go(func(ctx context.Context) {
		defer close(u.started)
		u.start(ctx, opts)
	})
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowAndRun shows the window and runs the app until it is closed. It returns once the
// window's work off the Fyne goroutine has ended (shutdown), so the core can be closed then.
func (u *UI) ShowAndRun() {
	u.win.ShowAndRun()
	u.shutdown()
}

// onClosed ends the window's context as the window closes: the queue's events stop coming,
// work that listens to the context stops, and nothing new starts.
func (u *UI) onClosed() { u.bg.stop() }

// shutdown ends the window's work and waits, up to closeWait, for every goroutine it started
// to end; it reports whether they all did. One still running after that (a keychain call
// waiting for a person) is named in the log; it checks the context before it would touch the
// core again.
func (u *UI) shutdown() bool {
	defer u.paste.removeAll()
	if u.bg.wait(closeWait) {
		return true
	}
	u.core.Log.Warn("the window closed with work still running", "goroutines", u.bg.running.Load())
	return false
}

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
func (u *UI) start(ctx context.Context, opts Options) {
	u.paste.removeAll() // what a window that did not close left
	read := u.watch.settingsStamp()
	u.sources.reload(opts.Sandbox) // the sources, and their watched folders
	// And as the command line or another window changes them.
	u.bg.Go(func(ctx context.Context) { u.watch.followSettings(ctx, read) })
	if len(opts.Files) > 0 && ctx.Err() == nil {
		u.addFiles(opts.Files)
	}
}

// followQueue hands every event of sub to the views until the window closes, which closes sub.
func (u *UI) followQueue(ctx context.Context, sub *app.Subscription) {
	context.AfterFunc(ctx, sub.Close)
	for e := range sub.C { // until sub is closed
		u.queue.onEvent(e)
		if e.Final() {
			u.history.recordChanged(e.Record)
			u.paste.uploadEnded(e.Record)
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
		u.showMessage("Choose a source first", noSourceAdvice(u.core.Policy()))
		return
	}
	u.bg.Go(func(ctx context.Context) { u.submit(ctx, p, paths, false) })
}

// submit queues paths for p (force: even a file already sent) and says how it went; it runs
// off the Fyne goroutine. Files are queued only if p is still saved as the window showed it:
// a source changed or removed by the command line or another window since (the window sees
// it within settingsPoll) refuses them, and the window shows the source as it is now.
func (u *UI) submit(ctx context.Context, p app.Profile, paths []string, force bool) {
	if !p.BuiltIn {
		st, err := u.core.LoadSettings()
		if saved, found := st.Profile(p.Name); err != nil || !found || !saved.UploadsLike(p) {
			if err == nil {
				u.sources.follow(st) // the settings just read: the window shows the source as it is now
			}
			u.showMessage("Files not added: the source changed", fmt.Sprintf("The settings of %s were changed or removed in "+
				"another window or by the command line since the window showed them, so nothing was sent. Check the "+
				"source at the top of the window, then add the files again.", visible.Name(p.Name)))
			return
		}
	}
	sub, err := u.core.Queue.Submit(ctx, p, paths, app.SubmitOptions{Force: force})
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
