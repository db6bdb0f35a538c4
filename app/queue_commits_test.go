package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"

	"redoxuploader/client/redoxtest"
)

// commitWatches holds, by driver DSN, the commitWatch of a watched history file; see
// watchCommits.
var commitWatches sync.Map // string → *commitWatch

// commitWatch counts the transactions SQLite commits on the connections to a history file (the
// embedded counter), and can refuse the next few.
type commitWatch struct {
	atomic.Int64
	refuse atomic.Int32 // how many of the next commits to turn into rollbacks
}

func init() {
	// Every connection the driver opens in this test binary: if its file is watched, count its
	// commits with SQLite's own commit hook (called for each committed write transaction,
	// explicit or autocommit; never for reads).
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		w, ok := commitWatches.Load(dsn)
		if !ok {
			return nil
		}
		hooks, ok := conn.(sqlite.HookRegisterer)
		if !ok {
			panic("the sqlite driver's connection no longer takes a commit hook")
		}
		hooks.RegisterCommitHook(w.(*commitWatch).commitHook)
		return nil
	})
}

// commitHook lets a commit go ahead (0) and counts it, or refuses it (1: SQLite rolls the
// transaction back) if more are to be refused.
func (w *commitWatch) commitHook() int32 {
	for n := w.refuse.Load(); n > 0; n = w.refuse.Load() {
		if w.refuse.CompareAndSwap(n, n-1) {
			return 1
		}
	}
	w.Add(1)
	return 0
}

// watchCommits opens a history at a new path whose commits are counted, and returns it with
// its watch, the count reset after the opening's own writes.
func watchCommits(t *testing.T) (*History, *commitWatch) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	w := new(commitWatch)
	commitWatches.Store(historyDSN(path), w)
	t.Cleanup(func() { commitWatches.Delete(historyDSN(path)) })
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if w.Load() == 0 {
		t.Fatal("the commit hook saw none of the history's set-up: it counts nothing")
	}
	w.Store(0)
	return h, w
}

// TestCommitCounterCountsWritesOnly: the counter the next test relies on counts one per
// committed write, and nothing for a read.
func TestCommitCounterCountsWritesOnly(t *testing.T) {
	h, commits := watchCommits(t)
	defer h.Close()
	ctx := t.Context()
	r := Record{Profile: "p", Source: "s", Name: "a.pdf", Status: StatusQueued}
	if err := h.Insert(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if err := h.markUploading(ctx, r.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Get(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.LatestDone(ctx, "s", strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	if n := commits.Load(); n != 2 {
		t.Errorf("%d commits counted for one insert, one update and two reads; want 2", n)
	}
}

// TestQueueCommitsPerFile: the journal costs one commit per batch (the rows, queued) plus, per
// file sent, two when it is hashed first (uploading with its hash; the outcome) and one when
// it is not (forced, or of a size no other row has): its claim rides with the outcome of the
// file before it (takeAhead), and only the first file's claim is a commit of its own. A file
// not sent costs one (a duplicate: the outcome with its hash). The outcomes wait for the
// search index: too few to index when the queue has nothing left to do (see indexIfMany).
// Each commit is a serialised write to disk, the per-file cost of a large batch; this fails if
// one comes back (it was 1 + 3 per file before the hash moved into the uploading write, and 1
// + 2 before claims rode with outcomes). One file at a time, so that no two writes wait
// together: those share a commit (TestHistoryCommitsWaitingWritesTogether).
func TestQueueCommitsPerFile(t *testing.T) {
	h, commits := watchCommits(t)
	r := newQueueRigWith(t, 1, h)

	const files = 6
	dir := t.TempDir()
	var paths, sized []string // all of one size; each of its own size
	for i := range files {
		paths = append(paths, writeRandom(t, dir, string(rune('a'+i))+".pdf", 20<<10))
		sized = append(sized, writeRandom(t, dir, string(rune('a'+i))+".tif", 30<<10+i))
	}

	for _, tc := range []struct {
		name  string
		paths []string
		force bool
		want  Status
		per   int64 // commits per file
		first int64 // commits more for the first file: its claim, when the others ride
	}{
		{"new files of one size, duplicate check", paths, false, StatusDone, 2, 0},
		{"same files again: duplicates", paths, false, StatusDuplicate, 1, 0},
		{"same files, --force", paths, true, StatusDone, 1, 1},
		{"new files of different sizes", sized, false, StatusDone, 1, 1},
	} {
		commits.Store(0)
		sub, err := r.queue.Submit(t.Context(), r.profile, tc.paths, SubmitOptions{Force: tc.force})
		if err != nil {
			t.Fatal(err)
		}
		r.waitFinal(t, sub.IDs...)
		r.queue.wg.Wait() // the workers have ended, the last having looked at the rows waiting for the index
		if got, want := commits.Load(), 1+tc.first+tc.per*files; got != want {
			t.Errorf("%s: %d commits for %d files, want %d (1 for the batch, %d for the first claim, %d a file)",
				tc.name, got, files, want, tc.first, tc.per)
		}
		for i, id := range sub.IDs {
			rec := r.row(t, id)
			fi, err := os.Stat(tc.paths[i])
			if err != nil {
				t.Fatal(err)
			}
			if size := fi.Size(); rec.Status != tc.want || rec.SHA256 != fileSHA256(t, tc.paths[i]) || rec.Size != size {
				t.Errorf("%s: row %+v, want %s with the file's SHA-256 and size", tc.name, rec, tc.want)
			}
			if tc.want == StatusDone && (rec.Started.IsZero() || rec.Finished.Before(rec.Started)) {
				t.Errorf("%s: row %d started %v, finished %v", tc.name, id, rec.Started, rec.Finished)
			}
		}
	}
	if n := len(r.server.Uploads()); n != 3*files {
		t.Errorf("the server received %d uploads, want %d", n, 3*files)
	}
}

// TestQueueJournalsBeforeSendingAndAnnouncing: with four files sent at a time, whose journal
// writes share commits, no file reaches the stand-in before its row is committed as uploading,
// and no outcome is announced (its final event, then its log line) before it is committed:
// another connection, which sees only what is committed, checks both as they happen. The
// commits are at most one for the batch, two a file, and one when the queue falls idle, to
// put the rows (more than indexWaitingMin) into the search index. Without -race on one CPU
// the workers' writes seldom share a commit, and that is the count.
func TestQueueJournalsBeforeSendingAndAnnouncing(t *testing.T) {
	h, commits := watchCommits(t)
	r := newQueueRigWith(t, 4, h)
	reader := rawDB(t, h.path)
	var mu sync.Mutex
	var problems []string
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}

	var arrived atomic.Int64
	check := func() {
		n := arrived.Add(1)
		var started int64
		if err := reader.QueryRow("SELECT count(*) FROM uploads WHERE started IS NOT NULL").Scan(&started); err != nil {
			problem("reading the history: %v", err)
		} else if started < n {
			problem("upload request %d reached the stand-in with %d rows committed as sent", n, started)
		}
	}
	r.beforeUpload.Store(&check)
	r.queue.Log = slog.New(logHook(func(line slog.Record) {
		id, done := doneRow(line)
		if !done {
			return
		}
		var status Status
		var uri string
		if err := reader.QueryRow("SELECT status, uri FROM uploads WHERE id = ?", id).Scan(&status, &uri); err != nil {
			problem("reading row %d: %v", id, err)
		} else if status != StatusDone || !strings.HasPrefix(uri, "http") {
			problem("row %d announced done while the history has it %s with URI %q", id, status, uri)
		}
	}))

	const files = 100
	const most = 1 + 2*files + 1 // the batch, each file's two, the index once idle
	if files < indexWaitingMin {
		t.Fatalf("%d files do not make the queue index them when idle (%d must wait)", files, indexWaitingMin)
	}
	dir := t.TempDir()
	var paths []string
	for i := range files {
		paths = append(paths, writeRandom(t, dir, fmt.Sprintf("page-%03d.pdf", i), 4<<10))
	}
	commits.Store(0)
	sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for id, events := range r.waitFinal(t, sub.IDs...) {
		if e := lastEvent(events); e.Kind != EventDone {
			t.Errorf("row %d ended %s: %s", id, e.Kind, e.Record.ErrorMessage)
		}
	}
	if err := r.queue.Close(t.Context()); err != nil { // the workers have logged every outcome
		t.Fatal(err)
	}
	mu.Lock()
	for _, p := range problems {
		t.Error(p)
	}
	mu.Unlock()
	if n := commits.Load(); n > most {
		t.Errorf("%d commits for %d files, want at most %d", n, files, most)
	}
	t.Logf("%d commits for %d files (%d without grouping)", commits.Load(), files, most)
}

// doneRow is the row of an "upload finished" line saying done, as the queue logs it: after
// the row's final event; false for any other line.
func doneRow(rec slog.Record) (id int64, done bool) {
	if rec.Message != "upload finished" {
		return 0, false
	}
	rec.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "row":
			id = a.Value.Int64()
		case "status":
			done = a.Value.String() == string(StatusDone)
		}
		return true
	})
	return id, done
}

// TestResendHashesOnce: a resend hashes the file once, to compare it with what was sent, and
// the upload uses that hash; if the file's size or modification time changes while the resend
// waits its turn, that hash is dropped and the file is sent without hashing it again: the
// hash of the bytes sent, the new content's, is journaled.
func TestResendHashesOnce(t *testing.T) {
	r := newQueueRig(t, 1)
	hashes := countHashes(r.queue)
	dir := t.TempDir()
	path := writeRandom(t, dir, "lab.pdf", 4000)
	first, _ := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	r.waitFinal(t, first.IDs...)
	orig := r.row(t, first.IDs[0])

	hashes.Store(0)
	id, err := r.queue.Resend(t.Context(), orig, r.profile, false)
	if err != nil {
		t.Fatal(err)
	}
	r.waitFinal(t, id)
	if rec := r.row(t, id); rec.Status != StatusDone || rec.SHA256 != orig.SHA256 || hashes.Load() != 1 {
		t.Errorf("resend: row %+v after %d hashes; want done with the original's SHA-256 after 1", rec, hashes.Load())
	}

	// The lane's one worker is busy with a hung upload while the resend waits; then the file
	// gets new content of the same size.
	r.server.Script(redoxtest.Fault{Hang: true})
	blocker, _ := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, "other.pdf", 100)}, SubmitOptions{})
	r.waitAtServer(t, 3) // the first upload, the resend, then the blocker, which hangs there
	hashes.Store(0)
	id, err = r.queue.Resend(t.Context(), orig, r.profile, false)
	if err != nil {
		t.Fatal(err)
	}
	writeRandom(t, dir, "lab.pdf", 4000)
	later := time.Now().Add(time.Minute) // a modification time that differs whatever the clock's resolution
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	r.queue.Cancel(blocker.IDs[0])
	r.waitFinal(t, blocker.IDs[0], id)
	if rec := r.row(t, id); rec.Status != StatusDone || rec.SHA256 != fileSHA256(t, path) || rec.SHA256 == orig.SHA256 || hashes.Load() != 1 {
		t.Errorf("resend of a file changed while waiting: row %+v after %d hashes; want done with the new content's SHA-256 after 1",
			rec, hashes.Load())
	}
}

// TestQueueSendsOnOneConnection: files sent one at a time, by every claim there is (unhashed
// with --force, unhashed with the size check, hashed with the duplicate check), are journaled
// on one connection of the pool. A statement prepared inside a write transaction would open a
// second one (reading the whole schema again) only to prepare it there; see History.stmt. So
// would an outcome prepared while its statement is being prepared ahead (a file of
// prepareAheadSize or more, sent first).
func TestQueueSendsOnOneConnection(t *testing.T) {
	r := newQueueRig(t, 1)
	dir := t.TempDir()
	first := writeRandom(t, dir, "first.pdf", 20<<10)
	for _, tc := range []struct {
		name  string
		path  string
		force bool
	}{
		{"outcome prepared ahead", writeRandom(t, dir, "big.tif", prepareAheadSize), true},
		{"forced", first, true},
		{"size unique", writeRandom(t, dir, "unique.pdf", 30<<10), false},
		{"size shared: hashed first", writeRandom(t, dir, "twin-size.pdf", 20<<10), false},
	} {
		sub, err := r.queue.Submit(t.Context(), r.profile, []string{tc.path}, SubmitOptions{Force: tc.force})
		if err != nil {
			t.Fatal(err)
		}
		if e := r.waitFinal(t, sub.IDs...)[sub.IDs[0]]; e[len(e)-1].Kind != EventDone {
			t.Fatalf("%s: ended %s", tc.name, e[len(e)-1].Kind)
		}
		r.queue.wg.Wait()
		if n := r.history.db.Stats().OpenConnections; n != 1 {
			t.Errorf("%s: the history has %d connections open, want 1", tc.name, n)
		}
	}
}

// TestQueueIndexesWhenIdleOnceManyWait: when the queue has nothing left to do, the outcomes
// waiting for the search index enter it in one commit once indexWaitingMin rows wait, and not
// before (see indexIfMany).
func TestQueueIndexesWhenIdleOnceManyWait(t *testing.T) {
	h, commits := watchCommits(t)
	r := newQueueRigWith(t, 1, h)
	for range indexWaitingMin - 2 {
		insertRecord(t, h, Record{Name: "earlier.pdf", Status: StatusDone})
	}
	dir := t.TempDir()
	for i, want := range []struct{ waiting, commits int64 }{
		{indexWaitingMin - 1, 3}, // the row, uploading, the outcome
		{0, 4},                   // and the index
	} {
		commits.Store(0)
		sub, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, fmt.Sprintf("%d.pdf", i), 10<<10)}, SubmitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r.waitFinal(t, sub.IDs...)
		r.queue.wg.Wait()
		if n := int64(countWaiting(t, h.db)); n != want.waiting || commits.Load() != want.commits {
			t.Errorf("file %d: %d rows waiting after %d commits, want %d after %d", i+1, n, commits.Load(), want.waiting, want.commits)
		}
	}
	checkIndexHoldsFinalRows(t, h.db)
}
