package app

import (
	"strings"
	"sync"
	"testing"

	"redoxuploader/client/redoxtest"
)

// TestStoppedAfterTheWholeFileWentOut: an upload cancelled (or stopped by the app closing)
// after its whole file went out, while Redox had not yet answered, may be on Redox: it ends
// unknown, with the hash of what was sent, as after a crash, and not cancelled ("send it
// again"), which a watched folder would send again at its next start.
func TestStoppedAfterTheWholeFileWentOut(t *testing.T) {
	r := newQueueRig(t, 1)
	path := writeRandom(t, t.TempDir(), "Doe Jane discharge.pdf", 200_000)
	r.server.Script(redoxtest.Fault{Hang: true}) // reads the whole body, never answers
	whole := make(chan struct{})
	var once sync.Once
	r.queue.sending = func(_ Record, sent, total int64) {
		if sent == total {
			once.Do(func() { close(whole) })
		}
	}
	s, err := r.queue.Submit(t.Context(), r.profile, []string{path}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-whole // the file's last bytes are handed to the request
	r.queue.Cancel(s.IDs[0])
	r.waitFinal(t, s.IDs...)
	rec := r.row(t, s.IDs[0])
	if rec.Status != StatusUnknown || rec.SHA256 != fileSHA256(t, path) || !strings.Contains(rec.ErrorMessage, "may or may not have it") {
		t.Errorf("row stopped after its file went out: status %s, hash %q, message %q; want unknown with the file's hash",
			rec.Status, rec.SHA256, rec.ErrorMessage)
	}
}
