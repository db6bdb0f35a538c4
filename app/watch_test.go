package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"redoxuploader/client/redoxtest"
)

// watchRig is a Watcher over real folders, submitting to a queueRig's queue and stand-in.
type watchRig struct {
	*queueRig
	watcher *Watcher
	events  chan WatchEvent
	seen    []WatchEvent // every event read so far
	taken   map[int]bool // indexes in seen that await returned
	// onEvent, when set before start, also hears each event on the watcher's goroutine.
	onEvent func(WatchEvent)
	stopRun context.CancelFunc
	ran     chan error
}

// quickWatch are options that keep a test short: a settle time long enough for a busy
// machine's writer to keep up, and fast polls and retries.
func quickWatch() WatchOptions {
	return WatchOptions{Settle: 300 * time.Millisecond, Rescan: 100 * time.Millisecond, Poll: 20 * time.Millisecond,
		RetryWait: 50 * time.Millisecond, StopGrace: 5 * time.Second}
}

func newWatchRig(t *testing.T, qr *queueRig, opts WatchOptions, folders ...string) *watchRig {
	t.Helper()
	r := &watchRig{queueRig: qr, events: make(chan WatchEvent, 100000), taken: map[int]bool{}}
	opts.OnEvent = func(e WatchEvent) {
		if r.onEvent != nil {
			r.onEvent(e)
		}
		r.events <- e
	}
	w, err := NewWatcher(qr.queue, qr.profile, folders, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.watcher = w
	return r
}

// start runs the watcher until the test ends (or stop).
func (r *watchRig) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r.stopRun, r.ran = cancel, make(chan error, 1)
	go func() { r.ran <- r.watcher.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
}

// stop ends Run and waits for it.
func (r *watchRig) stop(t *testing.T) {
	t.Helper()
	if r.stopRun == nil {
		return
	}
	r.stopRun()
	r.stopRun = nil
	select {
	case err := <-r.ran:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// await returns the first event with the outcome for the file name ("" for a folder's
// event), read already or reading on until it comes.
func (r *watchRig) await(t *testing.T, outcome WatchOutcome, name string) WatchEvent {
	t.Helper()
	for i, e := range r.seen { // in any order, each returned once
		if e.Outcome == outcome && e.Name == name && !r.taken[i] {
			r.taken[i] = true
			return e
		}
	}
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-r.events:
			r.seen = append(r.seen, e)
			if e.Outcome == outcome && e.Name == name {
				r.taken[len(r.seen)-1] = true
				return e
			}
		case <-timeout:
			t.Fatalf("no %q event for %q; events so far:\n%s", outcome, name, eventLines(r.seen))
		}
	}
}

// awaitN reads events until n have the outcome.
func (r *watchRig) awaitN(t *testing.T, outcome WatchOutcome, n int) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for r.count(outcome) < n {
		select {
		case e := <-r.events:
			r.seen = append(r.seen, e)
		case <-timeout:
			t.Fatalf("%d %q events, want %d; events so far:\n%s", r.count(outcome), outcome, n, eventLines(r.seen))
		}
	}
}

// count returns how many events read so far have the outcome.
func (r *watchRig) count(outcome WatchOutcome) int {
	n := 0
	for _, e := range r.seen {
		if e.Outcome == outcome {
			n++
		}
	}
	return n
}

func eventLines(events []WatchEvent) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.String() + "\n")
	}
	return b.String()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func sumOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestWatchIgnores(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ignored bool
	}{
		{"scan 0001.pdf", false},
		{"Report.TIFF", false},
		{".hidden.pdf", true},
		{"Thumbs.db", true},
		{"desktop.ini", true},
		{"~$letter.docx", true},
		{"scan.pdf.tmp", true},
		{"download.PART", true},
		{"big.pdf.crdownload", true},
		{"notes.txt~", true},
		{"tmp-report.pdf", false},
	} {
		if got := watchIgnores(tc.name); got != tc.ignored {
			t.Errorf("watchIgnores(%q) = %v, want %v", tc.name, got, tc.ignored)
		}
	}
}

// TestWatchSettle: a file is complete only once its size and modification time have stayed
// the same for the settle time; each change starts the wait again.
func TestWatchSettle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.pdf")
	writeFile(t, path, []byte("page 1"))
	start := time.Unix(1_700_000_000, 0)
	settle := 3 * time.Second
	f := &watchedFile{path: path, size: -1}
	stat := func() os.FileInfo {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	steps := []struct {
		at       time.Duration
		write    string // appended before looking, when not ""
		changed  bool
		complete bool
	}{
		{0, "", true, false},
		{time.Second, "", false, false},
		{2 * time.Second, " page 2", true, false},
		{4900 * time.Millisecond, "", false, false},
		{5 * time.Second, "", false, true},
		{6 * time.Second, " page 3", true, false},
		{9 * time.Second, "", false, true},
	}
	for _, s := range steps {
		if s.write != "" {
			fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fh.WriteString(s.write)
			fh.Close()
		}
		now := start.Add(s.at)
		if got := f.see(stat(), now); got != s.changed {
			t.Errorf("at %s: changed = %v, want %v", s.at, got, s.changed)
		}
		if got := f.settled(now, settle); got != s.complete {
			t.Errorf("at %s: complete = %v, want %v", s.at, got, s.complete)
		}
	}
}

// TestWatchSlowWriterSentOnceWhole: a 5 MB file written in 20 chunks over about 2 s (the
// issue's 4 s, halved, with a settle time of a second) is sent once, after its last chunk,
// with the SHA-256 of the whole file, and moved to Uploaded/DATE/. The delay from the last
// write to the upload's start is logged (the settle time plus at most a second is the goal).
func TestWatchSlowWriterSentOnceWhole(t *testing.T) {
	dir := t.TempDir()
	opts := quickWatch()
	opts.Settle = time.Second
	r := newWatchRig(t, newQueueRig(t, 3), opts, dir)
	r.start(t)
	r.await(t, WatchWatching, "")

	data := randomBytes(t, 5<<20)
	path := filepath.Join(dir, "scan.pdf")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := len(data) / 20
	for i := 0; i < 20; i++ {
		if i > 0 {
			time.Sleep(100 * time.Millisecond) // the scanner's pace, not a wait for the code under test
		}
		if _, err := fh.Write(data[i*chunk : (i+1)*chunk]); err != nil {
			t.Fatal(err)
		}
	}
	fh.Close()
	complete := time.Now()

	sending := r.await(t, WatchSending, "scan.pdf")
	done := r.await(t, WatchUploaded, "scan.pdf")
	t.Logf("upload started %s after the file was complete (settle time %s)", sending.Time.Sub(complete).Round(time.Millisecond), opts.Settle)

	uploads := r.server.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("the stand-in stored %d uploads, want 1", len(uploads))
	}
	if want := sumOf(data); uploads[0].SHA256 != want || uploads[0].Size != int64(len(data)) {
		t.Errorf("stored %d bytes with SHA-256 %s, want %d bytes with %s", uploads[0].Size, uploads[0].SHA256, len(data), want)
	}
	wantDest := filepath.Join(uploadedFolder(dir, time.Now()), "scan.pdf")
	if done.MovedTo != wantDest || done.URI != uploads[0].URI {
		t.Errorf("moved to %q with URI %q, want %q with %q", done.MovedTo, done.URI, wantDest, uploads[0].URI)
	}
	if got, err := os.ReadFile(wantDest); err != nil || !bytes.Equal(got, data) {
		t.Errorf("the file in Uploaded is not the file written (err %v)", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file is still in the watched folder (%v)", err)
	}
}

// TestWatch200FilesBounded: 200 files appearing at once are all sent, once each, with never
// more than the source's Parallel of the watcher's rows in the queue and of requests at
// Redox, and all moved.
func TestWatch200FilesBounded(t *testing.T) {
	const files, parallel = 200, 3
	dir := t.TempDir()
	qr := newQueueRig(t, parallel)
	r := newWatchRig(t, qr, quickWatch(), dir)
	peakPending := 0
	r.onEvent = func(WatchEvent) { peakPending = max(peakPending, qr.queue.Pending()) }
	r.start(t)
	r.await(t, WatchWatching, "")

	staging := t.TempDir() // written elsewhere, then moved in together
	for i := range files {
		writeFile(t, filepath.Join(staging, fmt.Sprintf("doc%03d.pdf", i)), []byte(fmt.Sprintf("document %d", i)))
	}
	for i := range files {
		name := fmt.Sprintf("doc%03d.pdf", i)
		if err := os.Rename(filepath.Join(staging, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	r.awaitN(t, WatchUploaded, files)

	if n := len(r.server.Uploads()); n != files {
		t.Errorf("the stand-in stored %d uploads, want %d", n, files)
	}
	if peakPending > parallel {
		t.Errorf("up to %d rows were in the queue at once, want at most %d", peakPending, parallel)
	}
	if peak := qr.peak.Load(); peak > parallel {
		t.Errorf("up to %d upload requests at once, want at most %d", peak, parallel)
	}
	moved, _ := os.ReadDir(uploadedFolder(dir, time.Now()))
	left, _ := os.ReadDir(dir)
	if len(moved) != files || len(left) != 2 { // Uploaded/ and the watcher's lock file
		t.Errorf("%d files moved to Uploaded and %d entries left in the folder, want %d and 2", len(moved), len(left), files)
	}
}

// TestWatchPermanentFailureToFailed: a file Redox refuses for good (413), or over the
// source's size limit, lands in Failed/ beside NAME.why.txt saying why in the row's words; a
// passing failure (Redox's servers failing every try of one upload) is tried again later and
// the file is never moved to Failed/.
func TestWatchPermanentFailureToFailed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fault   redoxtest.Fault
		size    int
		maxSize int64
		want    WatchOutcome
	}{
		{name: "413 from Redox", fault: redoxtest.Fault{Status: 413}, size: 100, want: WatchFailed},
		{name: "over the size limit", size: 2000, maxSize: 1000, want: WatchFailed},
		{name: "server errors pass", fault: redoxtest.Fault{Status: 500}, size: 100, want: WatchUploaded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			qr := newQueueRig(t, 2)
			if tc.maxSize > 0 {
				qr.profile.MaxSize = tc.maxSize
			}
			if tc.fault.Status != 0 {
				f := tc.fault
				qr.server.Script(f, f, f, f) // every attempt of the first upload
			}
			r := newWatchRig(t, qr, quickWatch(), dir)
			r.start(t)
			r.await(t, WatchWatching, "")
			writeFile(t, filepath.Join(dir, "report.pdf"), randomBytes(t, tc.size))
			ev := r.await(t, tc.want, "report.pdf")

			failedDir := filepath.Join(dir, WatchFailedFolder)
			if tc.want == WatchUploaded {
				if r.count(WatchRetrying) == 0 {
					t.Errorf("no retry before the upload; events:\n%s", eventLines(r.seen))
				}
				if _, err := os.Stat(failedDir); !os.IsNotExist(err) {
					t.Errorf("a Failed folder exists after a passing failure (%v)", err)
				}
				return
			}
			if want := filepath.Join(failedDir, "report.pdf"); ev.MovedTo != want {
				t.Fatalf("moved to %q, want %q", ev.MovedTo, want)
			}
			why, err := os.ReadFile(ev.MovedTo + ".why.txt")
			if err != nil {
				t.Fatal(err)
			}
			rec, err := qr.history.Get(context.Background(), ev.Row)
			if err != nil {
				t.Fatal(err)
			}
			if rec.ErrorMessage == "" || !strings.Contains(string(why), rec.ErrorMessage) || ev.Reason != rec.ErrorMessage {
				t.Errorf("why file %q and reason %q do not give the row's message %q", why, ev.Reason, rec.ErrorMessage)
			}
			if _, err := os.Stat(filepath.Join(dir, "report.pdf")); !os.IsNotExist(err) {
				t.Errorf("the file is still in the watched folder (%v)", err)
			}
		})
	}
}

// TestWatchFolderRemovedAndRecreated: a watched folder that disappears is reported
// unavailable and, once created again, watched again: a file put in it is sent.
func TestWatchFolderRemovedAndRecreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "scans")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r := newWatchRig(t, newQueueRig(t, 2), quickWatch(), dir)
	r.start(t)
	r.await(t, WatchWatching, "")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	gone := r.await(t, WatchUnavailable, "")
	if !strings.Contains(gone.Reason, "not there") {
		t.Errorf("unavailable because %q", gone.Reason)
	}
	if st := r.watcher.Status(); st.Folders[0].Available || st.Folders[0].Problem == "" {
		t.Errorf("status while gone: %+v", st.Folders)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r.await(t, WatchWatching, "")
	writeFile(t, filepath.Join(dir, "back.pdf"), []byte("after the folder came back"))
	r.await(t, WatchUploaded, "back.pdf")
	if n := len(r.server.Uploads()); n != 1 {
		t.Errorf("the stand-in stored %d uploads, want 1", n)
	}
}

// TestWatchRestartSendsNothingTwice: after a crash, a file still in the folder whose content
// was done for the source ends as a duplicate and is moved without being sent; one whose
// upload the crash cut off (its row unknown) is held, not sent, with its row named.
func TestWatchRestartSendsNothingTwice(t *testing.T) {
	dir := t.TempDir()
	qr := newQueueRig(t, 2)
	sent := filepath.Join(dir, "sent.pdf")
	cut := filepath.Join(dir, "cut.pdf")
	writeFile(t, sent, []byte("uploaded before the crash"))
	writeFile(t, cut, []byte("cut off by the crash"))
	s, err := qr.queue.Submit(context.Background(), qr.profile, []string{sent}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	qr.waitKind(t, s.IDs[0], EventDone)
	cutRow := &Record{Profile: qr.profile.Name, Source: qr.profile.SourceID(), Path: cut, Name: "cut.pdf", Size: int64(len("cut off by the crash")),
		Status: StatusUnknown, Created: time.Now(), Finished: time.Now()}
	if err := qr.history.InsertBatch(context.Background(), []*Record{cutRow}); err != nil {
		t.Fatal(err)
	}

	r := newWatchRig(t, qr, quickWatch(), dir)
	r.start(t)
	dup := r.await(t, WatchDuplicate, "sent.pdf")
	held := r.await(t, WatchHeld, "cut.pdf")
	if dup.MovedTo == "" || held.Row != cutRow.ID || !strings.Contains(held.Reason, fmt.Sprint(cutRow.ID)) {
		t.Errorf("duplicate moved to %q; held row %d (%q), want row %d", dup.MovedTo, held.Row, held.Reason, cutRow.ID)
	}
	if n := len(qr.server.Uploads()); n != 1 {
		t.Errorf("the stand-in stored %d uploads, want 1 (the one before the crash)", n)
	}
	if _, err := os.Stat(cut); err != nil {
		t.Errorf("the held file is not in the folder: %v", err)
	}
}

// TestWatchMoveCutOffByACrash: a move to Uploaded/ that a crash cut off between the hard link
// and the unlink (the file in both places, one file) is finished at the next move, not made a
// second copy "name (2)".
func TestWatchMoveCutOffByACrash(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "scan.pdf")
	writeFile(t, src, []byte("scanned once"))
	dest := filepath.Join(dir, "Uploaded", "2026-11-30")
	if err := os.MkdirAll(dest, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(src, filepath.Join(dest, "scan.pdf")); err != nil { // the crash came here
		t.Fatal(err)
	}
	got, err := moveInto(src, dest, 0o750)
	if err != nil || got != filepath.Join(dest, "scan.pdf") {
		t.Fatalf("moveInto: %q, %v; want the name the cut-off move had made", got, err)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the watched folder still holds the file: %v", err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 1 {
		t.Errorf("Uploaded/ holds %d files, want 1", len(entries))
	}
	// Another file of the same name is not the same file: it gets a number, nothing is lost.
	other := filepath.Join(dir, "scan.pdf")
	writeFile(t, other, []byte("a different scan"))
	if got, err := moveInto(other, dest, 0o750); err != nil || filepath.Base(got) != "scan (2).pdf" {
		t.Errorf("a different file of that name: %q, %v; want scan (2).pdf", got, err)
	}
}
