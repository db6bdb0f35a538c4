package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
	"redoxuploader/internal/sandbox"
)

// queueRig is a queue journaling into a real history file and uploading to a real stand-in.
type queueRig struct {
	server *redoxtest.Server
	// atServer receives one value for each upload request the stand-in has counted and begun
	// to read (after any scripted delay); see waitAtServer. seen counts those received.
	atServer chan struct{}
	seen     int
	// beforeUpload, when set, runs on the stand-in's side as each upload request arrives,
	// before the stand-in handles it.
	beforeUpload atomic.Pointer[func()]
	demo         redoxtest.Demo
	history      *History
	queue        *Queue
	profile      Profile
	sub          *Subscription
	// inflight and peak count concurrent upload requests, seen from the client side.
	inflight, peak atomic.Int32
	// clientOptions are added to every client the rig builds (set before the first Submit).
	clientOptions []client.Option
}

func newQueueRig(t *testing.T, parallel int) *queueRig {
	t.Helper()
	h, err := OpenHistory(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	return newQueueRigWith(t, parallel, h)
}

// newQueueRigWith is newQueueRig journaling into h, which it closes at the end of the test.
func newQueueRigWith(t *testing.T, parallel int, h *History) *queueRig {
	t.Helper()
	r := &queueRig{atServer: make(chan struct{}, 1000)}
	stand := redoxtest.NewHandler(redoxtest.Config{})
	r.server = &redoxtest.Server{Server: httptest.NewServer(r.watch(stand)), Handler: stand}
	t.Cleanup(r.server.Close)
	r.demo = r.server.AddDemoSources()
	r.history = h
	r.profile = NewProfile("Radiology")
	r.profile.UploadURL, r.profile.APIBase = r.server.UploadURL(), r.server.APIBase()
	r.profile.APIKey, r.profile.Parallel = r.demo.APIKey, parallel
	r.queue = NewQueue(h, r.newClient)
	r.sub = r.queue.Subscribe()
	t.Cleanup(func() {
		r.sub.Close()
		// Bounded: a row that never ends fails the test instead of hanging it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.queue.Close(ctx); err != nil {
			t.Errorf("closing the queue: %v", err)
		}
		h.Close()
	})
	return r
}

func (r *queueRig) newClient(p Profile) (*client.Client, error) {
	hc := &http.Client{Transport: countingTransport{next: client.NewTransport(), inflight: &r.inflight, peak: &r.peak}}
	opts := []client.Option{client.WithUploadURL(p.UploadURL), client.WithAPIBase(p.APIBase), client.WithMaxSize(p.MaxSize),
		client.WithLegacyKey(r.demo.APIKey, r.demo.Secret), client.WithHTTPClient(hc),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxTotalWait: time.Second})}
	return client.New(append(opts, r.clientOptions...)...)
}

// countingTransport records the most upload requests in flight at once.
type countingTransport struct {
	next           http.RoundTripper
	inflight, peak *atomic.Int32
}

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/upload") {
		n := c.inflight.Add(1)
		defer c.inflight.Add(-1)
		for p := c.peak.Load(); n > p && !c.peak.CompareAndSwap(p, n); p = c.peak.Load() {
		}
	}
	return c.next.RoundTrip(req)
}

// waitFinal reads the rig's events until every id has a final one, and returns all events by
// id.
func (r *queueRig) waitFinal(t *testing.T, ids ...int64) map[int64][]Event {
	t.Helper()
	return waitFinalOn(t, r.sub, ids...)
}

// waitFinalOn reads sub until every id has a final event, and returns all events read by id.
func waitFinalOn(t *testing.T, sub *Subscription, ids ...int64) map[int64][]Event {
	t.Helper()
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	got := map[int64][]Event{}
	timeout := time.After(30 * time.Second)
	for len(want) > 0 {
		select {
		case e := <-sub.C:
			got[e.Record.ID] = append(got[e.Record.ID], e)
			if e.Final() {
				delete(want, e.Record.ID)
			}
		case <-timeout:
			t.Fatalf("rows %v never finished", want)
		}
	}
	return got
}

// watch wraps the stand-in: each upload request runs beforeUpload, and signals atServer when
// the stand-in first reads its body, which it does only after counting the request and
// taking its scripted fault (and waiting out a scripted delay).
func (r *queueRig) watch(stand http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/upload") {
			if f := r.beforeUpload.Load(); f != nil {
				(*f)()
			}
			req.Body = &firstRead{ReadCloser: req.Body, signal: r.atServer}
		}
		stand.ServeHTTP(w, req)
	})
}

// firstRead sends on signal when its body is first read.
type firstRead struct {
	io.ReadCloser
	signal chan<- struct{}
	once   sync.Once
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.once.Do(func() { f.signal <- struct{}{} })
	return f.ReadCloser.Read(p)
}

// waitAtServer waits until the stand-in has counted n upload requests since the rig started
// and begun to read each: a request that hangs is hanging there then, and each has taken its
// scripted fault. (The client's progress reaching the total says less: the bytes may still
// be in the network buffers, the request not yet counted.)
func (r *queueRig) waitAtServer(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for r.seen < n {
		select {
		case <-r.atServer:
			r.seen++
		case <-timeout:
			t.Fatalf("the stand-in saw %d upload requests, want %d", r.seen, n)
		}
	}
	if got := r.server.Stats().UploadRequests; got < n {
		t.Fatalf("the stand-in counts %d upload requests after reading %d", got, n)
	}
}

// waitKind reads events until one of kind k arrives for id.
func (r *queueRig) waitKind(t *testing.T, id int64, k EventKind) Event {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-r.sub.C:
			if e.Record.ID == id && e.Kind == k {
				return e
			}
		case <-timeout:
			t.Fatalf("row %d never had a %s event", id, k)
		}
	}
}

// logHook is a log handler that calls the function with every line logged, on the goroutine
// that logs it: tests watch the queue's log lines as they are written.
type logHook func(slog.Record)

func (logHook) Enabled(context.Context, slog.Level) bool { return true }
func (h logHook) WithAttrs([]slog.Attr) slog.Handler     { return h }
func (h logHook) WithGroup(string) slog.Handler          { return h }

func (h logHook) Handle(_ context.Context, r slog.Record) error {
	h(r)
	return nil
}

// sendOne submits the file at path alone, waits for its outcome and returns its last event
// and the one upload the stand-in must have received for it.
func (r *queueRig) sendOne(t *testing.T, path string, opts SubmitOptions) (Event, sandbox.Upload) {
	t.Helper()
	sub, err := r.queue.Submit(t.Context(), r.profile, []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	id := sub.IDs[0]
	last := lastEvent(r.waitFinal(t, id)[id])
	uploads := r.server.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("the stand-in received %d uploads", len(uploads))
	}
	return last, uploads[0]
}

func (r *queueRig) row(t *testing.T, id int64) Record {
	t.Helper()
	rec, err := r.history.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func writeRandom(t testing.TB, dir, name string, n int) string {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSubmitUploadsAndJournals(t *testing.T) {
	r := newQueueRig(t, 3)
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"a.pdf", "b.png", "c.wav", "d.tiff", "e.txt"} {
		paths = append(paths, writeRandom(t, dir, name, 300<<10))
	}
	sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil || len(sub.IDs) != 5 {
		t.Fatalf("Submit: %v, %d ids", err, len(sub.IDs))
	}
	events := r.waitFinal(t, sub.IDs...)
	uris := map[string]redoxtest.Upload{}
	for _, u := range r.server.Uploads() {
		uris[u.URI] = u
	}
	for i, id := range sub.IDs {
		var kinds []EventKind
		for _, e := range events[id] {
			if e.Kind != EventProgress {
				kinds = append(kinds, e.Kind)
			}
		}
		if strings.Join(kindNames(kinds), ",") != "queued,started,done" {
			t.Errorf("row %d events %v", id, kinds)
		}
		rec := r.row(t, id)
		up, ok := uris[rec.URI]
		if rec.Status != StatusDone || !ok || up.SHA256 != rec.SHA256 || up.FileName != filepath.Base(paths[i]) {
			t.Errorf("row %+v; server has %+v", rec, up)
		}
		if rec.Source != r.profile.SourceID() || rec.Profile != "Radiology" || rec.Attempts != 1 || rec.Started.IsZero() || rec.Finished.IsZero() {
			t.Errorf("row bookkeeping %+v", rec)
		}
	}
}

func lastEvent(es []Event) Event { return es[len(es)-1] }

func kindNames(ks []EventKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestFolderExpandsOneLevel(t *testing.T) {
	r := newQueueRig(t, 3)
	dir := t.TempDir()
	for _, name := range []string{"1.pdf", "2.pdf", "3.pdf", ".DS_Store", "Thumbs.db"} {
		writeRandom(t, dir, name, 1000)
	}
	os.Mkdir(filepath.Join(dir, "inner"), 0o700)
	writeRandom(t, filepath.Join(dir, "inner"), "deep.pdf", 1000)
	sub, err := r.queue.Submit(t.Context(), r.profile, []string{dir}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.IDs) != 3 || len(sub.Folders) != 1 {
		t.Fatalf("%d rows, %d folder notes", len(sub.IDs), len(sub.Folders))
	}
	note := sub.Folders[0]
	if note.Files != 3 || note.Subfolders != 1 || note.Skipped != 2 || !strings.Contains(note.String(), "3 files found") {
		t.Errorf("note %+v %q", note, note.String())
	}
	r.waitFinal(t, sub.IDs...)
}

// TestProblemsBecomeRows: nothing is silently dropped; nothing bad is sent.
func TestProblemsBecomeRows(t *testing.T) {
	r := newQueueRig(t, 3)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pdf")
	os.WriteFile(empty, nil, 0o600)
	big := writeRandom(t, dir, "big.tiff", 11<<20)
	paths := []string{filepath.Join(dir, "missing.pdf"), empty, big, "/dev/null"}
	sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil || len(sub.IDs) != len(paths) {
		t.Fatalf("Submit: %v, %d ids for %d paths", err, len(sub.IDs), len(paths))
	}
	events := r.waitFinal(t, sub.IDs...)
	wantKinds := []string{"file", "file", "too-large", "file"}
	for i, id := range sub.IDs {
		rec := r.row(t, id)
		if rec.Status != StatusFailed || rec.ErrorKind != wantKinds[i] || rec.ErrorMessage == "" || len(events[id]) != 1 {
			t.Errorf("%s: row %+v, %d events", paths[i], rec, len(events[id]))
		}
	}
	if !strings.Contains(r.row(t, sub.IDs[2]).ErrorMessage, "11 MB") {
		t.Errorf("too-large message does not name the size")
	}
	if st := r.server.Stats(); st.UploadRequests != 0 {
		t.Errorf("server saw %d uploads", st.UploadRequests)
	}
}

func TestDuplicateForSameSource(t *testing.T) {
	r := newQueueRig(t, 3)
	path := writeRandom(t, t.TempDir(), "scan.pdf", 5000)
	first, _ := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	r.waitFinal(t, first.IDs...)
	second, _ := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	ev := r.waitFinal(t, second.IDs...)[second.IDs[0]]
	dup, orig := r.row(t, second.IDs[0]), r.row(t, first.IDs[0])
	if ev[len(ev)-1].Kind != EventDuplicate || dup.Status != StatusDuplicate || dup.URI != orig.URI || dup.DuplicateOf != orig.ID {
		t.Errorf("second submission: %+v", dup)
	}
	forced, _ := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{Force: true})
	r.waitFinal(t, forced.IDs...)
	if rec := r.row(t, forced.IDs[0]); rec.Status != StatusDone || rec.URI == orig.URI {
		t.Errorf("forced upload: %+v", rec)
	}
	if n := len(r.server.Uploads()); n != 2 {
		t.Errorf("server received %d uploads, want 2", n)
	}
}

// TestBoundedConcurrency: 60 files on a profile allowing 2 at a time never have more than 2
// requests in flight.
func TestBoundedConcurrency(t *testing.T) {
	r := newQueueRig(t, 2)
	dir := t.TempDir()
	var paths []string
	for i := range 60 {
		paths = append(paths, writeRandom(t, dir, "f"+string(rune('A'+i%26))+string(rune('a'+i/26))+".pdf", 20<<10))
	}
	sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.waitFinal(t, sub.IDs...)
	if p := r.peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak of %d uploads in flight, limit 2", p)
	}
	if n := len(r.server.Uploads()); n != 60 {
		t.Errorf("%d uploads arrived", n)
	}
}

func TestRetryEvent(t *testing.T) {
	r := newQueueRig(t, 1)
	r.server.Script(redoxtest.Fault{Status: 503})
	sub, _ := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, t.TempDir(), "a.pdf", 100)}, SubmitOptions{})
	e := r.waitKind(t, sub.IDs[0], EventRetrying)
	if e.Attempt != 2 || e.MaxAttempts != 4 || !strings.Contains(e.Message, "error 503") {
		t.Errorf("retry event %+v", e)
	}
	r.waitKind(t, sub.IDs[0], EventDone)
	if rec := r.row(t, sub.IDs[0]); rec.Attempts != 2 {
		t.Errorf("attempts %d", rec.Attempts)
	}
}

func TestCancelRunningAndWaiting(t *testing.T) {
	r := newQueueRig(t, 1)
	// The stand-in takes a.pdf's request and reads none of its body: a.pdf is larger than the
	// connection's buffers take in, so it is cancelled part-way (one sent whole is
	// TestStoppedAfterTheWholeFileWentOut's).
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the stand-in closes, which waits for its handlers
	var held atomic.Bool
	hold := func() {
		if held.CompareAndSwap(false, true) {
			arrived <- struct{}{}
			<-release
		}
	}
	r.beforeUpload.Store(&hold)
	dir := t.TempDir()
	sub, _ := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, "a.pdf", 9<<20), writeRandom(t, dir, "b.pdf", 100),
		writeRandom(t, dir, "c.pdf", 100)}, SubmitOptions{})
	<-arrived // a.pdf is stuck there
	if !r.queue.Cancel(sub.IDs[1]) || !r.queue.Cancel(sub.IDs[0]) {
		t.Fatal("Cancel found nothing to cancel")
	}
	events := r.waitFinal(t, sub.IDs...)
	running, waiting, last := r.row(t, sub.IDs[0]), r.row(t, sub.IDs[1]), r.row(t, sub.IDs[2])
	if running.Status != StatusCancelled || !strings.Contains(running.ErrorMessage, "while sending") {
		t.Errorf("running row %+v", running)
	}
	if waiting.Status != StatusCancelled || !strings.Contains(waiting.ErrorMessage, "before it was sent") || lastEvent(events[sub.IDs[1]]).Kind != EventCancelled {
		t.Errorf("waiting row %+v", waiting)
	}
	if last.Status != StatusDone {
		t.Errorf("the row after the cancelled ones: %+v", last)
	}
	if r.queue.Cancel(sub.IDs[2]) {
		t.Error("Cancel of a finished row reported success")
	}
}

// TestCloseJournalsEverything: shutting down with a hung upload and waiting files leaves no
// row queued or uploading.
func TestCloseJournalsEverything(t *testing.T) {
	r := newQueueRig(t, 1)
	r.server.Script(redoxtest.Fault{Hang: true})
	dir := t.TempDir()
	sub, _ := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, "a.pdf", 100), writeRandom(t, dir, "b.pdf", 100)}, SubmitOptions{})
	r.waitAtServer(t, 1) // a.pdf hangs there
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := r.queue.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close: %v", err)
	}
	// a.pdf went out whole to a stand-in that never answered (Redox may have it); b.pdf never.
	for i, want := range []Status{StatusUnknown, StatusCancelled} {
		if rec := r.row(t, sub.IDs[i]); rec.Status != want {
			t.Errorf("row %d left %s, want %s", sub.IDs[i], rec.Status, want)
		}
	}
	if _, err := r.queue.Submit(t.Context(), r.profile, []string{dir}, SubmitOptions{}); !errors.Is(err, ErrQueueClosed) {
		t.Errorf("Submit after Close: %v", err)
	}
}

func TestResend(t *testing.T) {
	r := newQueueRig(t, 2)
	path := writeRandom(t, t.TempDir(), "lab.pdf", 2000)
	first, _ := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	r.waitFinal(t, first.IDs...)
	orig := r.row(t, first.IDs[0])

	id, err := r.queue.Resend(t.Context(), orig, r.profile, false)
	if err != nil {
		t.Fatal(err)
	}
	r.waitFinal(t, id)
	if rec := r.row(t, id); rec.Status != StatusDone || rec.ResentFrom != orig.ID || rec.URI == orig.URI {
		t.Errorf("resent row %+v", rec)
	}

	other := r.profile
	other.APIKey = "another-source-key"
	var sc *SourceChangedError
	if _, err := r.queue.Resend(t.Context(), orig, other, false); !errors.As(err, &sc) {
		t.Errorf("resend to another source: %v", err)
	}

	os.WriteFile(path, []byte("new content"), 0o600)
	var changed *ChangedSinceUploadError
	if _, err := r.queue.Resend(t.Context(), orig, r.profile, false); !errors.As(err, &changed) || !strings.Contains(err.Error(), "anyway") {
		t.Errorf("resend of a changed file: %v", err)
	}
	if id, err := r.queue.Resend(t.Context(), orig, r.profile, true); err != nil {
		t.Errorf("confirmed resend: %v", err)
	} else {
		r.waitFinal(t, id)
	}

	os.Remove(path)
	if _, err := r.queue.Resend(t.Context(), orig, r.profile, true); client.KindOf(err) != client.KindFile || !strings.Contains(err.Error(), "could not be found") {
		t.Errorf("resend of a missing file: %v", err)
	}
}

// TestProgressThrottle: a burst of progress calls publishes the first and the last.
func TestProgressThrottle(t *testing.T) {
	q := NewQueue(nil, nil)
	sub := q.Subscribe()
	defer sub.Close()
	report := q.progressReporter(Record{ID: 7})
	for i := int64(1); i <= 1000; i++ {
		report(i, 1000)
	}
	var got []int64
	for e := range sub.C {
		got = append(got, e.Sent)
		if e.Sent == 1000 {
			break
		}
	}
	if len(got) > 2 || got[len(got)-1] != 1000 {
		t.Errorf("progress events %v: want at most the first and the last", got)
	}
}

// TestSubscriptionKeepsOrderAndCoalescesProgress: a subscriber that reads late gets every
// state change in order and only the newest progress of each row.
func TestSubscriptionKeepsOrderAndCoalescesProgress(t *testing.T) {
	var b broadcaster
	sub := b.subscribe(nil)
	defer sub.Close()
	b.publish(Event{Kind: EventStarted, Record: Record{ID: 1}})
	for i := int64(1); i <= 50; i++ {
		b.publish(Event{Kind: EventProgress, Record: Record{ID: 1}, Sent: i})
		b.publish(Event{Kind: EventProgress, Record: Record{ID: 2}, Sent: i})
	}
	b.publish(Event{Kind: EventDone, Record: Record{ID: 1}})
	var got []string
	for e := range sub.C {
		got = append(got, string(e.Kind)+":"+string(rune('0'+e.Record.ID)))
		if e.Kind == EventProgress && e.Sent != 50 {
			t.Errorf("stale progress %d delivered for row %d", e.Sent, e.Record.ID)
		}
		if e.Kind == EventDone {
			break
		}
	}
	if strings.Join(got, " ") != "started:1 progress:1 progress:2 done:1" {
		t.Errorf("events %v", got)
	}
}

// TestSubscribeToDeliversWhatItKeeps: a subscription to the outcomes gets the retries and the
// events that end a row, in order, and nothing else; one to everything, beside it, gets all.
func TestSubscribeToDeliversWhatItKeeps(t *testing.T) {
	q := NewQueue(nil, nil)
	all, outcomes := q.Subscribe(), q.SubscribeTo(OutcomeOrRetry)
	defer all.Close()
	defer outcomes.Close()
	published := []Event{
		{Kind: EventQueued, Record: Record{ID: 1, Status: StatusQueued}},
		{Kind: EventQueued, Record: Record{ID: 2, Status: StatusFailed}}, // a file that failed its checks
		{Kind: EventStarted, Record: Record{ID: 1, Status: StatusUploading}},
		{Kind: EventProgress, Record: Record{ID: 1, Status: StatusUploading}, Sent: 1, Total: 2},
		{Kind: EventRetrying, Record: Record{ID: 1, Status: StatusUploading}},
		{Kind: EventDone, Record: Record{ID: 1, Status: StatusDone}},
	}
	for _, e := range published {
		q.events.publish(e)
	}
	read := func(sub *Subscription, n int) []string {
		var got []string
		for range n {
			select {
			case e := <-sub.C:
				got = append(got, fmt.Sprintf("%s:%d", e.Kind, e.Record.ID))
			case <-time.After(5 * time.Second):
				t.Fatalf("only %v arrived", got)
			}
		}
		select {
		case e := <-sub.C:
			t.Errorf("%s:%d arrived as well", e.Kind, e.Record.ID)
		case <-time.After(50 * time.Millisecond):
		}
		return got
	}
	if got, want := strings.Join(read(outcomes, 3), " "), "queued:2 retrying:1 done:1"; got != want {
		t.Errorf("the outcomes' subscription got %q, want %q", got, want)
	}
	if got := read(all, len(published)); len(got) != len(published) {
		t.Errorf("the subscription to everything got %v", got)
	}
}

// TestSameContentTwiceInOneBatch: two copies of a file submitted together upload once.
func TestSameContentTwiceInOneBatch(t *testing.T) {
	r := newQueueRig(t, 4)
	dir := t.TempDir()
	a := writeRandom(t, dir, "photo.jpg", 50<<10)
	data, _ := os.ReadFile(a)
	b := filepath.Join(dir, "photo copy.jpg")
	os.WriteFile(b, data, 0o600)
	sub, _ := r.queue.Submit(t.Context(), r.profile, []string{a, b, a}, SubmitOptions{})
	r.waitFinal(t, sub.IDs...)
	statuses := map[Status]int{}
	for _, id := range sub.IDs {
		statuses[r.row(t, id).Status]++
	}
	if statuses[StatusDone] != 1 || statuses[StatusDuplicate] != 2 || len(r.server.Uploads()) != 1 {
		t.Errorf("statuses %v, %d uploads: want one upload and two duplicates", statuses, len(r.server.Uploads()))
	}
}

// TestConcurrentWorkersShareOneClient: the workers of one profile, starting together, build
// one client between them, so a batch signs in once.
func TestConcurrentWorkersShareOneClient(t *testing.T) {
	h, err := OpenHistory(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	var built atomic.Int32
	q := NewQueue(h, func(p Profile) (*client.Client, error) {
		built.Add(1)
		time.Sleep(20 * time.Millisecond) // a keychain read: long enough for the others to arrive
		return client.New(client.WithStaticToken("token"))
	})
	p := NewProfile("Clinic")
	var wg sync.WaitGroup
	clients := make([]*client.Client, 4)
	for i := range clients {
		wg.Go(func() {
			c, err := q.clientFor(p)
			if err != nil {
				t.Error(err)
			}
			clients[i] = c
		})
	}
	wg.Wait()
	if n := built.Load(); n != 1 {
		t.Errorf("%d clients built for one profile, want 1", n)
	}
	for _, c := range clients[1:] {
		if c != clients[0] {
			t.Error("the workers got different clients")
		}
	}
}

// TestSecretReplacedElsewhereIsUsed: a source whose uploads failed for its credentials signs in
// with the secret the keychain holds now at the next upload, though it was replaced by another
// process (IT running 'source set-secret' while the window or a watcher runs), not with the one
// the queue's client was built with.
func TestSecretReplacedElsewhereIsUsed(t *testing.T) {
	r := newQueueRig(t, 1)
	var secret atomic.Value // what the keychain holds
	secret.Store("an old secret, revoked")
	q := NewQueue(r.history, func(p Profile) (*client.Client, error) {
		return client.New(client.WithUploadURL(p.UploadURL), client.WithAPIBase(p.APIBase),
			client.WithLegacyKey(r.demo.APIKey, secret.Load().(string)),
			client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 1}))
	})
	t.Cleanup(func() { q.Close(context.Background()) })
	sub := q.Subscribe()
	defer sub.Close()
	send := func(name string) Record {
		t.Helper()
		s, err := q.Submit(t.Context(), r.profile, []string{writeRandom(t, t.TempDir(), name, 1000)}, SubmitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return lastEvent(waitFinalOn(t, sub, s.IDs[0])[s.IDs[0]]).Record
	}
	if rec := send("first.pdf"); rec.Status != StatusFailed || rec.ErrorKind != client.KindCredentials.String() {
		t.Fatalf("with the revoked secret: %s (%s), want failed for its credentials", rec.Status, rec.ErrorKind)
	}
	secret.Store(r.demo.Secret) // stored by another process
	if rec := send("second.pdf"); rec.Status != StatusDone {
		t.Errorf("after the secret was replaced: %s (%s: %s), want done", rec.Status, rec.ErrorKind, rec.ErrorMessage)
	}
}

// TestResendOnceAtATime: a second Resend of a row while the first is being sent (a double
// click, Ctrl+R twice) is refused, and nothing goes out twice; once the first has ended, the
// row may be resent again.
func TestResendOnceAtATime(t *testing.T) {
	r := newQueueRig(t, 2)
	path := writeRandom(t, t.TempDir(), "lab.pdf", 2000)
	first, _ := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	r.waitFinal(t, first.IDs...)
	orig := r.row(t, first.IDs[0])

	entered := make(chan struct{}, 1)
	r.server.Script(redoxtest.Fault{Delay: time.Hour, Entered: entered})
	sending, err := r.queue.Resend(t.Context(), orig, r.profile, false)
	if err != nil {
		t.Fatal(err)
	}
	<-entered // the resend's body is at the server
	var underWay *ResendUnderWayError
	if id, err := r.queue.Resend(t.Context(), orig, r.profile, false); !errors.As(err, &underWay) {
		t.Fatalf("second resend while the first is sent: row %d, %v; want ResendUnderWayError", id, err)
	}
	r.queue.Cancel(sending)
	r.waitFinal(t, sending)

	again, err := r.queue.Resend(t.Context(), orig, r.profile, false)
	if err != nil {
		t.Fatalf("resend once the first ended: %v", err)
	}
	r.waitFinal(t, again)
	if rec := r.row(t, again); rec.Status != StatusDone || rec.ResentFrom != orig.ID {
		t.Errorf("resent row %+v", rec)
	}
}
