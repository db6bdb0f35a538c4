package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMoveIntoMovedAway: a file another program moved out of the folder first (another watcher
// of it, into Uploaded/ under the same name) is errMovedAway, not a move to "name (2)" that
// fails; nothing is created.
func TestMoveIntoMovedAway(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "scan.pdf")
	dest := uploadedFolder(dir, time.Now())
	writeFile(t, src, []byte("scanned once"))
	if _, err := moveInto(src, dest, 0o750); err != nil { // the other watcher
		t.Fatal(err)
	}
	if got, err := moveInto(src, dest, 0o750); !errors.Is(err, errMovedAway) {
		t.Errorf("moveInto of a file moved away: %q, %v; want errMovedAway", got, err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 1 {
		t.Errorf("%s holds %d entries, want the one the other watcher moved", dest, len(entries))
	}
}

// TestUploadedFileMovedAwayFirst: an uploaded file that another watcher of the folder moved
// out first is reported uploaded, saying another program had moved it already, and forgotten;
// not "move it yourself".
func TestUploadedFileMovedAwayFirst(t *testing.T) {
	s := sendWatchedScan(t)
	rig, path := s.rig, s.path
	if _, err := moveInto(path, uploadedFolder(filepath.Dir(path), time.Now()), 0o750); err != nil { // the other watcher
		t.Fatal(err)
	}
	rig.watcher.onQueueEvent(s.done)
	ev := <-rig.events
	if ev.Outcome != WatchUploaded || ev.URI != s.done.Record.URI || !strings.Contains(ev.Reason, "already moved it out") ||
		strings.Contains(ev.Reason, "yourself") {
		t.Errorf("event %s; want uploaded with its URI, saying another program had already moved it", ev)
	}
	if _, known := rig.watcher.files[path]; known {
		t.Errorf("the watcher still knows the file")
	}
}
