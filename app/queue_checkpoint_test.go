package app

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestQueueIdleCopiesTheLogIntoTheDatabase: once the queue has nothing left to send and many
// rows wait for the search index, the write-ahead log is copied into the database file in the
// background, so the file alone (read as immutable, which ignores the log) holds every row and
// outcome, before the history closes. (With few rows waiting nothing is written then, and the
// history keeps one connection: TestQueueSendsOnOneConnection.)
func TestQueueIdleCopiesTheLogIntoTheDatabase(t *testing.T) {
	r := newQueueRig(t, 2)
	copied := make(chan struct{})
	var once sync.Once
	r.history.checkpoints.mu.Lock()
	r.history.checkpoints.ended = func() { once.Do(func() { close(copied) }) }
	r.history.checkpoints.mu.Unlock()

	dir := t.TempDir()
	var paths []string
	for i := range indexWaitingMin {
		paths = append(paths, writeRandom(t, dir, fmt.Sprintf("page-%03d.pdf", i), 1000+i))
	}
	sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.waitFinal(t, sub.IDs...)
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("the queue went idle and no checkpoint ran in the background")
	}
	db := rawDB(t, "file:"+r.history.Path()+"?mode=ro&immutable=1")
	var done int
	if err := db.QueryRow("SELECT count(*) FROM uploads WHERE status = 'done' AND uri <> ''").Scan(&done); err != nil {
		t.Fatal(err)
	}
	if done != len(paths) {
		t.Errorf("the database file alone holds %d done rows; want %d", done, len(paths))
	}
}
