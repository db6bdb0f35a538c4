package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

const (
	// instanceLockWait is how long an opener waits for the primary to finish recovering.
	instanceLockWait = 10 * time.Second
	// instanceLockRetry is how often it checks meanwhile.
	instanceLockRetry = 10 * time.Millisecond
)

// instanceLock decides which History may recover rows left in flight, through a lock file
// next to the database ("<database>.lock").
//
// Every open History holds a shared lock on the file for as long as it is open. An opener
// first tries for the exclusive lock, which it gets only when no other History (in any
// process) has the database open: it is then the primary, recovers, and trades the exclusive
// lock for a shared one. Recovery therefore never touches rows another live History may still
// be sending, even after the first process has quit and a third one starts.
type instanceLock struct {
	file *flock.Flock
}

// lockInstance takes the lock at path. primary reports that the caller holds the exclusive
// lock and must call share once it has recovered; otherwise it holds a shared lock.
func lockInstance(path string) (l *instanceLock, primary bool, err error) {
	l = &instanceLock{file: flock.New(path, flock.SetPermissions(0o600))}
	primary, err = l.file.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("locking the upload history (%s): %w", path, err)
	}
	if primary {
		return l, true, nil
	}
	if err := l.waitShared(); err != nil {
		return nil, false, err
	}
	return l, false, nil
}

// waitShared takes a shared lock, waiting while a primary holds the exclusive one to recover.
func (l *instanceLock) waitShared() error {
	ctx, cancel := context.WithTimeout(context.Background(), instanceLockWait)
	defer cancel()
	ok, err := l.file.TryRLockContext(ctx, instanceLockRetry)
	switch {
	case ok:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return &historyError{kinds: []error{ErrHistoryBusy}, err: err, msg: fmt.Sprintf("The upload history is busy: "+
			"another Redox Uploader has held it for more than %s while starting. Wait a moment and try again.",
			instanceLockWait)}
	default:
		return fmt.Errorf("locking the upload history (%s): %w", l.file.Path(), err)
	}
}

// share trades the primary's exclusive lock for a shared one. The two steps are not atomic
// (no portable file lock converts in place), so another opener may become primary in
// between and recover; that is harmless, as this History has nothing in flight yet.
func (l *instanceLock) share() error {
	if err := l.file.Unlock(); err != nil {
		return fmt.Errorf("unlocking the upload history (%s): %w", l.file.Path(), err)
	}
	return l.waitShared()
}

// release gives the lock up. The lock file stays: removing it would race with other openers.
func (l *instanceLock) release() error {
	if err := l.file.Close(); err != nil {
		return fmt.Errorf("unlocking the upload history (%s): %w", l.file.Path(), err)
	}
	return nil
}
