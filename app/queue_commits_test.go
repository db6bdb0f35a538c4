package app

import (
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

// commitCounters holds, by driver DSN, a counter of the transactions SQLite commits on the
// connections to a watched history file; see watchCommits.
var commitCounters sync.Map // string → *atomic.Int64

func init() {
	// Every connection the driver opens in this test binary: if its file is watched, count its
	// commits with SQLite's own commit hook (called for each committed write transaction,
	// explicit or autocommit; never for reads).
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		n, ok := commitCounters.Load(dsn)
		if !ok {
			return nil
		}
		hooks, ok := conn.(sqlite.HookRegisterer)
		if !ok {
			panic("the sqlite driver's connection no longer takes a commit hook")
		}
		hooks.RegisterCommitHook(func() int32 {
			n.(*atomic.Int64).Add(1)
			return 0 // 0: let the commit go ahead
		})
		return nil
	})
}

// watchCommits opens a history at a new path whose commits are counted, and returns it with
// its counter, reset after the opening's own writes.
func watchCommits(t *testing.T) (*History, *atomic.Int64) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	n := new(atomic.Int64)
	commitCounters.Store(historyDSN(path), n)
	t.Cleanup(func() { commitCounters.Delete(historyDSN(path)) })
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() == 0 {
		t.Fatal("the commit hook saw none of the history's set-up: it counts nothing")
	}
	n.Store(0)
	return h, n
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
	if err := h.MarkUploading(ctx, r.ID, time.Now()); err != nil {
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

// TestQueueCommitsPerFile: the journal costs one commit per batch (the rows, queued) plus two
// per file sent (uploading with its hash; the outcome) and one per file not sent (a duplicate:
// the outcome with its hash). Each commit is a serialised write to disk, the per-file cost of
// a large batch; this fails if one comes back (it was 1 + 3 per file before the hash moved
// into the uploading write).
func TestQueueCommitsPerFile(t *testing.T) {
	h, commits := watchCommits(t)
	r := newQueueRigWith(t, 3, h)

	const files = 6
	dir := t.TempDir()
	var paths []string
	for i := range files {
		paths = append(paths, writeRandom(t, dir, string(rune('a'+i))+".pdf", 20<<10))
	}

	for _, tc := range []struct {
		name  string
		force bool
		want  Status
		per   int64 // commits per file
	}{
		{"new files, duplicate check", false, StatusDone, 2},
		{"same files again: duplicates", false, StatusDuplicate, 1},
		{"same files, --force", true, StatusDone, 2},
	} {
		commits.Store(0)
		sub, err := r.queue.Submit(t.Context(), r.profile, paths, SubmitOptions{Force: tc.force})
		if err != nil {
			t.Fatal(err)
		}
		r.waitFinal(t, sub.IDs...)
		if got, want := commits.Load(), 1+tc.per*files; got != want {
			t.Errorf("%s: %d commits for %d files, want %d (1 for the batch + %d a file)", tc.name, got, files, want, tc.per)
		}
		for i, id := range sub.IDs {
			rec := r.row(t, id)
			if rec.Status != tc.want || rec.SHA256 != fileSHA256(t, paths[i]) || rec.Size != 20<<10 {
				t.Errorf("%s: row %+v, want %s with the file's SHA-256 and size", tc.name, rec, tc.want)
			}
			if tc.want == StatusDone && (rec.Started.IsZero() || rec.Finished.Before(rec.Started)) {
				t.Errorf("%s: row %d started %v, finished %v", tc.name, id, rec.Started, rec.Finished)
			}
		}
	}
	if n := len(r.server.Uploads()); n != 2*files {
		t.Errorf("the server received %d uploads, want %d", n, 2*files)
	}
}

// TestResendHashesOnce: a resend hashes the file once, to compare it with what was sent, and
// the upload uses that hash; if the file's size or modification time changes while the resend
// waits its turn, that hash is dropped and the file is sent without hashing it again: the
// hash of the bytes sent, the new content's, is journaled.
func TestResendHashesOnce(t *testing.T) {
	r := newQueueRig(t, 1)
	var hashes atomic.Int32
	r.queue.hashFile = func(path string, size int64) (string, int64, error) {
		hashes.Add(1)
		return hashFile(path, size)
	}
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
