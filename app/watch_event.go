package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"redoxuploader/client"
)

// WatchOutcome says what became of a file (or a folder) a Watcher watches.
type WatchOutcome string

// The outcomes a Watcher reports, one WatchEvent each.
const (
	WatchWatching    WatchOutcome = "watching"    // a folder is being watched (at start, and when it returns)
	WatchUnavailable WatchOutcome = "unavailable" // a folder cannot be read (gone, offline); checked again periodically
	WatchSending     WatchOutcome = "sending"     // a complete file was handed to the queue
	WatchUploaded    WatchOutcome = "uploaded"    // done; moved to Uploaded/DATE/ (MovedTo), or kept in place (Reason says why)
	WatchDuplicate   WatchOutcome = "duplicate"   // already uploaded to this source; URI is that upload's; moved like uploaded
	WatchFailed      WatchOutcome = "failed"      // a permanent failure; moved to Failed/ beside NAME.why.txt
	WatchRetrying    WatchOutcome = "will retry"  // a passing failure; the file stays and is tried again later
	WatchHeld        WatchOutcome = "held"        // an earlier upload of it was cut off: Redox may have it; a person decides
	WatchCancelled   WatchOutcome = "cancelled"   // stopped (the watcher stopping, or cancelled in the window); stays
	WatchSkipped     WatchOutcome = "skipped"     // not sent as it is (an empty file; a folder, not looked into); looked at again when it changes
	WatchKept        WatchOutcome = "kept"        // already uploaded, in a read-only folder: it stays, and is not sent again
	// WatchMoved: a file uploaded earlier (reported then) and left in its folder for a while (its
	// record not yet saved, Uploaded/ not writable) is out of it now: moved to Uploaded/DATE/
	// (MovedTo), or moved away by another program first (Reason).
	WatchMoved WatchOutcome = "moved"
)

// WatchEvent is one thing that happened in a watched folder, for a log line or the window.
type WatchEvent struct {
	Time    time.Time
	Outcome WatchOutcome
	Folder  string // the watched folder
	Path    string // the file ("" for a folder's events)
	Name    string // the file's base name ("" for a folder's events)
	Row     int64  // the history row, when there is one
	URI     string // with uploaded and duplicate
	MovedTo string // where the file now is, when it was moved
	Reason  string // plain words: why it failed, is retried, held, kept, or the folder is unavailable
	Detail  string // technical detail for IT, when there is more than Reason says
}

// String is the event as one log line: time, file (or folder), outcome, then the URI, where
// the file was moved to ("→ Uploaded/2026-11-30/scan (2).pdf") and the reason.
func (e WatchEvent) String() string {
	what := e.Name
	if what == "" {
		what = "folder " + e.Folder
	}
	s := fmt.Sprintf("%s  %s  %s", e.Time.Local().Format("2006-01-02 15:04:05.000"), what, e.Outcome)
	if e.URI != "" {
		s += "  " + e.URI
	}
	if moved := e.MovedToInFolder(); moved != "" {
		s += "  → " + moved
	}
	if e.Reason != "" {
		s += "  " + e.Reason
	}
	if e.Detail != "" && e.Detail != e.Reason {
		s += "  (" + e.Detail + ")"
	}
	return s
}

// failedForGood reports whether a failed row's file should go to Failed/: Redox or the checks
// refused the file itself (too large, a bad request, unreadable). changed says whether the file
// is no longer as it was when it was handed over: a file problem then means it is still being
// written, which passes. Anything else that may pass (the network, Redox's servers,
// credentials IT can mend, the history) is tried again and the file stays.
func failedForGood(rec Record, changed bool) bool {
	switch rec.ErrorKind {
	case client.KindTooLarge.String(), client.KindBadRequest.String():
		return true
	case client.KindFile.String():
		return !changed
	}
	return false
}

// MovedToInFolder is where the file was moved to, relative to its watched folder
// ("Uploaded/2026-11-30/scan (2).pdf", with the system's separators), or "" if it was not moved.
func (e WatchEvent) MovedToInFolder() string {
	if e.MovedTo == "" {
		return ""
	}
	if rel, err := filepath.Rel(e.Folder, e.MovedTo); err == nil && e.Folder != "" && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return filepath.Base(e.MovedTo)
}
