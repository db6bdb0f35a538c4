package app

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchOneWatcherPerFolder: two watchers with histories of their own (two accounts of a
// remote-desktop host, two computers on a share) on one folder: the second says another
// Redox Uploader watches it and sends nothing, so each scan goes to Redox once; when the first
// stops, the second takes the folder over and sends what comes next.
func TestWatchOneWatcherPerFolder(t *testing.T) {
	dir := t.TempDir()
	first := newWatchRig(t, newQueueRig(t, 1), quickWatch(), dir)
	first.start(t)
	first.await(t, WatchWatching, "")
	second := newWatchRig(t, newQueueRig(t, 1), quickWatch(), dir) // another account's: its own history and stand-in
	second.start(t)
	if ev := second.await(t, WatchUnavailable, ""); !strings.Contains(ev.Reason, "Another Redox Uploader is watching this folder") {
		t.Errorf("the second watcher says %q", ev.Reason)
	}

	writeFile(t, filepath.Join(dir, "scan-1.pdf"), randomBytes(t, 100))
	first.await(t, WatchUploaded, "scan-1.pdf")
	first.stop(t)
	second.await(t, WatchWatching, "") // the folder is its own now
	writeFile(t, filepath.Join(dir, "scan-2.pdf"), randomBytes(t, 100))
	second.await(t, WatchUploaded, "scan-2.pdf")

	if a, b := len(first.server.Uploads()), len(second.server.Uploads()); a != 1 || b != 1 {
		t.Errorf("the first watcher's Redox got %d uploads, the second's %d; want each scan once: 1 and 1", a, b)
	}
}
