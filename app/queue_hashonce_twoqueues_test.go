package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"redoxuploader/client/redoxtest"
)

// secondQueue opens another History on r's history file, as another process would, and a
// queue on it uploading to r's stand-in; both end with the test.
func secondQueue(t *testing.T, r *queueRig) (*Queue, *Subscription) {
	t.Helper()
	h, err := OpenHistory(r.history.Path())
	if err != nil {
		t.Fatal(err)
	}
	q := NewQueue(h, r.newClient)
	q.claimPoll = 5 * time.Millisecond
	sub := q.Subscribe()
	t.Cleanup(func() {
		sub.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Close(ctx); err != nil {
			t.Errorf("closing the second queue: %v", err)
		}
		h.Close()
	})
	return q, sub
}

// TestSameFileWhileItIsSentUnhashed: a file of a new size is sent by one process without
// hashing first; the same file given to another process sharing the history meanwhile is
// hashed (another row has its size), waits for that upload as for the same content, and ends
// a duplicate of it. The file reaches Redox once.
func TestSameFileWhileItIsSentUnhashed(t *testing.T) {
	r := newQueueRig(t, 1)
	arrived, held := make(chan struct{}), make(chan struct{})
	release := sync.OnceFunc(func() { close(held) })
	t.Cleanup(release) // before the rig's: a failing test lets the held upload go
	var first atomic.Bool
	hold := func() { // the first upload only; any other goes through
		if first.CompareAndSwap(false, true) {
			close(arrived)
			<-held
		}
	}
	r.beforeUpload.Store(&hold)
	path := writeRandom(t, t.TempDir(), "scan.pdf", 40<<10)
	sent, err := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-arrived // sent without a hash first, held at the stand-in

	other, otherSub := secondQueue(t, r)
	hashes := countHashes(other)
	waiting := make(chan struct{}, 1)
	other.Log = slog.New(logHook(func(line slog.Record) {
		if line.Message == "waiting for another Redox Uploader sending the same content" {
			select {
			case waiting <- struct{}{}:
			default:
			}
		}
	}))
	twin, err := other.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	timeout := time.After(30 * time.Second)
	for waited := false; !waited; {
		select {
		case <-waiting:
			waited = true
		case e := <-otherSub.C:
			if e.Final() {
				t.Fatalf("the twin ended %s (%s) while the first was still being sent; want it to wait", e.Kind, e.Record.ErrorMessage)
			}
		case <-timeout:
			t.Fatal("the twin never waited for the upload in flight")
		}
	}
	release()

	if e := lastEvent(r.waitFinal(t, sent.IDs...)[sent.IDs[0]]); e.Kind != EventDone || e.Record.SHA256 != fileSHA256(t, path) {
		t.Errorf("the first ended %s %.12s (%s); want done with the file's SHA-256", e.Kind, e.Record.SHA256, e.Record.ErrorMessage)
	}
	e := lastEvent(waitFinalOn(t, otherSub, twin.IDs...)[twin.IDs[0]])
	if e.Kind != EventDuplicate || e.Record.DuplicateOf != sent.IDs[0] {
		t.Errorf("the twin ended %s, duplicate of %d (%s); want a duplicate of row %d", e.Kind, e.Record.DuplicateOf,
			e.Record.ErrorMessage, sent.IDs[0])
	}
	if hashes.Load() != 1 {
		t.Errorf("the twin was hashed %d times before sending, want 1", hashes.Load())
	}
	if n := len(r.server.Uploads()); n != 1 {
		t.Errorf("the stand-in received %d uploads, want 1", n)
	}
}

// TestNewSizesFromTwoQueues: two queues on one history file, as two processes, given the same
// files of sizes new to the source at the same moment, send each content once between them;
// the other queue's row for it is a duplicate.
func TestNewSizesFromTwoQueues(t *testing.T) {
	r := newQueueRig(t, 4)
	faults := make([]redoxtest.Fault, 40) // every upload takes a moment, so the two overlap
	for i := range faults {
		faults[i] = redoxtest.Fault{Delay: 10 * time.Millisecond}
	}
	r.server.Script(faults...)
	r.queue.claimPoll = 5 * time.Millisecond
	other, otherSub := secondQueue(t, r)
	const files = 12
	dir := t.TempDir()
	var paths []string
	for i := range files {
		paths = append(paths, writeRandom(t, dir, fmt.Sprintf("scan-%02d.pdf", i), 10<<10+i)) // each size its own
	}

	var wg sync.WaitGroup
	ids := make([][]int64, 2) // by queue
	for i, q := range []*Queue{r.queue, other} {
		wg.Go(func() {
			sub, err := q.Submit(context.Background(), r.profile, paths, SubmitOptions{})
			if err != nil {
				t.Error(err)
			}
			ids[i] = sub.IDs
		})
	}
	wg.Wait()
	statuses := map[Status]int{}
	for i, sub := range []*Subscription{r.sub, otherSub} {
		for _, events := range waitFinalOn(t, sub, ids[i]...) {
			statuses[lastEvent(events).Record.Status]++
		}
	}
	perContent := map[string]int{}
	for _, u := range r.server.Uploads() {
		perContent[u.SHA256]++
	}
	if len(r.server.Uploads()) != files || len(perContent) != files {
		t.Errorf("the stand-in received %d uploads of %d contents, want %d of %d", len(r.server.Uploads()), len(perContent), files, files)
	}
	if statuses[StatusDone] != files || statuses[StatusDuplicate] != files {
		t.Errorf("rows ended %v; want %d done and %d duplicate", statuses, files, files)
	}
}
