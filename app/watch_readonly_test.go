package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestKeepIfSent: a file of a read-only watched folder is kept (left, not sent) when its
// content was uploaded to the source, known by a done row or by a record of files left in
// place, which the done row's file gets at once. It is hashed only when something of the
// source was sent with its size: a new file of a new size is handed to the queue unread.
func TestKeepIfSent(t *testing.T) {
	content := []byte("a referral scanned to a read-only share")
	digest := sha256.Sum256(content)
	sum := hex.EncodeToString(digest[:])
	size := int64(len(content))
	other := strings.Repeat("e", 64)
	for _, tc := range []struct {
		name       string
		writable   bool     // the folder is not read-only
		done       []Record // done rows of the source (Source set by the test)
		leftSize   int64    // with leftHash: recorded as left in place
		leftHash   string   //
		wantKept   bool     //
		wantRow    bool     // the kept event names the done row
		wantHashes int32    // files hashed
	}{
		{name: "nothing of its size sent", done: []Record{{Size: size + 1, SHA256: other}}, wantHashes: 0},
		{name: "other content of its size sent", done: []Record{{Size: size, SHA256: other}}, wantHashes: 1},
		{name: "other content of its size left in place", leftSize: size, leftHash: other, wantHashes: 1},
		{name: "its content done", done: []Record{{Size: size, SHA256: sum}}, wantKept: true, wantRow: true, wantHashes: 1},
		{name: "its content left in place, its row purged", leftSize: size, leftHash: sum, wantKept: true, wantHashes: 1},
		{name: "writable folder", writable: true, done: []Record{{Size: size, SHA256: sum}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "referral.pdf")
			writeFile(t, path, content)
			qr := newQueueRig(t, 1)
			source := qr.profile.SourceID()
			var row Record
			for _, r := range tc.done {
				r.Source, r.Status, r.URI = source, StatusDone, "https://blob.redoxengine.com/sent"
				row = insertRecord(t, qr.history, r)
			}
			if tc.leftHash != "" {
				if err := qr.history.KeepInPlace(t.Context(), source, tc.leftHash, tc.leftSize); err != nil {
					t.Fatal(err)
				}
			}
			hashes := countHashes(qr.queue)
			rig := newWatchRig(t, qr, quickWatch(), dir)
			rig.watcher.folders[0].readOnly = !tc.writable

			f := &watchedFile{path: path, folder: dir, size: size, state: fileReady}
			if kept := keepAsSubmitReadyDoes(t.Context(), rig.watcher, f); kept != tc.wantKept {
				t.Fatalf("keepIfSent = %v, want %v", kept, tc.wantKept)
			}
			if n := hashes.Load(); n != tc.wantHashes {
				t.Errorf("hashed %d files, want %d", n, tc.wantHashes)
			}
			if !tc.wantKept {
				return
			}
			ev := <-rig.events
			wantRow := int64(0)
			if tc.wantRow {
				wantRow = row.ID
			}
			if ev.Outcome != WatchKept || ev.Row != wantRow {
				t.Errorf("event %+v; want kept, naming row %d", ev, wantRow)
			}
			if left, err := qr.history.KeptInPlace(t.Context(), source, sum); err != nil || !left {
				t.Errorf("KeptInPlace = %v, %v; want the kept file recorded as left in place", left, err)
			}
		})
	}
}

// keepAsSubmitReadyDoes asks whether f must be read to be known as kept, and if so keeps it
// if it was sent, as submitReady does; it reports whether f was left.
func keepAsSubmitReadyDoes(ctx context.Context, w *Watcher, f *watchedFile) bool {
	return w.mustReadToKeep(ctx, f) && w.keepIfSent(ctx, f)
}

// watcherWithReady is the rig of a watcher of dir, taken as a read-only folder or not, with the
// files at paths (in dir) found complete and ready to hand over, in that order; it is not
// running.
func watcherWithReady(t *testing.T, qr *queueRig, dir string, readOnly bool, paths ...string) *watchRig {
	t.Helper()
	rig := newWatchRig(t, qr, quickWatch(), dir)
	w := rig.watcher
	w.folders[0].readOnly = readOnly
	for _, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		f := &watchedFile{path: path, folder: dir, size: fi.Size(), modTime: fi.ModTime(), state: fileReady}
		w.files[path] = f
		w.ready = append(w.ready, f)
	}
	return rig
}

// TestNewScanSentBeforeKeptFilesAreRead: in a read-only folder, a new scan of a size never
// sent is handed to the queue before the files that must be read to be known as kept, though
// it comes after them by name.
func TestNewScanSentBeforeKeptFilesAreRead(t *testing.T) {
	dir := t.TempDir()
	old, scan := filepath.Join(dir, "a-old.pdf"), filepath.Join(dir, "b-new.pdf")
	oldContent := []byte("a referral sent last year, still in the read-only share")
	writeFile(t, old, oldContent)
	writeFile(t, scan, []byte("this morning's scan"))
	qr := newQueueRig(t, 2)
	digest := sha256.Sum256(oldContent)
	insertRecord(t, qr.history, Record{Source: qr.profile.SourceID(), Size: int64(len(oldContent)),
		SHA256: hex.EncodeToString(digest[:]), Status: StatusDone, URI: "https://blob.redoxengine.com/old"})

	var rowsWhenRead atomic.Int64 // history rows when a-old.pdf was read
	qr.queue.hashFile = func(path string, size int64) (string, int64, error) {
		if path == old {
			n, err := qr.history.Count(t.Context(), Query{})
			if err != nil {
				t.Error(err)
			}
			rowsWhenRead.Store(int64(n))
		}
		return hashFile(path, size)
	}
	w := watcherWithReady(t, qr, dir, true, old, scan).watcher

	w.submitReady(t.Context())
	if n := rowsWhenRead.Load(); n != 2 {
		t.Errorf("a-old.pdf was read with %d history rows; want 2: b-new.pdf queued first", n)
	}
	if got := w.files[old].state; got != fileLeft {
		t.Errorf("a-old.pdf: state %v, want left (kept)", got)
	}
	if got := w.files[scan].state; got != fileSubmitted {
		t.Errorf("b-new.pdf: state %v, want submitted", got)
	}
}

// TestReadOnlyFileHashedOnceBeforeSending: a file of a read-only folder of a size sent before,
// with other content, is hashed once, by the watcher's check (keepIfSent), and the queue sends
// it with that hash instead of reading it twice; the row and the stand-in agree on what was
// sent. A file that changes while the check reads it is not handed over with that hash: the
// queue hashes it again and sends what it holds now.
func TestReadOnlyFileHashedOnceBeforeSending(t *testing.T) {
	const size = 64 << 10
	for _, tc := range []struct {
		name    string
		rewrite bool // the file is rewritten, same size, while the watcher's check reads it
		hashes  int32
	}{
		{name: "unchanged", hashes: 1},
		{name: "rewritten while checked", rewrite: true, hashes: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeRandom(t, dir, "referral.pdf", size)
			qr := newQueueRig(t, 1)
			insertRecord(t, qr.history, Record{Source: qr.profile.SourceID(), Size: size, SHA256: strings.Repeat("e", 64),
				Status: StatusDone, URI: "https://blob.redoxengine.com/other"})
			var hashes atomic.Int32
			qr.queue.hashFile = func(p string, n int64) (string, int64, error) {
				sum, got, err := hashFile(p, n)
				if hashes.Add(1) == 1 && tc.rewrite {
					writeRandom(t, dir, "referral.pdf", size)
					later := time.Now().Add(time.Hour) // a new modification time whatever the clock's resolution
					if err := os.Chtimes(p, later, later); err != nil {
						t.Fatal(err)
					}
				}
				return sum, got, err
			}
			w := watcherWithReady(t, qr, dir, true, path).watcher
			f := w.files[path]

			w.submitReady(t.Context())
			if f.state != fileSubmitted {
				t.Fatalf("state %v, want submitted", f.state)
			}
			qr.waitFinal(t, f.row)
			rec := qr.row(t, f.row)
			if rec.Status != StatusDone || rec.SHA256 != fileSHA256(t, path) {
				t.Errorf("row %s %.12s: %s; want done with the file's SHA-256 %.12s", rec.Status, rec.SHA256,
					rec.ErrorMessage, fileSHA256(t, path))
			}
			if uploads := qr.server.Uploads(); len(uploads) != 1 || uploads[0].SHA256 != rec.SHA256 {
				t.Errorf("the stand-in received %d uploads (%+v); want one, of the row's content", len(uploads), uploads)
			}
			if n := hashes.Load(); n != tc.hashes {
				t.Errorf("the file was hashed %d times before it was sent, want %d", n, tc.hashes)
			}
		})
	}
}
