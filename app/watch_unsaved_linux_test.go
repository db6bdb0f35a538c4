package app

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestWatchMovedOnceTheFullDiskIsFreed: a file uploaded while the disk of the history is full
// stays in the folder, and is moved to Uploaded/ as soon as space is freed and its record saved,
// without the watcher starting again.
func TestWatchMovedOnceTheFullDiskIsFreed(t *testing.T) {
	r := newDiskFullRig(t, 10*time.Millisecond)
	dir := t.TempDir()
	rig := newWatchRig(t, r.queueRig, quickWatch(), dir)
	rig.start(t)
	rig.await(t, WatchWatching, "")
	path := writeRandom(t, dir, "scan.pdf", 20<<10)

	unsaved := rig.await(t, WatchUploaded, "scan.pdf")
	if unsaved.MovedTo != "" || !strings.Contains(unsaved.Reason, "disk is full") {
		t.Fatalf("event %s; want it left in the folder, the disk being full", unsaved)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("moved though its record is not saved: %v", err)
	}
	r.disk.Free()
	moved := rig.await(t, WatchMoved, "scan.pdf")
	if moved.MovedTo == "" || moved.URI != unsaved.URI {
		t.Errorf("once freed: event %s; want it moved, with the URI %s", moved, unsaved.URI)
	}
	if n := rig.count(WatchUploaded); n != 1 {
		t.Errorf("%d uploaded events, want 1; events:\n%s", n, eventLines(rig.seen))
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("still in the folder: %v", err)
	}
}
