package app

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJournalBusyIsNotAFullDisk: a file not sent because the history stayed busy (another
// process writing for longer than the busy timeout) says so, not "check that the disk is not
// full", which sent IT looking at a disk with room to spare.
func TestJournalBusyIsNotAFullDisk(t *testing.T) {
	r := newQueueRig(t, 1)
	rec := r.queue.newRecord(r.profile, writeRandom(t, t.TempDir(), "scan.pdf", 100))
	if err := r.history.InsertBatch(t.Context(), []*Record{&rec}); err != nil {
		t.Fatal(err)
	}
	r.queue.journalFailure(&rec, fmt.Errorf("claiming the upload: %w", ErrHistoryBusy))
	if !strings.Contains(rec.ErrorMessage, "busy") || strings.Contains(rec.ErrorMessage, "disk") {
		t.Errorf("message %q; want the history busy, not the disk", rec.ErrorMessage)
	}
}

// TestFolderThatCannotBeOpened: a folder the user may not open is named as such, with what to
// do, and gets no row; it was queued as a file and refused as "not a single file (a folder…):
// add the files themselves", which the user cannot either.
func TestFolderThatCannotBeOpened(t *testing.T) {
	r := newQueueRig(t, 1)
	locked := filepath.Join(t.TempDir(), "Ward 7 scans")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	readDir = func(name string) ([]os.DirEntry, error) {
		if name == locked { // what a folder of another account gives: the test runs as root on CI
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return os.ReadDir(name)
	}
	t.Cleanup(func() { readDir = os.ReadDir })
	s, err := r.queue.Submit(t.Context(), r.profile, []string{locked}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.IDs) != 0 || len(s.Folders) != 1 {
		t.Fatalf("submission %+v; want one note and no row", s)
	}
	if note := s.Folders[0].String(); !strings.Contains(note, "could not be opened (you do not have permission to open it)") ||
		!strings.Contains(note, "Ask IT") {
		t.Errorf("note %q", note)
	}
}
