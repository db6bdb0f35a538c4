package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gofrs/flock"
)

// TestNewOwnerTakesAFreshIDWhenItsLockIsTaken: between creating its lock file and locking it,
// another process looking for owners that are gone may lock the file first. The new owner then
// takes a fresh id instead of failing to open the history.
func TestNewOwnerTakesAFreshIDWhenItsLockIsTaken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "history.db")
	reaper := flock.New(ownerLockPath(db, "first"))
	if ok, err := reaper.TryLock(); !ok || err != nil {
		t.Fatalf("taking the lock first: %v, %v", ok, err)
	}
	defer reaper.Close()
	ids := []string{"first", "second"}
	o, err := newOwnerWith(db, func() string { id := ids[0]; ids = ids[1:]; return id })
	if err != nil {
		t.Fatal(err)
	}
	defer o.close(false)
	if o.id != "second" {
		t.Errorf("owner id %q, want the fresh id %q", o.id, "second")
	}
}

// TestLockedFileIsAt: a lock on a file that was removed, or replaced by another file of the
// same name, is not a lock on the file at that path: an owner holding it would look dead.
func TestLockedFileIsAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owner.lock")
	lock := flock.New(path)
	if ok, err := lock.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock: %v, %v", ok, err)
	}
	defer lock.Close()
	if !lockedFileIsAt(lock, path) {
		t.Fatal("the file just locked is not at its path")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if lockedFileIsAt(lock, path) {
		t.Error("a removed file counts as the one at its path")
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if lockedFileIsAt(lock, path) {
		t.Error("a new file of the same name counts as the one locked")
	}
}
