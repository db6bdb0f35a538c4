package app

import (
	"os"
	"path/filepath"
)

// An uploaded file that cannot be moved out of its watched folder yet stays there for now
// (fileToMove): until the history has saved the record of its upload (onSaved), or until a move
// that failed for a while is tried again (moveLater, from checkSettling); or it was moved away
// by another program first (movedAway).

// movedAwayText says that a file was gone from its folder when the watcher came to move it.
const movedAwayText = "Another program or a person had already moved it out of the folder (perhaps another Redox " +
	"Uploader watching the same folder: one is enough)."

// movedAway reports an uploaded file that was no longer in its folder when it was to be moved
// (ev is its event so far; again: its upload was reported before), and forgets it: there is
// nothing to move, nor to do.
func (w *Watcher) movedAway(f *watchedFile, ev WatchEvent, again bool) {
	w.forget(f)
	if again {
		ev.Outcome = WatchMoved
	}
	ev.Reason = joinSentences(ev.Reason, movedAwayText)
	w.emitFile(f, ev)
}

// joinSentences is a then b, with a space between when both are there.
func joinSentences(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + " " + b
}

// onSaved moves the file that waited for the record of its upload, rec, now saved.
func (w *Watcher) onSaved(rec Record) {
	for _, f := range w.files {
		if f.state == fileToMove && f.retryAt.IsZero() && f.uploaded.ID == rec.ID {
			w.moveSent(f, rec)
			return
		}
	}
}

// moveLater leaves an uploaded file in its folder for now (ev, of outcome uploaded or duplicate,
// says why) and tries to move it again after a wait that doubles each time. A move tried again
// (again) is reported as will retry: the upload was reported the first time.
func (w *Watcher) moveLater(f *watchedFile, rec Record, ev WatchEvent, again bool) {
	f.retryWait = w.nextWait(f.retryWait)
	f.state, f.uploaded, f.retryAt = fileToMove, rec, w.now().Add(f.retryWait)
	if again {
		ev.Outcome = WatchRetrying
	}
	ev.Reason += " Moving it is tried again in " + WaitText(f.retryWait) + "."
	w.emitFile(f, ev)
}

// unwritableFolder names, relative to the watched folder, the folder that a move into dir (in
// folder) could not write to: the deepest of dir and the folders above it that exists.
func unwritableFolder(folder, dir string) string {
	d := dir
	for len(d) > len(folder) {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			break
		}
		d = filepath.Dir(d)
	}
	if rel, err := filepath.Rel(folder, d); err == nil {
		return rel
	}
	return filepath.Base(d)
}
