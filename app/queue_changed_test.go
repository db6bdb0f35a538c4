package app

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
)

// TestFileRewrittenWhileSending: a file hashed before it is sent (another upload of the source
// has its size) and rewritten in place with the same size while it is being sent is not
// recorded as a clean upload. Its row is failed with the changed-while-sending kind, keeps the
// URI Redox returned (with a warning) and the hash of what Redox received, and does not count
// as an earlier upload of the content hashed before sending: that content, sent again, is
// uploaded, not called a duplicate. (TestUnhashedFileRewrittenWhileSending: a file sent
// without hashing first.)
func TestFileRewrittenWhileSending(t *testing.T) {
	r := newQueueRig(t, 1)
	path := writeRandom(t, t.TempDir(), "report.pdf", 1<<20)
	insertRecord(t, r.history, Record{Source: r.profile.SourceID(), Size: 1 << 20, SHA256: strings.Repeat("e", 64),
		Status: StatusDone, URI: "https://blob.redoxengine.com/same-size"})
	before := fileSHA256(t, path)
	original := rewriteWhileSending(t, r.queue, path)
	last, got := r.sendOne(t, path, SubmitOptions{})
	id := last.Record.ID
	if got.SHA256 == before || got.SHA256 == fileSHA256(t, path) {
		t.Fatalf("the stand-in received the file whole (%s): the rewrite came too late or too early", got.SHA256)
	}
	rec := r.row(t, id)
	if last.Kind != EventFailed || last.Record.URI != got.URI || last.Record.ErrorKind != ErrorKindChangedWhileSending {
		t.Errorf("last event %s %+v; want failed, changed while sending, with the URI", last.Kind, last.Record)
	}
	if rec.Status != StatusFailed || rec.ErrorKind != ErrorKindChangedWhileSending || rec.URI != got.URI || rec.SHA256 != got.SHA256 ||
		!strings.Contains(rec.ErrorMessage, "changed while it was being sent") || !strings.Contains(rec.ErrorDetail, before) {
		t.Errorf("row %+v; want failed, %s, URI %s and SHA-256 %s kept, a plain warning and the hash before sending in the detail",
			rec, ErrorKindChangedWhileSending, got.URI, got.SHA256)
	}
	for _, sum := range []string{before, got.SHA256} {
		if earlier, found, err := r.history.LatestDone(t.Context(), rec.Source, sum); err != nil || found {
			t.Errorf("LatestDone(%.12s) = row %d, %v, %v: the changed upload counts as done", sum, earlier.ID, found, err)
		}
	}
	sendOriginalAgain(t, r, path, original)
}

// rewriteWhileSending makes q overwrite the file at path in place, once, with other content of
// the same size while it is being sent (after its first chunk, before its last), and returns
// the content it had.
func rewriteWhileSending(t *testing.T, q *Queue, path string) (original []byte) {
	t.Helper()
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rewritten := bytes.Repeat([]byte("new content "), len(original)/12+1)[:len(original)]
	var once sync.Once
	q.sending = func(rec Record, sent, total int64) {
		if sent < total {
			once.Do(func() { overwriteInPlace(t, path, rewritten) })
		}
	}
	return original
}

// sendOriginalAgain puts the original content back in the file at path and sends it again: it
// must be uploaded, with its own SHA-256, not taken for a duplicate of the upload the rewrite
// spoilt.
func sendOriginalAgain(t *testing.T, r *queueRig, path string, original []byte) {
	t.Helper()
	r.queue.sending = nil
	overwriteInPlace(t, path, original)
	again, err := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := lastEvent(r.waitFinal(t, again.IDs[0])[again.IDs[0]]); e.Kind != EventDone || e.Record.SHA256 != fileSHA256(t, path) {
		t.Errorf("the original content sent again ended %s (%s); want uploaded", e.Kind, e.Record.ErrorMessage)
	}
}

// overwriteInPlace writes data over the start of the file at path without truncating it, as
// an editor saving in place does.
func overwriteInPlace(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
}
