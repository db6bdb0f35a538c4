package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"
)

// owner is one open, writable History as the rows it journals know it: a random id, written
// into the owner column of every row it has queued or uploading, and a lock file
// ("<database>.owner-<id>.lock") it holds for as long as it is open.
//
// That is how any process tells whether a row's sender is alive: it tries the owner's lock.
// The operating system releases the lock of a process that ends, however it ends (quit, crash,
// kill), so a lock it can take belongs to a History that is gone; its rows will never be
// finished by it, and the process that found it out recovers them (reapOwner). This lets the
// duplicate check wait for another process sending the same content without waiting for ever
// on one that died. (The instance lock in instancelock.go only says whether any History is
// open at all.)
//
// Beside the lock, the owner keeps space reserved for the outcomes it could not journal
// ("<database>.owner-<id>.unsaved"; see unsavedFile), which whoever reaps it replays.
type owner struct {
	id      string
	lock    *flock.Flock
	unsaved *unsavedFile // nil until one could be made
}

// ownerFilePrefix starts the names of owners' files, after the database's own name.
const ownerFilePrefix = ".owner-"

func ownerLockPath(db, id string) string    { return db + ownerFilePrefix + id + ".lock" }
func ownerUnsavedPath(db, id string) string { return db + ownerFilePrefix + id + ".unsaved" }

// newOwner makes a new owner for the History of the database at db: a fresh id and its lock,
// taken, and (if there is room) its reserved file for unsaved outcomes.
func newOwner(db string) (*owner, error) {
	return newOwnerWith(db, func() string { return strings.ToLower(rand.Text()[:16]) })
}

// ownerLockTries bounds how many fresh ids newOwner tries; see takeOwnerLock.
const ownerLockTries = 8

// newOwnerWith is newOwner with the ids drawn from newID (tests give their own).
func newOwnerWith(db string, newID func() string) (*owner, error) {
	var lastErr error
	for range ownerLockTries {
		id := newID()
		lock, err := takeOwnerLock(ownerLockPath(db, id))
		if err != nil {
			return nil, err
		}
		if lock == nil {
			lastErr = fmt.Errorf("the lock file of owner %s was taken by another Redox Uploader first", id)
			continue
		}
		o := &owner{id: id, lock: lock}
		o.unsaved, _ = createUnsavedFile(ownerUnsavedPath(db, id)) // best effort: a full disk has no room
		return o, nil
	}
	return nil, fmt.Errorf("locking the upload history: %w", lastErr)
}

// takeOwnerLock creates and locks a new owner's lock file at path. It returns nil, and no
// error, when the file it locked is not (or no longer) the one at path: between creating the
// file and locking it, another process looking for owners that are gone may have locked it
// itself, taken it for a dead owner's and removed it. An owner holding a lock on a removed file
// would look dead to everyone, so the caller tries again with a fresh id.
func takeOwnerLock(path string) (*flock.Flock, error) {
	lock := flock.New(path, flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking the upload history (%s): %w", path, err)
	}
	if !ok {
		lock.Close()
		return nil, nil
	}
	if !lockedFileIsAt(lock, path) {
		lock.Close()
		return nil, nil
	}
	return lock, nil
}

// lockedFileIsAt reports whether the file lock holds open is the one at path now.
func lockedFileIsAt(lock *flock.Flock, path string) bool {
	held, herr := lock.Stat()
	named, nerr := os.Stat(path)
	return herr == nil && nerr == nil && os.SameFile(held, named)
}

// close releases the owner. With keepUnsaved (outcomes are still not journaled) its files stay
// for the next opener to replay; otherwise they are removed.
func (o *owner) close(keepUnsaved bool) error {
	var err error
	if o.unsaved != nil {
		err = o.unsaved.close(!keepUnsaved)
	}
	if cerr := o.lock.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("unlocking the upload history (%s): %w", o.lock.Path(), cerr))
	}
	if !keepUnsaved {
		// After unlocking (Windows removes no open file). Another opener may take the lock in
		// between: it finds this owner gone, which it is, and nothing of it in flight.
		os.Remove(o.lock.Path())
	}
	return err
}

// reapOwner recovers the rows of owner id if that History is gone (see owner): the outcomes it
// could not journal are journaled from its unsaved file, then its rows still queued become
// interrupted and those still uploading unknown, as at start-up. Its files are removed. It
// reports what it recovered, and nothing when the owner is alive.
func (h *History) reapOwner(ctx context.Context, id string) (Recovery, error) {
	if id == "" || (h.owner != nil && id == h.owner.id) {
		return Recovery{}, nil
	}
	lockPath := ownerLockPath(h.path, id)
	lock := flock.New(lockPath, flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err != nil {
		return Recovery{}, fmt.Errorf("checking the upload history's lock (%s): %w", lockPath, err)
	}
	if !ok {
		return Recovery{}, nil // alive
	}
	unsavedPath := ownerUnsavedPath(h.path, id)
	outcomes, readErr := readUnsavedFile(unsavedPath)
	rec, err := h.recoverOwner(ctx, id, outcomes)
	lock.Close() // before removing: Windows removes no open file
	if err != nil {
		return Recovery{}, err // files kept: the next one tries again
	}
	if readErr == nil || errors.Is(readErr, fs.ErrNotExist) {
		os.Remove(unsavedPath)
	}
	os.Remove(lockPath)
	return rec, nil
}

// recoverOwner journals, in one transaction, the outcomes owner id left unsaved and ends its
// rows still in flight as a start-up recovery does.
func (h *History) recoverOwner(ctx context.Context, id string, outcomes []Record) (Recovery, error) {
	const op = "recovering the uploads of a Redox Uploader that has stopped"
	var rec Recovery
	err := h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		saved := 0
		for i := range outcomes {
			ok, err := finishLate(ctx, tx, &outcomes[i])
			if err != nil {
				return h.dbError(op, err)
			}
			if ok {
				saved++
			}
		}
		var err error
		rec, err = markInFlight(ctx, tx, id, recoveredOwnerDetail)
		rec.Saved = saved
		return h.dbError(op, err)
	})
	return rec, err
}

// recoveredOwnerDetail is the technical detail of a row recovered from an owner found gone.
const recoveredOwnerDetail = "set by another Redox Uploader sharing the history: the row was still %s when the " +
	"process sending it ended (quit, crash or power loss)"

// reapDeadOwners recovers the rows of every owner whose files are in the database's folder and
// whose History is gone; see reapOwner.
func (h *History) reapDeadOwners(ctx context.Context) (Recovery, error) {
	dir, base := filepath.Split(h.path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Recovery{}, fmt.Errorf("looking for unfinished uploads of stopped Redox Uploaders: %w", err)
	}
	var total Recovery
	seen := map[string]bool{}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base+ownerFilePrefix)
		if !ok {
			continue
		}
		id := strings.TrimSuffix(strings.TrimSuffix(rest, ".lock"), ".unsaved")
		if id == rest || seen[id] {
			continue
		}
		seen[id] = true
		rec, err := h.reapOwner(ctx, id)
		if err != nil {
			return total, err
		}
		total.add(rec)
	}
	return total, nil
}
