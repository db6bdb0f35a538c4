package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"redoxuploader/client/redoxtest"
)

// TestStopProfile: stopping a source's uploads (it is being removed) while one hangs at the
// stand-in and two wait behind it ends all three cancelled with the cancel message and sends
// nothing more, while another source's upload in the same queue completes.
func TestStopProfile(t *testing.T) {
	r := newQueueRig(t, 1)
	other := r.profile
	other.Name = "Cardiology"
	r.server.Script(redoxtest.Fault{Hang: true}, redoxtest.Fault{Delay: 300 * time.Millisecond})
	dir := t.TempDir()
	gone, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, "a.pdf", 100),
		writeRandom(t, dir, "b.pdf", 100), writeRandom(t, dir, "c.pdf", 100)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.waitAtServer(t, 1) // a.pdf hangs at the stand-in; b and c wait behind it
	kept, err := r.queue.Submit(t.Context(), other, []string{writeRandom(t, dir, "d.pdf", 100)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.waitAtServer(t, 2) // d.pdf is at the stand-in too, past its delay
	if n := r.queue.PendingFor(r.profile.Name); n != 3 {
		t.Fatalf("PendingFor counts %d rows of the source, want 3", n)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	n, err := r.queue.StopProfile(ctx, r.profile.Name)
	if n != 3 || err != nil {
		t.Fatalf("StopProfile = %d, %v; want 3, nil", n, err)
	}
	// a.pdf had gone out whole to the stand-in, which never answered: Redox may have it. The
	// others had not been sent.
	wantStatus := []Status{StatusUnknown, StatusCancelled, StatusCancelled}
	for i, id := range gone.IDs {
		rec := r.row(t, id)
		want := cancelledMessage(&rec)
		if i == 0 {
			want = stoppedAfterSendingMessage
		}
		if rec.Status != wantStatus[i] || rec.ErrorMessage != want {
			t.Errorf("row %d when StopProfile returned: %s %q, want %s %q", i, rec.Status, rec.ErrorMessage, wantStatus[i], want)
		}
	}
	if n := r.queue.PendingFor(r.profile.Name); n != 0 {
		t.Errorf("%d rows of the source still pending", n)
	}
	atStop := r.server.Stats().UploadRequests

	events := r.waitFinal(t, append(gone.IDs, kept.IDs...)...)
	if got := lastEvent(events[kept.IDs[0]]).Kind; got != EventDone {
		t.Errorf("the other source's upload ended %s", got)
	}
	for i, id := range gone.IDs {
		want := EventCancelled
		if i == 0 {
			want = EventUnknown
		}
		if got := lastEvent(events[id]).Kind; got != want {
			t.Errorf("row %d's last event is %s, want %s", id, got, want)
		}
	}
	if st := r.server.Stats(); st.UploadRequests != atStop || st.UploadRequests != 2 || st.Uploaded != 1 {
		t.Errorf("the stand-in saw %+v; want 2 requests (the hung one and the other source's) and 1 upload", st)
	}
}

// TestStopProfileBounded: a row that cannot stop at once (its file is being hashed) makes
// StopProfile give up when ctx ends; the row still ends cancelled, not failed, and is not sent.
func TestStopProfileBounded(t *testing.T) {
	r := newQueueRig(t, 1)
	// An earlier upload of the same size: the file may be a duplicate, so it is hashed first.
	insertRecord(t, r.history, Record{Source: r.profile.SourceID(), Size: 100, SHA256: strings.Repeat("e", 64),
		Status: StatusDone, URI: "https://blob.redoxengine.com/earlier"})
	hashing, release := make(chan struct{}), make(chan struct{})
	r.queue.hashFile = func(path string, size int64) (string, int64, error) {
		close(hashing)
		<-release
		return hashFile(path, size)
	}
	sub, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, t.TempDir(), "a.pdf", 100)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-hashing
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if n, err := r.queue.StopProfile(ctx, r.profile.Name); n != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("StopProfile = %d, %v; want 1 and the deadline", n, err)
	}
	close(release)
	r.waitFinal(t, sub.IDs...)
	if rec := r.row(t, sub.IDs[0]); rec.Status != StatusCancelled || rec.ErrorMessage != cancelledMessage(&rec) {
		t.Errorf("row %s %q (%s)", rec.Status, rec.ErrorMessage, rec.ErrorDetail)
	}
	if st := r.server.Stats(); st.UploadRequests != 0 {
		t.Errorf("the stand-in saw %d upload requests", st.UploadRequests)
	}
}

// TestHoldRefusesNewRows: while a source is held (being removed), a file added for it ends
// cancelled, unsent, with a message saying why; other sources are not held, and after release
// the source's files go out again.
func TestHoldRefusesNewRows(t *testing.T) {
	r := newQueueRig(t, 1)
	other := r.profile
	other.Name = "Cardiology"
	dir := t.TempDir()
	release := r.queue.Hold(r.profile.Name)
	held, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, "a.pdf", 100)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	free, err := r.queue.Submit(t.Context(), other, []string{writeRandom(t, dir, "b.pdf", 100)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events := r.waitFinal(t, held.IDs[0], free.IDs[0])
	if rec := r.row(t, held.IDs[0]); rec.Status != StatusCancelled || rec.ErrorMessage != heldMessage {
		t.Errorf("a row added while its source was held: %s %q", rec.Status, rec.ErrorMessage)
	}
	if got := lastEvent(events[free.IDs[0]]).Kind; got != EventDone {
		t.Errorf("another source's upload ended %s", got)
	}
	if n := len(r.server.Uploads()); n != 1 {
		t.Errorf("the stand-in received %d uploads, want only the other source's", n)
	}

	release()
	release() // twice is once
	again, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, dir, "c.pdf", 100)}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := lastEvent(r.waitFinal(t, again.IDs[0])[again.IDs[0]]).Kind; got != EventDone {
		t.Errorf("after release the source's upload ended %s", got)
	}
}
