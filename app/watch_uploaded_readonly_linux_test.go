package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redoxuploader/internal/smalldisk"
)

// TestWatchUploadedFolderReadOnly: when only Uploaded/ may not be written (here a read-only
// disk in its place), the watched folder is not called read-only: the event names Uploaded as
// the folder that cannot be written, and the move is tried again later, succeeding once
// Uploaded/ may be written.
func TestWatchUploadedFolderReadOnly(t *testing.T) {
	disk := smalldisk.Mount(t, "1m")
	disk.ReadOnly()
	dir := t.TempDir()
	uploaded := filepath.Join(dir, WatchUploadedFolder)
	if err := os.Symlink(disk.Dir, uploaded); err != nil {
		t.Fatal(err)
	}
	rig := newWatchRig(t, newQueueRig(t, 1), quickWatch(), dir)
	rig.start(t)
	rig.await(t, WatchWatching, "")
	path := writeRandom(t, dir, "scan.pdf", 4<<10)

	left := rig.await(t, WatchUploaded, "scan.pdf")
	if left.MovedTo != "" || !strings.Contains(left.Reason, "the folder "+WatchUploadedFolder+" in the watched folder") ||
		!strings.Contains(left.Reason, "tried again") || strings.Contains(left.Reason, "read-only folder") {
		t.Errorf("event %s; want it left for now, naming %s as the folder that cannot be written, to be moved later",
			left, WatchUploadedFolder)
	}
	if st := rig.watcher.Status(); st.Folders[0].ReadOnly {
		t.Errorf("the watched folder is said to be read-only")
	}
	if err := os.Remove(uploaded); err != nil { // IT mends it: Uploaded/ may be written
		t.Fatal(err)
	}
	moved := rig.await(t, WatchMoved, "scan.pdf")
	if moved.MovedTo == "" {
		t.Errorf("event %s; want it moved once %s may be written", moved, WatchUploadedFolder)
	}
	if n := rig.count(WatchUploaded); n != 1 {
		t.Errorf("%d uploaded events, want 1 (a move tried again will retry); events:\n%s", n, eventLines(rig.seen))
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("still in the folder: %v", err)
	}
}
