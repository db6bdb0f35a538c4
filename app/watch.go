package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/gofrs/flock"
)

// The defaults of WatchOptions.
const (
	DefaultWatchSettle    = 3 * time.Second
	DefaultWatchRescan    = 10 * time.Second
	DefaultWatchPoll      = 250 * time.Millisecond
	DefaultWatchRetryWait = 30 * time.Second
	maxWatchRetryWait     = 10 * time.Minute
	DefaultWatchStopGrace = 5 * time.Second
)

// WatchOptions adjust a Watcher; the zero value takes the defaults above.
type WatchOptions struct {
	// Settle is how long a file's size and modification time must stay the same before it is
	// complete (and no other program may hold it open to write, where the system can tell:
	// see openableAlone).
	Settle time.Duration
	// Rescan is how often every folder is listed again: network shares send no change events,
	// and a folder that was unavailable is tried again this often.
	Rescan time.Duration
	// Poll is how often files still settling are looked at again.
	Poll time.Duration
	// RetryWait is the first wait after a passing failure (the network, Redox's servers, the
	// credentials); each further failure of the file doubles it, up to ten minutes.
	RetryWait time.Duration
	// StopGrace is how long uploads under way may finish once Run's context ends; then they are
	// cancelled (and journaled so).
	StopGrace time.Duration
	// OnEvent hears every WatchEvent, on Run's goroutine: keep it short.
	OnEvent func(WatchEvent)
}

func (o *WatchOptions) defaults() {
	o.Settle = cmpDefault(o.Settle, DefaultWatchSettle)
	o.Rescan = cmpDefault(o.Rescan, DefaultWatchRescan)
	o.Poll = cmpDefault(o.Poll, DefaultWatchPoll)
	o.RetryWait = cmpDefault(o.RetryWait, DefaultWatchRetryWait)
	o.StopGrace = cmpDefault(o.StopGrace, DefaultWatchStopGrace)
}

func cmpDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Watcher sends the files that appear in some folders to one source, through the queue: each
// once it is complete, at most the source's Parallel at a time, then moves it to Uploaded/DATE/
// or, refused for good, to Failed/ with a note saying why. Folders are watched one level deep,
// by change events and by listing them again periodically. See WatchOptions and WatchEvent.
type Watcher struct {
	queue   *Queue
	profile Profile
	opts    WatchOptions
	now     func() time.Time

	// Run's goroutine only:
	folders  []*watchedFolder
	files    map[string]*watchedFile // by path
	byRow    map[int64]*watchedFile  // submitted, by history row
	ready    []*watchedFile          // complete, waiting for a place
	inflight int
	outage   sourceOutage      // while the source keeps failing: see watch_outage.go
	cutOff   map[string]Record // this source's rows left uploading by a crash (unknown), by path
	fsw      *fsnotify.Watcher

	mu     sync.Mutex
	status WatchStatus
}

// watchedFolder is one folder of a Watcher and whether it could be read when last looked at.
type watchedFolder struct {
	path      string
	available bool
	known     bool   // looked at once at least
	problem   string // with !available: why, in plain words
	readOnly  bool   // files cannot be moved out of it: sent files stay (see watch_readonly.go)
	// subfolders are the folders in it reported as not looked into (see noteSubfolder), by path.
	subfolders map[string]bool
	lock       *flock.Flock // its lock, while this watcher holds it (watch_folder_lock.go)
}

// WatchStatus is what a Watcher is doing, for a window or a tray menu.
type WatchStatus struct {
	Folders []WatchedFolder
	Waiting int        // files seen and not yet sent: settling, or waiting for a place or a retry
	Sending int        // files handed to the queue whose upload has not ended
	Last    WatchEvent // the last outcome of a file (zero before the first)
	// RetryAt, while the source keeps failing for a reason that is not the files' (no network,
	// Redox's side, its sign-in), is when a file is tried next, one at a time until one is
	// sent; zero while the source answers.
	RetryAt time.Time
}

// WatchedFolder is one watched folder in a WatchStatus.
type WatchedFolder struct {
	Path      string
	Available bool
	Problem   string // with !Available: why, in plain words
	ReadOnly  bool   // files cannot be moved out of it: those sent stay in it, and are not sent again
}

// NewWatcher returns a watcher of folders for profile p, submitting to q. A folder that does
// not exist yet is not an error (a network drive may be offline): Run reports it unavailable
// and keeps looking. A path that is a file, or a profile that does not validate, is.
func NewWatcher(q *Queue, p Profile, folders []string, opts WatchOptions) (*Watcher, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(folders) == 0 {
		return nil, errors.New("name at least one folder to watch")
	}
	opts.defaults()
	w := &Watcher{queue: q, profile: p, opts: opts, now: time.Now, files: map[string]*watchedFile{},
		byRow: map[int64]*watchedFile{}, cutOff: map[string]Record{}}
	for _, dir := range folders {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("watching %s: %w", dir, err)
		}
		if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
			return nil, fmt.Errorf("%s is a file, not a folder: name the folder to watch", dir)
		}
		if !slices.ContainsFunc(w.folders, func(f *watchedFolder) bool { return SameFolder(f.path, abs) }) {
			w.folders = append(w.folders, &watchedFolder{path: abs})
		}
	}
	w.publishStatus(nil)
	return w, nil
}

// Status returns what the watcher is doing now; safe from any goroutine.
func (w *Watcher) Status() WatchStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.status
	st.Folders = slices.Clone(st.Folders)
	return st
}

// Run watches until ctx ends, then lets the uploads under way finish for StopGrace, cancels
// the rest (journaled as cancelled: sent again at the next start) and returns. Call it once.
func (w *Watcher) Run(ctx context.Context) error {
	sub := w.queue.SubscribeTo(actsOn)
	defer sub.Close()
	if err := w.loadCutOff(ctx); err != nil {
		return err
	}
	var (
		events <-chan fsnotify.Event
		errs   <-chan error
	)
	if fsw, err := fsnotify.NewWatcher(); err == nil {
		defer fsw.Close()
		w.fsw, events, errs = fsw, fsw.Events, fsw.Errors
	} else {
		w.queue.logger().Warn("folder change events unavailable; listing the folders periodically instead", "error", err.Error())
	}
	poll := time.NewTicker(w.opts.Poll)
	defer poll.Stop()
	var nextRescan time.Time
	for {
		now := w.now()
		if !now.Before(nextRescan) {
			w.rescan(now)
			nextRescan = now.Add(w.opts.Rescan)
		}
		select {
		case <-ctx.Done():
			return w.stop(sub)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			w.onChange(ev)
		case _, ok := <-errs: // events were lost (an overflow): list everything again
			if !ok {
				errs = nil
			}
			nextRescan = time.Time{}
		case e := <-sub.C:
			w.onQueueEvent(e)
		case <-poll.C:
			w.checkSettling(w.now())
		}
		w.submitReady(ctx)
		w.publishStatus(nil)
	}
}

// loadCutOff reads the source's rows whose upload a crash cut off (unknown): Redox may have
// their files, so a file still in a folder with such a row is not sent again on its own (see
// holdIfCutOff).
func (w *Watcher) loadCutOff(ctx context.Context) error {
	rows, err := w.queue.history.Search(ctx, Query{Statuses: []Status{StatusUnknown}, Profile: w.profile.Name, Limit: MaxSearchLimit})
	if err != nil {
		return err
	}
	for _, r := range rows { // newest first: the newest row of a path counts
		if _, seen := w.cutOff[r.Path]; !seen && r.Source == w.profile.SourceID() {
			w.cutOff[r.Path] = r
		}
	}
	return nil
}

// rescan lists every folder again.
func (w *Watcher) rescan(now time.Time) {
	for _, d := range w.folders {
		w.rescanFolder(d, now)
	}
}

// rescanFolder lists one folder: it reports the folder unavailable when it cannot be read and
// watching again when it can, looks at each file in it, and forgets files no longer there.
func (w *Watcher) rescanFolder(d *watchedFolder, now time.Time) {
	entries, err := os.ReadDir(d.path)
	if err == nil {
		if fi, serr := os.Stat(d.path); serr != nil {
			err = serr
		} else if !fi.IsDir() {
			err = fs.ErrInvalid
		}
	}
	if err == nil {
		err = w.lockFolder(d)
	}
	if err != nil {
		reason, detail := folderProblem(err, w.opts.Rescan)
		changed := d.available || !d.known
		d.available, d.known, d.problem = false, true, reason
		d.unlock()
		w.forgetIn(d.path, nil)
		if changed { // Status says so before the event does
			w.publishStatus(nil)
			w.emit(WatchEvent{Outcome: WatchUnavailable, Folder: d.path, Reason: reason, Detail: detail})
		}
		return
	}
	if !d.available {
		d.available, d.known, d.readOnly = true, true, !canMoveOutOf(d.path)
		w.publishStatus(nil)
		w.emit(WatchEvent{Outcome: WatchWatching, Folder: d.path})
	}
	if w.fsw != nil {
		// Again each time: a folder removed and created again needs a new watch. Adding a watch
		// that exists changes nothing.
		if err := w.fsw.Add(d.path); err != nil {
			w.queue.logger().Debug("folder change events unavailable for a folder; listing it periodically",
				"folder", filepath.Base(d.path), "error", err.Error())
		}
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if watchIgnores(e.Name()) {
			continue
		}
		path := filepath.Join(d.path, e.Name())
		seen[path] = true
		w.observe(d.path, path, now)
	}
	w.forgetIn(d.path, seen)
	for path := range d.subfolders { // one removed is reported again if it comes back
		if !seen[path] {
			delete(d.subfolders, path)
		}
	}
}

// folderProblem words why a folder cannot be read.
func folderProblem(err error, rescan time.Duration) (reason, detail string) {
	again := fmt.Sprintf(" It is checked again every %s and watched again as soon as it is back.", WaitText(rescan))
	switch {
	case errors.Is(err, errWatchedElsewhere):
		return "Another Redox Uploader is watching this folder (another account's on this computer, another window, " +
			"or another computer's), so its files are sent from there, once. It is checked again every " +
			WaitText(rescan) + " and watched from here if that one stops.", err.Error()
	case errors.Is(err, fs.ErrNotExist):
		reason = "The folder is not there: a network drive may be offline, or the folder was moved or removed."
	case errors.Is(err, fs.ErrPermission):
		reason = "This account may not open the folder. Ask IT to give it access."
	case errors.Is(err, fs.ErrInvalid):
		reason = "This is no longer a folder."
	default:
		reason = "The folder cannot be read: a network drive may be offline."
	}
	return reason + again, err.Error()
}

// forgetIn forgets the files of folder that are not in seen (all of them with seen nil),
// except those handed to the queue, whose rows end on their own.
func (w *Watcher) forgetIn(folder string, seen map[string]bool) {
	for path, f := range w.files {
		if f.folder == folder && !seen[path] && f.state != fileSubmitted {
			w.forget(f)
		}
	}
}

func (w *Watcher) forget(f *watchedFile) {
	f.state = fileLeft // a copy still in the ready list is passed over
	delete(w.files, f.path)
}

// onChange looks at what a change event names: a file directly in a watched folder, or the
// folder itself (removed or renamed: listed again at once).
func (w *Watcher) onChange(ev fsnotify.Event) {
	for _, d := range w.folders {
		switch {
		case ev.Name == d.path:
			w.rescanFolder(d, w.now())
		case filepath.Dir(ev.Name) == d.path && d.available && !watchIgnores(filepath.Base(ev.Name)):
			w.observe(d.path, ev.Name, w.now())
		}
	}
}

// observe looks at the file at path: a new one starts settling, a changed one settles again
// (also one sent, held or failed before: it is a new version), one gone is forgotten.
func (w *Watcher) observe(folder, path string, now time.Time) {
	f := w.files[path]
	fi, err := os.Stat(path) // follows symbolic links, as folder drops do
	if err == nil && fi.IsDir() {
		w.noteSubfolder(folder, path)
	}
	if err != nil || !fi.Mode().IsRegular() {
		if f != nil && f.state != fileSubmitted {
			w.forget(f)
		}
		return
	}
	if f == nil {
		f = &watchedFile{path: path, folder: folder, size: -1}
		w.files[path] = f
	}
	if f.see(fi, now) && (f.state == fileLeft || f.state == fileReady || f.state == fileToMove) {
		f.state = fileSettling
	}
}

// noteSubfolder reports, once, a folder inside a watched folder other than Uploaded/ and
// Failed/: the watcher does not look into it, and files put there would otherwise wait unseen.
func (w *Watcher) noteSubfolder(folder, path string) {
	d := w.folder(folder)
	name := filepath.Base(path)
	if d == nil || d.subfolders[path] || strings.EqualFold(name, WatchUploadedFolder) || strings.EqualFold(name, WatchFailedFolder) {
		return
	}
	if d.subfolders == nil {
		d.subfolders = map[string]bool{}
	}
	d.subfolders[path] = true
	w.emit(WatchEvent{Outcome: WatchSkipped, Folder: folder, Path: path, Name: name,
		Reason: "This is a folder: files in folders inside the watched folder are not sent. To send them, move them " +
			"into the watched folder itself, or have this folder watched too."})
}

// checkSettling looks again at each file settling (and each whose retry is due) and readies
// those complete.
func (w *Watcher) checkSettling(now time.Time) {
	var ready []*watchedFile
	for _, f := range w.files {
		switch {
		case f.state == fileWaiting && !now.Before(f.retryAt):
			f.state = fileSettling
		case f.state == fileToMove && !f.retryAt.IsZero() && !now.Before(f.retryAt):
			w.moveSent(f, f.uploaded)
			continue
		case f.state != fileSettling:
			continue
		}
		fi, err := os.Stat(f.path)
		if err != nil || !fi.Mode().IsRegular() {
			w.forget(f)
			continue
		}
		if f.see(fi, now) || !f.settled(now, w.opts.Settle) {
			continue
		}
		if fi.Size() == 0 {
			f.state = fileLeft
			w.emitFile(f, WatchEvent{Outcome: WatchSkipped, Reason: "The file is empty. It is sent once it has content."})
			continue
		}
		if !openableAlone(f.path) {
			continue // another program still has it open to write (Windows, Linux)
		}
		f.state = fileReady
		ready = append(ready, f)
	}
	slices.SortFunc(ready, func(a, b *watchedFile) int { return strings.Compare(a.path, b.path) })
	w.ready = append(w.ready, ready...)
}

// submitReady hands complete files to the queue while fewer than the source's Parallel of
// this watcher's are under way. Files that keepIfSent must read (in a read-only folder, of a
// size sent before) come last: a folder of kept files does not hold back a new scan. The
// history is asked about each file's size (mustReadToKeep) once a round.
func (w *Watcher) submitReady(ctx context.Context) {
	var toRead []*watchedFile
	w.submitWhile(ctx, func(f *watchedFile) bool {
		if w.mustReadToKeep(ctx, f) {
			toRead = append(toRead, f)
			return true
		}
		return w.holdIfCutOff(ctx, f)
	})
	// The first pass ended with every ready file taken, or with no place free or ctx ended
	// (then this one takes nothing): what this one takes is toRead's.
	w.ready = append(toRead, w.ready...)
	w.submitWhile(ctx, func(f *watchedFile) bool { return w.holdIfCutOff(ctx, f) || w.keepIfSent(ctx, f) })
}

// submitWhile takes ready files in order while a place is free, and hands each to the queue
// unless leave, which sets it aside, holds or keeps it, says not to.
func (w *Watcher) submitWhile(ctx context.Context, leave func(*watchedFile) bool) {
	for w.inflight < w.places() && len(w.ready) > 0 && ctx.Err() == nil {
		f := w.ready[0]
		w.ready = w.ready[1:]
		if f.state != fileReady || w.files[f.path] != f {
			continue // changed or gone since it was readied
		}
		f.hashed = nil // a hash of an earlier round may be of other content
		if leave(f) {
			continue
		}
		s, err := w.queue.Submit(ctx, w.profile, []string{f.path}, SubmitOptions{hashed: f.hashed})
		f.hashed = nil
		if err == nil && len(s.IDs) != 1 {
			err = fmt.Errorf("the queue made %d rows of one file", len(s.IDs))
		}
		if err != nil {
			w.retryLater(f, WatchEvent{Reason: "It could not be queued: " + err.Error()})
			continue
		}
		f.state, f.row, f.sentSize, f.sentModTime = fileSubmitted, s.IDs[0], f.size, f.modTime
		w.byRow[f.row] = f
		w.inflight++
	}
}

// holdIfCutOff leaves a file whose earlier upload to this source a crash cut off (its row is
// unknown) unless its content is known to be done for the source (then it is submitted, ends
// as a duplicate and is moved): Redox may have it, and it is never resent on a guess. A file
// modified after that upload started (see newerThanCutOff) is another file of the same name
// and size, and is sent.
func (w *Watcher) holdIfCutOff(ctx context.Context, f *watchedFile) bool {
	u, ok := w.cutOff[f.path]
	if !ok || u.Size != f.size || newerThanCutOff(f, u) {
		return false
	}
	sum, err := w.hashOf(f)
	if err != nil || (u.SHA256 != "" && u.SHA256 != sum) {
		return false // the queue says what is wrong with it; or it is other content now
	}
	if _, done, err := w.queue.history.LatestDone(ctx, u.Source, sum); err == nil && done {
		return false
	}
	f.state = fileLeft
	w.emitFile(f, WatchEvent{Outcome: WatchHeld, Row: u.ID, Reason: fmt.Sprintf("Its upload was cut off when Redox "+
		"Uploader stopped (history row %d): Redox may or may not have it, so it is not sent again on its own. "+
		"Check the history, resend row %d if Redox does not have it, then move the file out of the folder.", u.ID, u.ID)})
	return true
}

// cutOffStampSlack is how much later than a cut-off upload's start a file's modification time
// must be to be another file: file systems that keep times to 2 s (FAT) round it up.
const cutOffStampSlack = 2 * time.Second

// newerThanCutOff reports whether f was modified after the cut-off upload u started, when u has
// no hash to compare (it was sent unhashed, the client's hash lost with the crash): it is
// then a new scan under the same name, as a file is complete before it is sent. A row with no
// start time counts from when it was queued.
func newerThanCutOff(f *watchedFile, u Record) bool {
	if u.SHA256 != "" {
		return false // the hashes say
	}
	started := u.Started
	if started.IsZero() {
		started = u.Created
	}
	return f.modTime.After(started.Add(cutOffStampSlack))
}

// stop lets this watcher's uploads under way end, for StopGrace, then cancels them and waits
// until each is journaled.
func (w *Watcher) stop(sub *Subscription) error {
	w.ready = nil
	grace := time.NewTimer(w.opts.StopGrace)
	defer grace.Stop()
	for w.inflight > 0 {
		select {
		case e := <-sub.C:
			w.onQueueEvent(e)
		case <-grace.C:
			for row := range w.byRow {
				w.queue.Cancel(row)
			}
		}
	}
	for _, d := range w.folders {
		d.unlock()
	}
	w.publishStatus(nil)
	return nil
}

func (w *Watcher) emitFile(f *watchedFile, ev WatchEvent) {
	ev.Folder, ev.Path, ev.Name = f.folder, f.path, filepath.Base(f.path)
	w.emit(ev)
}

// emit stamps ev, logs it (base names only: of the file, else of the folder, and where in its
// folder it was moved to) and hands it to OnEvent.
func (w *Watcher) emit(ev WatchEvent) {
	ev.Time = w.now()
	where := cmp.Or(ev.Path, ev.Folder)
	w.queue.logger().Info("watched folder", "folder", filepath.Base(ev.Folder), "file", ev.Name, "outcome", string(ev.Outcome),
		"row", ev.Row, "moved_to", ev.MovedToInFolder(), "reason", withoutPath(ev.Reason, where), "detail", withoutPath(ev.Detail, where))
	if ev.Name != "" && ev.Outcome != WatchSending {
		w.publishStatus(&ev)
	}
	if w.opts.OnEvent != nil {
		w.opts.OnEvent(ev)
	}
}

// publishStatus updates what Status returns; last, when not nil, is the newest file outcome.
func (w *Watcher) publishStatus(last *WatchEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if last != nil {
		w.status.Last = *last
		return
	}
	w.status.Folders = w.status.Folders[:0]
	for _, d := range w.folders {
		wf := WatchedFolder{Path: d.path, Available: d.available, ReadOnly: d.available && d.readOnly}
		if !d.available {
			wf.Problem = d.problem
		}
		w.status.Folders = append(w.status.Folders, wf)
	}
	w.status.Waiting, w.status.Sending, w.status.RetryAt = 0, w.inflight, w.outage.until
	for _, f := range w.files {
		if f.state == fileSettling || f.state == fileReady || f.state == fileWaiting {
			w.status.Waiting++
		}
	}
}
