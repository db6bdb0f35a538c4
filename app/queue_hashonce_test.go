package app

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countHashes makes q count the files it hashes before sending.
func countHashes(q *Queue) *atomic.Int32 {
	n := new(atomic.Int32)
	q.hashFile = func(path string, size int64) (string, int64, error) {
		n.Add(1)
		return hashFile(path, size)
	}
	return n
}

// TestFileHashedOnlyWhenItMayBeADuplicate: a file is hashed before it is sent only when the
// duplicate check may need the hash, that is when another row of its source has its size.
// Otherwise (forced, or a size the source has not seen) it is read once, as it is sent, and the
// hash of the bytes sent is journaled as the row's: the file's real SHA-256, as the stand-in
// received it. A twin of the same size is hashed first and ends a duplicate when its content
// is the same, and is sent when it differs.
func TestFileHashedOnlyWhenItMayBeADuplicate(t *testing.T) {
	const size = 30 << 10
	for _, tc := range []struct {
		name    string
		earlier string // "": no earlier upload; "same": of this content; "other": other content, same size
		force   bool
		hashes  int32
		want    Status
	}{
		{"new size", "", false, 0, StatusDone},
		{"new size, forced", "", true, 0, StatusDone},
		{"same content sent before, forced", "same", true, 0, StatusDone},
		{"same content sent before", "same", false, 1, StatusDuplicate},
		{"other content of the same size sent before", "other", false, 1, StatusDone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newQueueRig(t, 1)
			dir := t.TempDir()
			path := writeRandom(t, dir, "scan.pdf", size)
			sent := 0
			if tc.earlier != "" {
				earlier := path
				if tc.earlier == "other" {
					earlier = writeRandom(t, dir, "other.pdf", size)
				}
				first, err := r.queue.Submit(t.Context(), r.profile, []string{earlier}, SubmitOptions{})
				if err != nil {
					t.Fatal(err)
				}
				r.waitFinal(t, first.IDs...)
				sent++
			}
			hashes := countHashes(r.queue)
			sub, err := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{Force: tc.force})
			if err != nil {
				t.Fatal(err)
			}
			id := sub.IDs[0]
			last := lastEvent(r.waitFinal(t, id)[id])
			rec := r.row(t, id)
			if rec.Status != tc.want || string(last.Kind) != string(tc.want) || rec.SHA256 != fileSHA256(t, path) || rec.Size != size {
				t.Errorf("row %s (event %s) %.12s, %d bytes: %s; want %s with the file's SHA-256 %.12s", rec.Status, last.Kind,
					rec.SHA256, rec.Size, rec.ErrorMessage, tc.want, fileSHA256(t, path))
			}
			if got := hashes.Load(); got != tc.hashes {
				t.Errorf("the file was hashed %d times before sending, want %d", got, tc.hashes)
			}
			if tc.want == StatusDone {
				sent++
				uploads := r.server.Uploads()
				if got := uploads[len(uploads)-1]; got.SHA256 != rec.SHA256 || got.URI != rec.URI {
					t.Errorf("the stand-in received %.12s at %s; the row says %.12s at %s", got.SHA256, got.URI, rec.SHA256, rec.URI)
				}
			}
			if n := len(r.server.Uploads()); n != sent {
				t.Errorf("the stand-in received %d uploads, want %d", n, sent)
			}
		})
	}
}

// TestUnhashedFileRewrittenWhileSending: a file sent without hashing first (forced, or of a
// size new to the source) and rewritten in place with the same size while it is sent is not
// recorded as a clean upload: failed, changed-while-sending, with the URI and the hash of what
// Redox received, and the detail saying what changed. It does not count as an earlier upload:
// the original content sent again is uploaded.
func TestUnhashedFileRewrittenWhileSending(t *testing.T) {
	for _, force := range []bool{false, true} {
		t.Run(map[bool]string{false: "new size", true: "forced"}[force], func(t *testing.T) {
			r := newQueueRig(t, 1)
			hashes := countHashes(r.queue)
			path := writeRandom(t, t.TempDir(), "report.pdf", 1<<20)
			// An hour old: a rewrite now changes the modification time whatever the clock's
			// resolution.
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
			original := rewriteWhileSending(t, r.queue, path)
			last, got := r.sendOne(t, path, SubmitOptions{Force: force})
			id := last.Record.ID
			rec := r.row(t, id)
			if last.Kind != EventFailed || last.Record.ErrorKind != ErrorKindChangedWhileSending || last.Record.URI != got.URI {
				t.Errorf("last event %s %+v; want failed, changed while sending, with the URI", last.Kind, last.Record)
			}
			if rec.Status != StatusFailed || rec.ErrorKind != ErrorKindChangedWhileSending || rec.URI != got.URI ||
				rec.SHA256 != got.SHA256 || !strings.Contains(rec.ErrorMessage, "changed while it was being sent") ||
				!strings.Contains(rec.ErrorDetail, "not hashed before sending; it was modified while it was sent") {
				t.Errorf("row %+v; want failed, %s, URI %s and SHA-256 %s kept, a plain warning, the detail saying what changed",
					rec, ErrorKindChangedWhileSending, got.URI, got.SHA256)
			}
			if hashes.Load() != 0 {
				t.Errorf("the file was hashed %d times before sending, want 0", hashes.Load())
			}
			sendOriginalAgain(t, r, path, original)
		})
	}
}

// TestHashFromQueuingNeverDecidesADuplicate: a file handed to the queue with a hash taken
// earlier (the watcher's check) and then replaced by other content of the same size and
// modification time (a copy that kept them), renamed over it or written in place, is sent as
// what it holds now: never ended as a duplicate of the content hashed, nor failed as changed
// while sending.
func TestHashFromQueuingNeverDecidesADuplicate(t *testing.T) {
	const size = 16 << 10
	for _, tc := range []struct {
		name       string
		sentBefore bool // the content hashed was uploaded to the source before
		inPlace    bool // the new content is written into the same file, else renamed over it
	}{
		{"written in place, the old content sent before", true, true},
		{"renamed over, the old content sent before", true, false},
		{"renamed over, the old content never sent", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newQueueRig(t, 1)
			dir := t.TempDir()
			path := writeRandom(t, dir, "scan.pdf", size)
			if tc.sentBefore {
				first, err := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
				if err != nil {
					t.Fatal(err)
				}
				r.waitFinal(t, first.IDs...)
			}
			_, hashed, err := r.queue.hashWithStamp(path, size)
			if err != nil || hashed == nil {
				t.Fatalf("hashWithStamp: %v, %v", hashed, err)
			}
			fresh := path
			if !tc.inPlace {
				fresh = filepath.Join(dir, "scan.pdf.new")
			}
			writeRandom(t, dir, filepath.Base(fresh), size)
			if err := os.Chtimes(fresh, hashed.file.ModTime(), hashed.file.ModTime()); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(fresh, path); err != nil {
				t.Fatal(err)
			}

			sub, err := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{hashed: hashed})
			if err != nil {
				t.Fatal(err)
			}
			id := sub.IDs[0]
			r.waitFinal(t, id)
			rec := r.row(t, id)
			if rec.Status != StatusDone || rec.SHA256 != fileSHA256(t, path) {
				t.Errorf("row %s %.12s: %s; want done with the new content's SHA-256 %.12s", rec.Status, rec.SHA256,
					rec.ErrorMessage, fileSHA256(t, path))
			}
			if uploads := r.server.Uploads(); uploads[len(uploads)-1].SHA256 != fileSHA256(t, path) {
				t.Errorf("the stand-in last received %.12s, want the new content", uploads[len(uploads)-1].SHA256)
			}
		})
	}
}
