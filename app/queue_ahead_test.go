package app

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"
)

// TestQueueClaimAheadThenCancelled: a file claimed with the outcome of the file before it
// (takeAhead), then cancelled before its worker sends it, is never sent and ends cancelled as
// a file nothing of which reached Redox. The cancel comes on the worker's own goroutine, from
// the first file's "upload finished" line, which the queue logs after the commit that claimed
// the second; the second's row is checked to be uploading then, by another connection that
// sees only what is committed.
func TestQueueClaimAheadThenCancelled(t *testing.T) {
	r := newQueueRig(t, 1)
	reader := rawDB(t, r.history.path)
	dir := t.TempDir()
	paths := []string{writeRandom(t, dir, "first.pdf", 10<<10), writeRandom(t, dir, "second.pdf", 11<<10)}

	var mu sync.Mutex
	var second int64
	var claimedThen Status
	var problem error
	r.queue.Log = slog.New(logHook(func(line slog.Record) {
		id, done := doneRow(line)
		mu.Lock()
		defer mu.Unlock()
		if !done || second == 0 || id == second {
			return
		}
		if err := reader.QueryRow("SELECT status FROM uploads WHERE id = ?", second).Scan(&claimedThen); err != nil {
			problem = fmt.Errorf("reading row %d: %w", second, err)
		}
		if !r.queue.Cancel(second) {
			problem = fmt.Errorf("row %d was neither waiting nor running when the first ended", second)
		}
	}))
	queued := make(chan struct{}) // both rows are queued before the first file's upload may end
	wait := func() { <-queued }
	r.beforeUpload.Store(&wait)
	sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil {
		close(queued)
		t.Fatal(err)
	}
	mu.Lock()
	second = sub.IDs[1]
	mu.Unlock()
	close(queued)
	events := r.waitFinal(t, sub.IDs...)
	mu.Lock()
	defer mu.Unlock()
	if problem != nil {
		t.Fatal(problem)
	}
	if claimedThen != StatusUploading {
		t.Fatalf("when the first file ended, the second's row was %q, want it claimed (uploading) with that outcome", claimedThen)
	}
	if e := lastEvent(events[second]); e.Kind != EventCancelled || e.Record.ErrorMessage != "Cancelled before it was sent. Nothing reached Redox." {
		t.Errorf("the second file ended %s: %q; want cancelled, nothing sent", e.Kind, e.Record.ErrorMessage)
	}
	for _, e := range events[second] {
		if e.Kind == EventStarted || e.Kind == EventProgress {
			t.Errorf("the second file, cancelled before it was sent, announced %s", e.Kind)
		}
	}
	if rec := r.row(t, second); rec.Status != StatusCancelled || rec.Finished.IsZero() {
		t.Errorf("the second file's row: %+v, want cancelled and finished", rec)
	}
	if n := len(r.server.Uploads()); n != 1 {
		t.Errorf("the stand-in received %d uploads, want the first file's alone", n)
	}
}
