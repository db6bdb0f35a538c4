package app

import (
	"errors"
	"path/filepath"

	"github.com/gofrs/flock"
)

// A watched folder's files are sent by one watcher at a time: the one holding the lock of a
// file in it, watchLockName. Two watchers of one folder sent each scan twice when they kept
// their records apart: two accounts of a remote-desktop host or a shared Linux computer (each
// with its own history), or two computers watching one network share (where the share passes
// the lock on, as Windows' SMB does). The lock is the operating system's, so it goes with the
// process, a crash included. A folder whose lock cannot be taken at all (a read-only folder,
// a file system without locks) is watched without it, as before.

// watchLockName is the lock file in each watched folder; its leading dot keeps it out of the
// files watched (watchIgnores).
const watchLockName = ".redox-uploader-watch.lock"

// errWatchedElsewhere is the problem of a folder whose lock another watcher holds.
var errWatchedElsewhere = errors.New("another Redox Uploader holds the folder's lock")

// lockFolder takes d's lock for this watcher, if it does not hold it yet, and returns
// errWatchedElsewhere when another watcher holds it. The file is made with the folder's own
// permissions (as Uploaded/), so that every account that may watch the folder may open it.
func (w *Watcher) lockFolder(d *watchedFolder) error {
	if d.lock != nil {
		return nil
	}
	path := filepath.Join(d.path, watchLockName)
	l := flock.New(path, flock.SetPermissions(folderPerm(d.path)&0o666))
	switch ok, err := l.TryLock(); {
	case err != nil: // cannot be made or locked here: watched without it
		l.Close()
		w.queue.logger().Debug("watched folder not locked; watching it all the same", "folder", filepath.Base(d.path),
			"error", err.Error())
		return nil
	case !ok:
		l.Close()
		return errWatchedElsewhere
	}
	d.lock = l
	hideLockFile(path)
	return nil
}

// unlock lets d's lock go, if this watcher holds it.
func (d *watchedFolder) unlock() {
	if d.lock != nil {
		d.lock.Close()
		d.lock = nil
	}
}
