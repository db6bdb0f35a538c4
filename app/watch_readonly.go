package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// A watched folder that this account may read but not change (a share IT made read-only, a
// read-only disk): files sent from it cannot be moved to Uploaded/, so they stay where they
// are, and the history is what marks them as sent. The watcher finds this out when the folder
// becomes available, before the first file is sent, so that Settings can say so up front.

// canMoveOutOf reports whether files can be moved out of dir: it creates a hidden, empty file
// of its own there and removes it again. Only a refusal to write (no permission, a read-only
// file system) says no; any other error leaves the question to the first move.
func canMoveOutOf(dir string) bool {
	var nonce [6]byte
	rand.Read(nonce[:])
	probe := filepath.Join(dir, ".redox-uploader-write-check-"+hex.EncodeToString(nonce[:])+".tmp")
	f, err := os.OpenFile(probe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return !isReadOnlyError(err)
	}
	f.Close()
	return !isReadOnlyError(os.Remove(probe))
}

// isReadOnlyError reports whether err is a refusal to change a folder: no permission, or one
// of this system's readOnlyErrors (a read-only file system, a write-protected disk...).
func isReadOnlyError(err error) bool {
	if errors.Is(err, fs.ErrPermission) {
		return true
	}
	for _, target := range readOnlyErrors {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// setReadOnly records whether files can be moved out of the watched folder named path.
func (w *Watcher) setReadOnly(path string, readOnly bool) {
	if d := w.folder(path); d != nil && d.readOnly != readOnly {
		d.readOnly = readOnly
		w.publishStatus(nil)
	}
}

// isReadOnly reports whether files cannot be moved out of the watched folder named path.
func (w *Watcher) isReadOnly(path string) bool {
	d := w.folder(path)
	return d != nil && d.readOnly
}

// folder is the watched folder named path, or nil.
func (w *Watcher) folder(path string) *watchedFolder {
	for _, d := range w.folders {
		if d.path == path {
			return d
		}
	}
	return nil
}

// keepIfSent leaves a file of a read-only folder that was already uploaded to this source: it
// stays in the folder, and is not sent again nor given a new history row at each start. Its
// content was sent if it was recorded as left in place (History.KeptInPlace), or has a done
// row (LatestDone; a file sent before files left in place were recorded is recorded now). It
// hashes f, so it is called only for a file mustReadToKeep said yes to: a new scan of a size
// never sent is handed to the queue unread; a file already kept has its size known, and is
// hashed again at each start. A file it does not leave goes to the queue with its hash
// (hashOf), so it is read once more, to be sent, not twice. It reports whether it left the file.
func (w *Watcher) keepIfSent(ctx context.Context, f *watchedFile) bool {
	history, source := w.queue.history, w.profile.SourceID()
	sum, err := w.hashOf(f)
	if err != nil {
		return false // the queue says what is wrong with it
	}
	kept, keptErr := history.KeptInPlace(ctx, source, sum)
	r, done, doneErr := history.LatestDone(ctx, source, sum)
	kept, done = kept && keptErr == nil, done && doneErr == nil // either one found is enough
	if !kept && !done {
		return false
	}
	if !kept {
		history.KeepInPlace(ctx, source, sum, f.size) //nolint:errcheck // tried again at the next start
	}
	f.state = fileLeft
	w.emitFile(f, WatchEvent{Outcome: WatchKept, Row: r.ID, URI: r.URI,
		Reason: "Already uploaded; it stays in this read-only folder, and is not sent again."})
	return true
}

// hashOf returns f's SHA-256, read once a round: holdIfCutOff and keepIfSent share it, and a
// file they do not leave is handed to the queue with it (f.hashed), which sends it without
// hashing it again unless it changed meanwhile.
func (w *Watcher) hashOf(f *watchedFile) (string, error) {
	if f.hashed != nil {
		return f.hashed.sha256, nil
	}
	sum, hashed, err := w.queue.hashWithStamp(f.path, f.size)
	f.hashed = hashed // nil when the file changed while it was read: the queue then reads it again
	return sum, err
}

// mustReadToKeep reports whether keepIfSent must hash f to know whether it was sent: f is in a
// read-only folder, and something of this source was sent with its size (or the history could
// not say). Otherwise f is new content, handed to the queue unread.
func (w *Watcher) mustReadToKeep(ctx context.Context, f *watchedFile) bool {
	if !w.isReadOnly(f.folder) {
		return false
	}
	maybe, err := w.queue.history.MaybeSent(ctx, w.profile.SourceID(), f.size)
	return maybe || err != nil
}
