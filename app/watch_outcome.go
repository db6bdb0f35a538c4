package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// What a Watcher does with a file once its upload has ended: moved to Uploaded/DATE/ or to
// Failed/ with a note, left in a read-only folder, or tried again later.

// actsOn keeps the queue events onQueueEvent acts on: a row started, a row ended, a row's
// outcome saved late.
func actsOn(e Event) bool { return e.Kind == EventStarted || e.Final() || e.Kind == EventSaved }

// onQueueEvent acts on an event of one of this watcher's rows: a start is announced; a final
// outcome frees a place and moves, retries or leaves the file; a late save moves the file that
// waited for it.
func (w *Watcher) onQueueEvent(e Event) {
	if e.Kind == EventSaved {
		w.onSaved(e.Record)
		return
	}
	f := w.byRow[e.Record.ID]
	if f == nil {
		return
	}
	rec := e.Record
	if e.Kind == EventStarted {
		w.emitFile(f, WatchEvent{Outcome: WatchSending, Row: rec.ID})
		return
	}
	if !e.Final() {
		return
	}
	delete(w.byRow, rec.ID)
	w.inflight--
	switch rec.Status {
	case StatusDone, StatusDuplicate:
		if rec.Status == StatusDone {
			w.sourceAnswered()
		}
		w.moveSent(f, rec)
	case StatusFailed:
		w.settleFailure(f, rec)
	default: // cancelled: it stays, and is sent at the next start
		f.state = fileLeft
		w.emitFile(f, WatchEvent{Outcome: WatchCancelled, Row: rec.ID, Reason: rec.ErrorMessage})
	}
}

// moveSent moves a file Redox has to Uploaded/DATE/; if it cannot be moved because the watched
// folder is read-only, it stays, and its content is recorded as left in place
// (History.KeepInPlace) so that keepIfSent knows it at every later start, whatever the retention
// purge deleted; if only Uploaded/ or the day's folder in it may not be written, it stays for
// now, and the move is tried again later (moveLater). A file that changed after it was handed
// over (a scanner adding a page, the next scan under the same name) is not what Redox has: it
// stays, and is sent again once it has settled. A file is moved only once the record of its
// upload is on disk: not while the history cannot save it (the disk is full: it is moved when
// the record is saved, onSaved), and after History.Flush (failing, the move is tried again
// later), so that a power cut cannot leave a file in Uploaded/ without that record.
//
// The upload of a file left to be moved later was reported already: a later try is reported as
// moved, will retry or kept, never as uploaded again (a window counts the uploads it hears of).
func (w *Watcher) moveSent(f *watchedFile, rec Record) {
	again := f.state == fileToMove
	fi, err := os.Stat(f.path)
	if err == nil && f.changedSinceSent(fi) {
		f.state = fileSettling
		w.emitFile(f, WatchEvent{Outcome: WatchRetrying, Row: rec.ID, URI: rec.URI,
			Reason: "It was uploaded (the URI is shown), then it changed; the new version is sent once it has settled."})
		return
	}
	ev := WatchEvent{Outcome: WatchUploaded, Row: rec.ID, URI: rec.URI}
	if rec.Status == StatusDuplicate {
		ev.Outcome, ev.Reason = WatchDuplicate, "Already uploaded to this source; that upload's URI is shown."
	}
	if again {
		ev.Reason = ""
	}
	if errors.Is(err, fs.ErrNotExist) {
		ev.Reason = joinSentences(ev.Reason, rec.NotSaved)
		w.movedAway(f, ev, again)
		return
	}
	if rec.NotSaved != "" { // not moved until its record is saved (onSaved), or at the next start
		f.state, f.uploaded, f.retryAt = fileToMove, rec, time.Time{}
		ev.Reason, ev.Detail = rec.NotSaved+" The file stays in the folder until then, and is moved once it is recorded.", ""
		w.emitFile(f, ev)
		return
	}
	if err := w.queue.history.Flush(); err != nil { // the record first, on disk, then the move
		ev.Reason, ev.Detail = "Uploaded, but the record of it could not be saved to disk yet, so it is still in the folder.", err.Error()
		w.moveLater(f, rec, ev, again)
		return
	}
	dir := uploadedFolder(f.folder, w.now())
	dest, err := moveInto(f.path, dir, folderPerm(f.folder))
	switch {
	case errors.Is(err, errMovedAway):
		w.movedAway(f, ev, again)
		return
	case err != nil && isReadOnlyError(err) && canMoveOutOf(f.folder):
		// The watched folder may be changed, Uploaded/ or the day's folder in it not.
		ev.Reason = "Uploaded, but it could not be moved: this account may not write to the folder " +
			unwritableFolder(f.folder, dir) + " in the watched folder, so the file is still in the watched folder. " +
			"Ask IT to let it write there."
		ev.Detail = err.Error()
		w.moveLater(f, rec, ev, again)
		return
	case err != nil && again: // a move tried again goes on being tried
		ev.Reason = "Uploaded, but it could not be moved into " + WatchUploadedFolder + ", so it is still in the folder."
		ev.Detail = err.Error()
		w.moveLater(f, rec, ev, again)
		return
	case err != nil && isReadOnlyError(err):
		f.state = fileLeft
		w.setReadOnly(f.folder, true)
		if again {
			ev.Outcome = WatchKept
		}
		ev.Reason, ev.Detail = "Uploaded; it stays in this read-only folder, and is not sent again.", err.Error()
		// Not the watcher's context: a file whose upload ends while the watcher stops is
		// recorded all the same.
		if err := w.queue.history.KeepInPlace(context.Background(), w.profile.SourceID(), rec.SHA256, rec.Size); err != nil {
			ev.Detail = joinDetail(ev.Detail, err.Error())
		}
	case err != nil:
		f.state = fileLeft
		ev.Reason = "Uploaded, but it could not be moved into " + WatchUploadedFolder + ", so it is still in the folder. " +
			"Check that the History shows it uploaded, then move it out of the folder yourself."
		ev.Detail = err.Error()
	default:
		ev.MovedTo = dest
		w.forget(f)
		w.setReadOnly(f.folder, false)
		if again {
			ev.Outcome = WatchMoved
		}
	}
	w.emitFile(f, ev)
}

// settleFailure moves a file refused for good to Failed/ with its why file; a passing failure
// is tried again later, and a file that changed while it was checked or sent settles again.
func (w *Watcher) settleFailure(f *watchedFile, rec Record) {
	fi, err := os.Stat(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		w.forget(f)
		w.emitFile(f, takenOutEvent(rec))
		return
	}
	changed := err != nil || f.changedSinceSent(fi) || rec.ErrorKind == ErrorKindChangedWhileSending
	if changed {
		f.state = fileSettling // still being written: sent once it has settled again
		w.emitFile(f, WatchEvent{Outcome: WatchRetrying, Row: rec.ID, Reason: "It changed while it was being sent; it is sent again once it has settled."})
		return
	}
	if !failedForGood(rec, false) {
		ev := WatchEvent{Row: rec.ID, Reason: rec.ErrorMessage, Detail: rec.ErrorDetail}
		if sourceTrouble(rec) { // every file would fail alike: one is tried after a wait (watch_outage.go)
			w.retryAt(f, ev, w.sourceFailed())
			return
		}
		w.retryLater(f, ev)
		return
	}
	ev := WatchEvent{Outcome: WatchFailed, Row: rec.ID, Reason: rec.ErrorMessage, Detail: rec.ErrorDetail}
	perm := folderPerm(f.folder)
	dest, err := moveInto(f.path, filepath.Join(f.folder, WatchFailedFolder), perm)
	if errors.Is(err, errMovedAway) {
		w.forget(f)
		ev.Detail = joinDetail(ev.Detail, "it was not moved into "+WatchFailedFolder+". "+movedAwayText)
	} else if err != nil {
		f.state = fileLeft
		ev.Detail = joinDetail(ev.Detail, "it could not be moved into "+WatchFailedFolder+": "+err.Error())
	} else {
		ev.MovedTo = dest
		w.forget(f)
		if err := writeWhyFile(dest, rec, perm); err != nil {
			ev.Detail = joinDetail(ev.Detail, err.Error())
		}
	}
	w.emitFile(f, ev)
}

// takenOutEvent is the event of a failed row whose file is no longer in its folder: taken out
// before it was sent, or, when Redox returned a URI, after (the row says what is wrong with
// what Redox received).
func takenOutEvent(rec Record) WatchEvent {
	if rec.URI == "" {
		return WatchEvent{Outcome: WatchSkipped, Row: rec.ID, Reason: "The file was taken out of the folder before it was sent " +
			"from here: by a person, or by another program (perhaps another Redox Uploader watching the same folder, " +
			"which sends it itself: one is enough)."}
	}
	return WatchEvent{Outcome: WatchFailed, Row: rec.ID, URI: rec.URI, Detail: rec.ErrorDetail,
		Reason: "It was sent (Redox returned the URI shown), and taken out of the folder by another program or " +
			"a person meanwhile. " + rec.ErrorMessage}
}

// retryLater leaves f in its folder to be tried again after a wait that doubles each time.
func (w *Watcher) retryLater(f *watchedFile, ev WatchEvent) {
	f.retryWait = w.nextWait(f.retryWait)
	w.retryAt(f, ev, w.now().Add(f.retryWait))
}

// nextWait is the wait after one of last: twice as long, from RetryWait up to
// maxWatchRetryWait.
func (w *Watcher) nextWait(last time.Duration) time.Duration {
	return min(max(last*2, w.opts.RetryWait), maxWatchRetryWait)
}

// retryAt leaves f in its folder to be tried again from at, and says when.
func (w *Watcher) retryAt(f *watchedFile, ev WatchEvent, at time.Time) {
	f.state, f.retryAt = fileWaiting, at
	ev.Outcome = WatchRetrying
	ev.Reason += " Trying again in " + WaitText(at.Sub(w.now())) + "."
	w.emitFile(f, ev)
}
