package app

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"redoxuploader/client/redoxtest"
)

// testClock is a watcher's clock that moves only when the test says.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// watchWhileRedoxBusy starts a watcher, sending parallel files at a time, on a folder holding
// names, on a clock the test moves, with a stand-in that answers 503 to every try of the first
// two uploads (the rig's retry policy makes four).
func watchWhileRedoxBusy(t *testing.T, parallel int, names ...string) (*watchRig, *testClock, WatchOptions) {
	t.Helper()
	qr := newQueueRig(t, parallel)
	busy := redoxtest.Fault{Status: 503}
	qr.server.Script(busy, busy, busy, busy, busy, busy, busy, busy)
	dir := t.TempDir()
	for _, name := range names {
		writeFile(t, filepath.Join(dir, name), randomBytes(t, 100))
	}
	opts := quickWatch()
	r := newWatchRig(t, qr, opts, dir)
	clock := &testClock{t: time.Now()}
	r.watcher.now = clock.now
	r.start(t)
	r.await(t, WatchWatching, "")
	return r, clock, opts
}

// TestWatchTriesOneFileWhileRedoxFails: while the source fails for a reason that is not the
// file's (here Redox answering 503), the watcher hands no file to the queue until a wait has
// passed, then one, the wait doubling at each failed try, and all the others once one is sent:
// two failed rows in the history, not one per waiting file at every try.
func TestWatchTriesOneFileWhileRedoxFails(t *testing.T) {
	r, clock, opts := watchWhileRedoxBusy(t, 1, "a.pdf", "b.pdf", "c.pdf", "d.pdf")
	qr := r.queueRig
	failedRows := func() int {
		n, err := qr.history.Count(t.Context(), Query{Statuses: []Status{StatusFailed}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// waitRetryAt waits for the status a round of the watcher publishes once it has taken in a
	// failure of the source: a wait later than after, with nothing handed to the queue.
	waitRetryAt := func(after time.Time) time.Time {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if st := r.watcher.Status(); st.RetryAt.After(after) {
				if st.Sending != 0 {
					t.Fatalf("%d file(s) handed to the queue while waiting for the source", st.Sending)
				}
				return st.RetryAt
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("the watcher never waited for the source; events:\n%s", eventLines(r.seen))
		return time.Time{}
	}

	clock.advance(opts.Settle + time.Millisecond) // the four files are complete: a.pdf goes first
	first := waitRetryAt(time.Time{})
	if n := failedRows(); n != 1 {
		t.Fatalf("%d failed rows once the first file failed; want 1, the others waiting", n)
	}

	clock.advance(first.Sub(clock.now()) + time.Millisecond) // the wait has passed: one file is tried
	second := waitRetryAt(first)
	if n, wait := failedRows(), second.Sub(clock.now()); n != 2 || wait != 2*opts.RetryWait {
		t.Fatalf("after the second try: %d failed rows, next try in %v; want 2 and %v", n, wait, 2*opts.RetryWait)
	}

	clock.advance(second.Sub(clock.now()) + time.Millisecond) // Redox answers again: every file goes
	r.awaitN(t, WatchUploaded, 4)
	if n := failedRows(); n != 2 {
		t.Errorf("%d failed rows in all; want 2", n)
	}
	if at := r.watcher.Status().RetryAt; !at.IsZero() {
		t.Errorf("still waiting for the source until %v after it answered", at)
	}
}

// TestWatchWaitStartsOnceForFilesUnderWay: files already under way when the source began to
// fail end within the wait and do not lengthen it; only a try after the wait doubles it.
func TestWatchWaitStartsOnceForFilesUnderWay(t *testing.T) {
	r, clock, opts := watchWhileRedoxBusy(t, 2, "a.pdf", "b.pdf")
	clock.advance(opts.Settle + time.Millisecond) // both complete, both sent at once
	r.awaitN(t, WatchRetrying, 2)
	deadline := time.Now().Add(15 * time.Second)
	for st := r.watcher.Status(); st.Sending != 0 || st.RetryAt.IsZero(); st = r.watcher.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v; want both files waiting for the source", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if wait := r.watcher.Status().RetryAt.Sub(clock.now()); wait != opts.RetryWait {
		t.Errorf("next try in %v after two files under way failed together; want %v", wait, opts.RetryWait)
	}
}
