package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchReportsSubfoldersOnce: a folder inside a watched folder (not Uploaded/ or Failed/) is
// reported once as not looked into, saying what to do; its files are not sent, and listing the
// folder again does not report it again.
func TestWatchReportsSubfoldersOnce(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"Ward 7", WatchUploadedFolder, WatchFailedFolder} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "Ward 7", "inside.pdf"), []byte("a scan in a subfolder"))
	qr := newQueueRig(t, 1)
	r := newWatchRig(t, qr, quickWatch(), dir)
	r.start(t)
	ev := r.await(t, WatchSkipped, "Ward 7")
	if !strings.Contains(ev.Reason, "not sent") || !strings.Contains(ev.Reason, "move them") {
		t.Errorf("event %s; want it to say files in it are not sent, and what to do", ev)
	}
	writeFile(t, filepath.Join(dir, "scan.pdf"), []byte("a scan")) // sent after several listings of the folder
	r.await(t, WatchUploaded, "scan.pdf")

	for _, e := range r.seen {
		if e.Outcome == WatchSkipped && e != ev {
			t.Errorf("also reported: %s", e)
		}
	}
	if n := len(qr.server.Uploads()); n != 1 {
		t.Errorf("the stand-in stored %d uploads, want 1 (the file in the subfolder is not sent)", n)
	}
}
