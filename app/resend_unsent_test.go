package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestResendOfARowNeverSentWhole: a row whose upload never sent its file whole has no hash, so
// a resend cannot compare contents: it asks first when the file at the path was written after
// the row was made (a scanner reusing the name: another patient's document) or has another
// size, and goes ahead when the file is as it was.
func TestResendOfARowNeverSentWhole(t *testing.T) {
	r := newQueueRig(t, 1)
	path := writeRandom(t, t.TempDir(), "scan0001.pdf", 200_000)
	unreachable := r.profile // the same source, at a port nothing listens on: no byte goes out
	unreachable.UploadURL = "http://127.0.0.1:1/upload"
	s, _ := r.queue.Submit(t.Context(), unreachable, []string{path}, SubmitOptions{})
	r.waitFinal(t, s.IDs...)
	failed := r.row(t, s.IDs[0])
	if failed.Status != StatusFailed || failed.SHA256 != "" {
		t.Fatalf("row never sent: %+v; want failed without a hash", failed)
	}

	earlier := failed.Created.Add(-time.Hour)
	if err := os.Chtimes(path, earlier, earlier); err != nil {
		t.Fatal(err)
	}
	id, err := r.queue.Resend(t.Context(), failed, r.profile, false)
	if err != nil {
		t.Fatalf("resend of the file as it was: %v", err)
	}
	r.waitFinal(t, id)

	writeRandom(t, filepath.Dir(path), "scan0001.pdf", 200_000) // the next scan under the same name and size
	later := failed.Created.Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	var changed *ChangedSinceUploadError
	if _, err := r.queue.Resend(t.Context(), failed, r.profile, false); !errors.As(err, &changed) ||
		!strings.Contains(err.Error(), "never sent it whole") {
		t.Fatalf("resend of another file under the name: %v; want it asked about", err)
	}
	if id, err := r.queue.Resend(t.Context(), failed, r.profile, true); err != nil {
		t.Errorf("resend confirmed: %v", err)
	} else {
		r.waitFinal(t, id)
	}
}
