package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
)

// awaitEnd returns the first event not read before for the file name that says how its
// upload ended (anything but sending), reading on until it comes.
func (r *watchRig) awaitEnd(t *testing.T, name string) WatchEvent {
	t.Helper()
	ends := func(i int) bool {
		e := r.seen[i]
		return e.Name == name && e.Outcome != WatchSending && !r.taken[i]
	}
	for i := range r.seen {
		if ends(i) {
			r.taken[i] = true
			return r.seen[i]
		}
	}
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-r.events:
			r.seen = append(r.seen, e)
			if ends(len(r.seen) - 1) {
				r.taken[len(r.seen)-1] = true
				return e
			}
		case <-timeout:
			t.Fatalf("no end of the upload of %q; events so far:\n%s", name, eventLines(r.seen))
		}
	}
}

// TestWatchFileTakenOutWhileSent: a watched file moved or deleted from its folder while it is
// being sent (a clerk tidying up, another watcher of the folder) reached Redox whole: its row
// is done with the URI, not marked as mixed content, and the watcher reports it uploaded with
// that URI.
func TestWatchFileTakenOutWhileSent(t *testing.T) {
	for _, tc := range []struct {
		name    string
		takeOut func(path, elsewhere string) error
	}{
		{name: "moved", takeOut: func(path, elsewhere string) error {
			return os.Rename(path, filepath.Join(elsewhere, filepath.Base(path)))
		}},
		{name: "deleted", takeOut: func(path, _ string) error { return os.Remove(path) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, elsewhere := t.TempDir(), t.TempDir()
			qr := newQueueRig(t, 1)
			path := filepath.Join(dir, "scan.pdf")
			takeOut := func() { // the client has the file open: the request is at the stand-in
				if err := tc.takeOut(path, elsewhere); err != nil {
					t.Error(err)
				}
			}
			qr.beforeUpload.Store(&takeOut)
			r := newWatchRig(t, qr, quickWatch(), dir)
			r.start(t)
			r.await(t, WatchWatching, "")
			writeFile(t, path, randomBytes(t, 64<<10))

			ev := r.awaitEnd(t, "scan.pdf")
			uploads := qr.server.Uploads()
			if len(uploads) != 1 {
				t.Fatalf("the stand-in stored %d uploads, want 1", len(uploads))
			}
			rec, err := qr.history.Get(context.Background(), ev.Row)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != StatusDone || rec.URI != uploads[0].URI || rec.ErrorKind != "" {
				t.Errorf("row %s, URI %q, error %q (%s); want done with the URI %q", rec.Status, rec.URI, rec.ErrorKind,
					rec.ErrorMessage, uploads[0].URI)
			}
			if ev.Outcome != WatchUploaded || ev.URI != uploads[0].URI || strings.Contains(ev.Reason, "Do not use") {
				t.Errorf("event %s; want uploaded with the URI %q", ev, uploads[0].URI)
			}
		})
	}
}

// TestChangedAfterSendPathGone: a file whose path is gone after it was sent is judged by the
// file held open: unchanged if all of it was sent as it was; changed if it grew, or if less
// was sent; and, not held open, not known to be unchanged.
func TestChangedAfterSendPathGone(t *testing.T) {
	for _, tc := range []struct {
		name        string
		grow        bool  // written to after before was taken
		sent        int64 // bytes sent, from the file's size
		notHeld     bool
		wantChanged bool
	}{
		{name: "unchanged"},
		{name: "written to", grow: true, wantChanged: true},
		{name: "partly sent", sent: -1, wantChanged: true},
		{name: "not held open", notHeld: true, wantChanged: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scan.pdf")
			writeFile(t, path, []byte("page 1"))
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			held := holdOpen(path, before)
			if held == nil {
				t.Fatal("the file could not be held open")
			}
			defer held.Close()
			if tc.grow {
				fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					t.Fatal(err)
				}
				fh.WriteString(" page 2")
				fh.Close()
			}
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if tc.notHeld {
				held = nil
			}
			got := changedAfterSend(before, path, held, client.Result{Size: before.Size() + tc.sent})
			if (got != "") != tc.wantChanged {
				t.Errorf("changedAfterSend = %q, want changed %v", got, tc.wantChanged)
			}
		})
	}
}

// TestTakenOutEvent: a failed row whose file left the folder says it was sent and gives the URI
// when Redox returned one, and that it was taken out before it was sent when not.
func TestTakenOutEvent(t *testing.T) {
	sent := takenOutEvent(Record{ID: 7, URI: "https://redox.example/blob/1", ErrorMessage: "Do not use the URI shown."})
	if sent.Outcome != WatchFailed || sent.URI == "" || !strings.Contains(sent.Reason, "was sent") {
		t.Errorf("with a URI: %s", sent)
	}
	unsent := takenOutEvent(Record{ID: 8})
	if unsent.Outcome != WatchSkipped || unsent.URI != "" || !strings.Contains(unsent.Reason, "before it was sent") {
		t.Errorf("without a URI: %s", unsent)
	}
}
