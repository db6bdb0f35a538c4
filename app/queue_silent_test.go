package app

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// lockedBuffer is a log destination the queue's workers may write from any goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestSilentSignInIsRetriedAndCounted: a sign-in service that takes the connection and never
// answers. Each try gives up after the stall time; every retry is announced with why, and the
// row, its event and the log count every try, though no upload request ever went out.
func TestSilentSignInIsRetriedAndCounted(t *testing.T) {
	r := newQueueRig(t, 1)
	r.clientOptions = []client.Option{client.WithStallTimeout(50 * time.Millisecond)}
	var log lockedBuffer
	r.queue.Log = slog.New(slog.NewJSONHandler(&log, nil))
	r.server.ScriptAuth(redoxtest.Fault{Hang: true, Forever: true})

	sub, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, t.TempDir(), "scan.pdf", 2000)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := sub.IDs[0]
	events := r.waitFinal(t, id)[id]
	var retries []Event
	for _, e := range events {
		if e.Kind == EventRetrying {
			retries = append(retries, e)
		}
	}
	if len(retries) != 3 {
		t.Fatalf("%d retries announced, want 3 (4 tries)", len(retries))
	}
	for i, e := range retries {
		if e.Attempt != i+2 || !strings.Contains(e.RetryReason(), "sign-in") {
			t.Errorf("retry %d: attempt %d, reason %q; want attempt %d and the sign-in named", i, e.Attempt, e.RetryReason(), i+2)
		}
	}
	final := lastEvent(events).Record
	if final.Status != StatusFailed || final.Attempts != 4 || final.ErrorKind != client.KindNetwork.String() {
		t.Errorf("final row: %s after %d tries (%s); want failed after 4, network", final.Status, final.Attempts, final.ErrorKind)
	}
	if rec := r.row(t, id); rec.Attempts != 4 {
		t.Errorf("the history counts %d tries, want 4", rec.Attempts)
	}
	if n := len(r.server.Uploads()); n != 0 {
		t.Errorf("%d uploads reached the stand-in", n)
	}
	if err := r.queue.Close(t.Context()); err != nil { // the worker logs the outcome after its final event
		t.Fatal(err)
	}
	var retryLines int
	var finished map[string]any
	for _, l := range log.lines() {
		switch l["msg"] {
		case "upload retry scheduled":
			retryLines++
		case "upload finished":
			finished = l
		}
	}
	if retryLines != 3 || finished == nil || finished["attempts"] != float64(4) {
		t.Errorf("the log has %d retry lines and a final line %v; want 3 and 4 attempts", retryLines, finished)
	}
}
