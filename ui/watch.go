package ui

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"redoxuploader/app"
)

// notifyAfter is how long watched folders must stay quiet after a file's outcome before the
// notification that counts the outcomes is sent: one notification for a batch of scans.
const notifyAfter = 3 * time.Second

// watchers runs one app.Watcher per saved source that has watched folders, while the window is
// open: started when the sources are first read, restarted when a source's folders or settle
// time change, stopped when the source goes, on Pause, and when the window closes. The files
// they send go through the queue, so they show in the Upload list like any other; their
// outcomes feed the status line, the tray menu and a notification that counts them (never a
// file name: a notification's text may pass through a file on disk).
type watchers struct {
	u           *UI
	notify      func(*fyne.Notification) // the app's; tests replace it
	notifyAfter time.Duration
	settle      func(app.Profile) app.WatchOptions // the options a source's watcher runs with; tests shorten them, under mu
	onChange    func()                             // called on the Fyne goroutine when what watch shows changed
	section     *watchSection                      // the source form's watched folders last opened; Fyne goroutine only

	apply sync.Mutex // held while the running watchers change; taken off the Fyne goroutine only

	mu       sync.Mutex // guards what follows
	running  map[string]*runningWatcher
	profiles []app.Profile // the saved sources last seen
	paused   bool
	last     app.WatchEvent // the newest outcome of a file
	counts   watchCounts    // outcomes since the last notification
	quiet    *time.Timer    // sends the notification once the folders are quiet
}

// runningWatcher is one source's watcher and how to stop it.
type runningWatcher struct {
	profile app.Profile
	watcher *app.Watcher
	stop    context.CancelFunc
	ended   chan struct{}
}

// watchCounts are the outcomes of watched files since the last notification.
type watchCounts struct{ uploaded, failed int }

func newWatchers(u *UI) *watchers {
	return &watchers{u: u, notify: u.app.SendNotification, notifyAfter: notifyAfter, running: map[string]*runningWatcher{},
		settle: func(p app.Profile) app.WatchOptions { return app.WatchOptions{Settle: p.WatchSettle()} }}
}

// update runs the watchers the saved sources profiles call for, off the Fyne goroutine; safe
// from any goroutine.
func (ws *watchers) update(profiles []app.Profile) {
	ws.mu.Lock()
	ws.profiles = slices.Clone(profiles)
	ws.mu.Unlock()
	ws.u.bg.Go(ws.reconcile)
}

// settingsPoll is how often an open window looks whether the settings file changed (see
// followSettings).
const settingsPoll = time.Second

// settingsStamp is the settings file as it is now (nil if it cannot be looked at), for
// followSettings: take it before reading the settings, so that no change is missed.
func (ws *watchers) settingsStamp() fs.FileInfo {
	fi, _ := os.Stat(ws.u.core.Paths.SettingsFile())
	return fi
}

// sameStamp reports whether the settings file looked at twice, a then b, is unchanged: the
// same file (a save replaces it, so a new file is a change even at the same time and size)
// with the same time and size.
func sameStamp(a, b fs.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// followSettings looks every settingsPoll until ctx ends whether the settings file changed
// since last (its time or size), and if so runs the watchers its sources call for: a folder
// added with 'source add --watch', or in another window, is watched without restarting this
// one.
func (ws *watchers) followSettings(ctx context.Context, last fs.FileInfo) {
	tick := time.NewTicker(settingsPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		fi := ws.settingsStamp()
		if fi == nil || sameStamp(last, fi) {
			continue
		}
		st, err := ws.u.core.LoadSettings()
		if err != nil {
			continue // read again at the next look; the watchers run on as they are
		}
		last = fi
		ws.mu.Lock()
		same := reflect.DeepEqual(ws.profiles, st.Profiles)
		ws.mu.Unlock()
		if !same {
			ws.u.sources.follow(st) // the watchers, and the source new files go to
		}
	}
}

// reconcile stops the watchers no longer wanted (or paused, or whose folders changed), waits
// until they have, then starts those missing. A watcher for the same folders is never started
// before the one it replaces has stopped, so that no file is handed over twice.
func (ws *watchers) reconcile(ctx context.Context) {
	ws.apply.Lock()
	defer ws.apply.Unlock()
	ws.mu.Lock()
	want := map[string]app.Profile{}
	if !ws.paused && ctx.Err() == nil {
		want, _ = app.AssignWatchFolders(ws.profiles)
	}
	var stopping []*runningWatcher
	for name, r := range ws.running {
		if p, ok := want[name]; !ok || !sameWatch(p, r.profile) {
			stopping = append(stopping, r)
			delete(ws.running, name)
		}
	}
	ws.mu.Unlock()
	for _, r := range stopping {
		r.stop()
		<-r.ended
	}
	for name, p := range want {
		ws.mu.Lock()
		_, have := ws.running[name]
		ws.mu.Unlock()
		if !have {
			ws.start(p)
		}
	}
	ws.changed()
}

// sameWatch reports whether a watcher of a runs as one of b would: a change to any of the
// source's settings restarts its watcher.
func sameWatch(a, b app.Profile) bool { return reflect.DeepEqual(a, b) }

// start runs a watcher for p's folders until the window closes or it is stopped.
func (ws *watchers) start(p app.Profile) {
	ws.mu.Lock()
	settle := ws.settle
	ws.mu.Unlock()
	opts := settle(p)
	opts.OnEvent = ws.onEvent
	w, err := app.NewWatcher(ws.u.core.Queue, p, p.WatchFolders, opts)
	if err != nil {
		ws.u.setStatus(fmt.Sprintf("The folders of “%s” cannot be watched: %v", p.Name, err))
		return
	}
	runCtx, stop := context.WithCancel(ws.u.bg.ctx)
	r := &runningWatcher{profile: p, watcher: w, stop: stop, ended: make(chan struct{})}
	if !ws.u.bg.Go(func(context.Context) {
		defer close(r.ended)
		if err := w.Run(runCtx); err != nil {
			ws.u.core.Log.Warn("a source's watched folders stopped", "error", err.Error())
		}
	}) {
		stop()
		return
	}
	ws.mu.Lock()
	ws.running[p.Name] = r
	ws.mu.Unlock()
}

// onEvent hears a watcher's event on its goroutine: a folder that comes or goes, a file's
// outcome for the status line, the tray and the count of the next notification.
func (ws *watchers) onEvent(e app.WatchEvent) {
	switch e.Outcome {
	case app.WatchWatching, app.WatchUnavailable:
		ws.changed()
		return
	case app.WatchSending:
		return
	}
	ws.mu.Lock()
	if e.Outcome != app.WatchKept { // a file kept from before is no news for the tray's "Last:"
		ws.last = e
	}
	switch e.Outcome {
	case app.WatchUploaded, app.WatchDuplicate:
		ws.counts.uploaded++
	case app.WatchFailed:
		ws.counts.failed++
	}
	if ws.quiet == nil {
		ws.quiet = time.AfterFunc(ws.notifyAfter, ws.sendCounts)
	} else {
		ws.quiet.Reset(ws.notifyAfter)
	}
	ws.mu.Unlock()
	ws.u.setStatus(fmt.Sprintf("Watched folder “%s”: %s %s.", filepath.Base(e.Folder), e.Name, outcomeWords(e)))
	ws.changed()
}

// sendCounts sends the notification that counts what was sent since the last one.
func (ws *watchers) sendCounts() {
	ws.mu.Lock()
	c := ws.counts
	ws.counts, ws.quiet = watchCounts{}, nil
	ws.mu.Unlock()
	if text := c.String(); text != "" && !ws.u.bg.done() {
		ws.notify(fyne.NewNotification("Redox Uploader", text))
	}
}

// String is the notification's text: counts only, never a file name. "" when there is none.
func (c watchCounts) String() string {
	switch {
	case c.uploaded > 0 && c.failed > 0:
		return fmt.Sprintf("%s uploaded from watched folders; %s could not be sent (see the History tab).",
			files(c.uploaded), files(c.failed))
	case c.uploaded > 0:
		return files(c.uploaded) + " uploaded from watched folders."
	case c.failed > 0:
		return files(c.failed) + " from watched folders could not be sent (see the History tab)."
	}
	return ""
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// outcomeWords says an outcome in a few words for the status line and the tray.
func outcomeWords(e app.WatchEvent) string {
	switch e.Outcome {
	case app.WatchUploaded:
		return "uploaded"
	case app.WatchDuplicate:
		return "was already uploaded"
	case app.WatchFailed:
		if e.MovedTo == "" { // it could not be moved there, or had left the folder
			return "could not be sent"
		}
		return "could not be sent (moved to Failed)"
	case app.WatchMoved:
		return "moved out of the folder"
	case app.WatchRetrying:
		return "will be tried again"
	case app.WatchHeld:
		return "held: check the History tab"
	case app.WatchCancelled:
		return "stopped: it is sent at the next start"
	case app.WatchSkipped:
		return "skipped"
	case app.WatchKept:
		return "was already uploaded (it stays in the read-only folder)"
	}
	return string(e.Outcome)
}

// setPaused pauses (stops every watcher) or resumes watching; safe from any goroutine.
func (ws *watchers) setPaused(paused bool) {
	ws.mu.Lock()
	ws.paused = paused
	ws.mu.Unlock()
	ws.u.bg.Go(ws.reconcile)
}

// isPaused reports whether watching is paused.
func (ws *watchers) isPaused() bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.paused
}

// changed tells the views that show watching (the form, the tray) to show it again.
func (ws *watchers) changed() {
	if ws.onChange != nil && !ws.u.bg.done() {
		fyne.Do(ws.onChange)
	}
}

// folderState is how one watched folder is doing, for Settings.
type folderState struct {
	watched   bool   // a watcher runs for it
	available bool   // it could be read when last looked at
	problem   string // with watched && !available: why, in plain words
	readOnly  bool   // files cannot be moved out of it: those sent stay, and are not sent again
	takenBy   string // another source watches it (see app.AssignWatchFolders); this one does not
}

// folderStates returns the state of each folder of the source named name, by path.
func (ws *watchers) folderStates(name string) map[string]folderState {
	ws.mu.Lock()
	r := ws.running[name]
	_, takenBy := app.AssignWatchFolders(ws.profiles)
	states := map[string]folderState{}
	for dir, other := range takenBy[name] {
		states[dir] = folderState{takenBy: other}
	}
	ws.mu.Unlock()
	if r == nil {
		return states
	}
	for _, f := range r.watcher.Status().Folders {
		states[f.Path] = folderState{watched: true, available: f.Available, problem: f.Problem, readOnly: f.ReadOnly}
	}
	return states
}

// watchSummary is what the tray menu shows: the folders watched per source, and the newest
// outcome.
type watchSummary struct {
	sources []sourceFolders
	paused  bool
	last    app.WatchEvent
}

type sourceFolders struct {
	name    string
	folders int
}

func (ws *watchers) summary() watchSummary {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return summarize(ws.profiles, ws.paused, ws.last)
}

// summarize is the summary of the sources profiles with watching paused or not and the newest
// outcome last.
func summarize(profiles []app.Profile, paused bool, last app.WatchEvent) watchSummary {
	s := watchSummary{paused: paused, last: last}
	for _, p := range profiles {
		if len(p.WatchFolders) > 0 {
			s.sources = append(s.sources, sourceFolders{name: p.Name, folders: len(p.WatchFolders)})
		}
	}
	return s
}

// watching reports whether any source has watched folders (paused or not).
func (s watchSummary) watching() bool { return len(s.sources) > 0 }
