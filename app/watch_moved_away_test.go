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

// TestUploadedFileMovedAwayFirst: an uploaded file (or one found already uploaded) that another
// watcher of the folder moved out first is reported so, saying another program had moved it
// already, in one sentence after the other, and forgotten; not "move it yourself".
func TestUploadedFileMovedAwayFirst(t *testing.T) {
	for _, status := range []Status{StatusDone, StatusDuplicate} {
		t.Run(string(status), func(t *testing.T) { testUploadedFileMovedAwayFirst(t, status) })
	}
}

func testUploadedFileMovedAwayFirst(t *testing.T, status Status) {
	s := sendWatchedScan(t)
	s.done.Record.Status = status
	rig, path := s.rig, s.path
	if _, err := moveInto(path, uploadedFolder(filepath.Dir(path), time.Now()), 0o750); err != nil { // the other watcher
		t.Fatal(err)
	}
	rig.watcher.onQueueEvent(s.done)
	ev := <-rig.events
	want := map[Status]WatchOutcome{StatusDone: WatchUploaded, StatusDuplicate: WatchDuplicate}[status]
	if ev.Outcome != want || ev.URI != s.done.Record.URI || !strings.Contains(ev.Reason, "already moved it out") ||
		strings.Contains(ev.Reason, "yourself") || strings.Contains(ev.Reason, "  ") {
		t.Errorf("event %s; want %s with its URI, saying another program had already moved it", ev, want)
	}
	if _, known := rig.watcher.files[path]; known {
		t.Errorf("the watcher still knows the file")
	}
}

func TestJoinSentences(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"", "", ""},
		{"One.", "", "One."},
		{"", "Two.", "Two."},
		{"One.", "Two.", "One. Two."},
	} {
		if got := joinSentences(tc.a, tc.b); got != tc.want {
			t.Errorf("joinSentences(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}
