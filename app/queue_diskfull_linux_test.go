package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"redoxuploader/internal/smalldisk"
)

// diskFullRig is a queue whose history lives on a small disk that fills up as soon as the
// stand-in receives the first upload: the file reaches Redox, and the history cannot record it.
type diskFullRig struct {
	*queueRig
	disk *smalldisk.Disk
	path string
}

func newDiskFullRig(t *testing.T, retryEvery time.Duration) *diskFullRig {
	t.Helper()
	d := smalldisk.Mount(t, "2m")
	path := filepath.Join(d.Dir, "history.db")
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	h.unsaved.retryEvery = retryEvery
	r := &diskFullRig{queueRig: newQueueRigWith(t, 1, h), disk: d, path: path}
	var once sync.Once
	fill := func() { once.Do(d.Fill) }
	r.beforeUpload.Store(&fill)
	return r
}

// sendOne submits a file (kept off the small disk) and returns its final event, which must say
// that the file reached Redox but the history could not save it, with its URI.
func (r *diskFullRig) sendOne(t *testing.T) (Event, string) {
	t.Helper()
	file := writeRandom(t, t.TempDir(), "scan.pdf", 20<<10)
	sub, err := r.queue.Submit(t.Context(), r.profile, []string{file}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := sub.IDs[0]
	e := lastEvent(r.waitFinal(t, id)[id])
	uploads := r.server.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("the stand-in received %d uploads", len(uploads))
	}
	uri := uploads[0].URI
	want := "The file reached Redox but the history could not be saved: the disk is full. Free some space"
	if e.Kind != EventDone || e.Record.URI != uri || !strings.HasPrefix(e.Record.NotSaved, want) ||
		!strings.Contains(e.Record.NotSaved, "Its URI is "+uri) {
		t.Errorf("final event %s, URI %q, NotSaved %q; want done, %s, and %q... naming the URI", e.Kind, e.Record.URI,
			e.Record.NotSaved, uri, want)
	}
	for _, code := range []string{"(13)", "SQLITE", "database or disk"} {
		if strings.Contains(e.Record.NotSaved, code) {
			t.Errorf("NotSaved shows SQLite's %q: %q", code, e.Record.NotSaved)
		}
	}
	if kept := r.history.Unsaved(); len(kept) != 1 || kept[0].ID != id || kept[0].URI != uri {
		t.Errorf("Unsaved() = %+v; want the outcome kept", kept)
	}
	return e, uri
}

// checkSaved checks that row id is in the history as done with uri, recorded late.
func checkSaved(t *testing.T, h *History, id int64, uri string) {
	t.Helper()
	rec, err := h.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != StatusDone || rec.URI != uri || !strings.Contains(rec.ErrorDetail, "recorded late") {
		t.Errorf("row %d in the history: %s %q (%s); want done with %s, recorded late", id, rec.Status, rec.URI,
			rec.ErrorDetail, uri)
	}
}

// TestOutcomeKeptWhenTheDiskFills: the disk holding the history fills while a file is being
// sent. The final event says at once, in plain words, that the file reached Redox but the
// history could not save it, with its URI; once space returns, the outcome is written (by the
// next write of the history, or by the retry that runs meanwhile) and EventSaved says so.
func TestOutcomeKeptWhenTheDiskFills(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryEvery time.Duration
		nextWrite  bool
	}{
		{"by the next write", time.Hour, true},
		{"by the retry", 10 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newDiskFullRig(t, tc.retryEvery)
			done, uri := r.sendOne(t)
			id := done.Record.ID
			if rec := r.row(t, id); rec.Status != StatusUploading {
				t.Errorf("while the disk is full the row is %s, want still uploading", rec.Status)
			}
			_, err := r.queue.Submit(t.Context(), r.profile, []string{writeRandom(t, t.TempDir(), "more.pdf", 1000)}, SubmitOptions{})
			checkPlainStorageError(t, "Submit while the disk is full", err, ErrDiskFull, "the disk is full")
			r.disk.Free()
			var saved Event
			if tc.nextWrite {
				next := writeRandom(t, t.TempDir(), "next.pdf", 1000)
				sub, err := r.queue.Submit(t.Context(), r.profile, []string{next}, SubmitOptions{})
				if err != nil {
					t.Fatal(err)
				}
				saved = lastEvent(r.waitFinal(t, sub.IDs[0], id)[id]) // EventSaved is the row's next final one
			} else {
				saved = r.waitKind(t, id, EventSaved)
			}
			if saved.Kind != EventSaved || saved.Record.Status != StatusDone || saved.Record.URI != uri || saved.Record.NotSaved != "" {
				t.Errorf("EventSaved %+v", saved.Record)
			}
			checkSaved(t, r.history, id, uri)
			if kept := r.history.Unsaved(); len(kept) != 0 {
				t.Errorf("still kept after saving: %+v", kept)
			}
		})
	}
}

// TestOutcomeKeptAcrossAClose: the disk is still full when the app closes. Close says which
// results it could not save, with their URIs; the outcome stays in the space the history
// reserved beside it, and the next opening, with space back, writes it.
func TestOutcomeKeptAcrossAClose(t *testing.T) {
	r := newDiskFullRig(t, time.Hour)
	done, uri := r.sendOne(t)
	if err := r.queue.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := r.history.Close()
	if !errors.Is(err, ErrNotSaved) || !strings.Contains(err.Error(), uri) || !strings.Contains(err.Error(), "kept beside it") {
		t.Errorf("Close = %v; want ErrNotSaved naming the URI and saying it is kept", err)
	}
	r.disk.Free()
	h := openHistoryAt(t, r.path)
	if rec := h.Recovered(); rec != (Recovery{Saved: 1}) {
		t.Errorf("Recovered() = %+v; want the one outcome saved", rec)
	}
	checkSaved(t, h, done.Record.ID, uri)
	checkNoOwnerFilesBut(t, h)
}

// TestOutcomeKeptAcrossAKill: a process whose history's disk filled while it sent a file is
// killed (no Close) after it said the history could not save the outcome. The outcome was
// already in the reserved space: the next opening, with space back, writes it.
func TestOutcomeKeptAcrossAKill(t *testing.T) {
	r := newDiskFullRig(t, time.Hour)
	folder := t.TempDir()
	writeRandom(t, folder, "scan.pdf", 20<<10)
	cmd, stdin, lines, stderr := r.uploadHelper(t, folder, r.path, uploadHelperHold+"=1")
	stdin.Close()
	var said []string
	for lines.Scan() && lines.Text() != "end" {
		said = append(said, lines.Text())
	}
	if len(said) != 1 || !strings.HasSuffix(said[0], " done not-saved") {
		t.Fatalf("the helper said %q; want its row done and not saved\n%s", said, stderr)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	uploads := r.server.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("the stand-in received %d uploads", len(uploads))
	}
	r.disk.Free()
	// The rig's own History, open all along, finds the helper gone when it next looks (as
	// another process's claim or opening would); a new opening does the same.
	h := openHistoryAt(t, r.path)
	if rec := h.Recovered(); rec != (Recovery{Saved: 1}) {
		t.Errorf("Recovered() = %+v; want the one outcome saved", rec)
	}
	rows, err := h.Search(t.Context(), Query{Text: "scan.pdf"})
	if err != nil || len(rows) != 1 {
		t.Fatalf("Search: %v, %v", rows, err)
	}
	checkSaved(t, h, rows[0].ID, uploads[0].URI)
}

// checkNoOwnerFilesBut checks that the only owner files beside h's database are h's own.
func checkNoOwnerFilesBut(t *testing.T, h *History) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(h.Path()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ownerFilePrefix) && !strings.Contains(e.Name(), h.owner.id) {
			t.Errorf("%s is left beside the history", e.Name())
		}
	}
}
