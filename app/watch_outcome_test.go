package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// watchedScanSent is a watcher (not running) of a folder whose one scan it handed to the queue,
// which uploaded it; done is the row's final event, which the watcher has not heard of yet (a
// test gives it with onQueueEvent).
type watchedScanSent struct {
	qr   *queueRig
	rig  *watchRig
	f    *watchedFile
	path string
	done Event
}

func sendWatchedScan(t *testing.T) watchedScanSent {
	t.Helper()
	dir := t.TempDir()
	path := writeRandom(t, dir, "scan.pdf", 4<<10)
	qr := newQueueRig(t, 1)
	rig := watcherWithReady(t, qr, dir, false, path)
	f := rig.watcher.files[path]
	rig.watcher.submitReady(t.Context())
	if f.state != fileSubmitted {
		t.Fatalf("state %v, want submitted", f.state)
	}
	return watchedScanSent{qr: qr, rig: rig, f: f, path: path, done: lastEvent(qr.waitFinal(t, f.row)[f.row])}
}

// TestChangedAfterUploadStays: a watched file that changes after its upload ended, before the
// watcher hears of it (a scanner adding a page), is not what Redox has: it stays in the folder,
// to be sent again once it has settled, and the event still shows the first version's URI. An
// unchanged file moves to Uploaded/.
func TestChangedAfterUploadStays(t *testing.T) {
	for _, changed := range []bool{false, true} {
		t.Run(map[bool]string{false: "unchanged", true: "changed"}[changed], func(t *testing.T) {
			s := sendWatchedScan(t)
			rig, f, path, done := s.rig, s.f, s.path, s.done
			if changed {
				writeRandom(t, filepath.Dir(path), "scan.pdf", 8<<10) // page 2, before the watcher hears the upload ended
			}

			rig.watcher.onQueueEvent(done)
			_, err := os.Stat(path)
			moved := os.IsNotExist(err)
			ev := <-rig.events
			switch {
			case changed && (moved || f.state != fileSettling || ev.Outcome != WatchRetrying || ev.URI != done.Record.URI):
				t.Errorf("changed after its upload: moved %v, state %v, event %s with URI %q; want it left in the folder, "+
					"settling, and the event retrying with the first version's URI %q", moved, f.state, ev.Outcome, ev.URI, done.Record.URI)
			case !changed && (!moved || ev.Outcome != WatchUploaded):
				t.Errorf("unchanged: still in the folder (%v), event %s; want it moved to %s", err, ev.Outcome, WatchUploadedFolder)
			}
		})
	}
}

// TestMovedOnceItsRecordIsOnDisk: the history is flushed to disk (History.Flush) before an
// uploaded file is moved out of its watched folder, so a power cut cannot leave it in
// Uploaded/ with its row lost from the write-ahead log.
func TestMovedOnceItsRecordIsOnDisk(t *testing.T) {
	s := sendWatchedScan(t)
	rig, path := s.rig, s.path
	flushedInFolder := 0 // flushes of the log while the file was still in the folder
	s.qr.history.flushed = func() {
		if _, err := os.Stat(path); err == nil {
			flushedInFolder++
		}
	}

	rig.watcher.onQueueEvent(s.done)
	if ev := <-rig.events; ev.Outcome != WatchUploaded || ev.MovedTo == "" {
		t.Fatalf("event %+v, want the file uploaded and moved", ev)
	}
	if flushedInFolder != 1 {
		t.Errorf("the history's log was flushed %d times before the file was moved, want 1", flushedInFolder)
	}
}

// TestNotMovedWhileItsRecordIsUnsaved: an uploaded file whose result the history could not save
// yet (a full disk) stays in its watched folder, the event saying why and showing its URI: it
// is moved only once the record of its upload is safe, as soon as the queue says it is saved
// (EventSaved).
func TestNotMovedWhileItsRecordIsUnsaved(t *testing.T) {
	s := sendWatchedScan(t)
	rig, path, done := s.rig, s.path, s.done
	// As the queue reports an outcome it could not journal (queue_diskfull_linux_test.go).
	done.Record.NotSaved = "The file reached Redox but the history could not be saved: the disk is full."

	rig.watcher.onQueueEvent(done)
	ev := <-rig.events
	if _, err := os.Stat(path); err != nil || ev.MovedTo != "" {
		t.Errorf("the file was moved (%v, to %q) though its record is not saved", err, ev.MovedTo)
	}
	if ev.URI != done.Record.URI || !strings.HasPrefix(ev.Reason, done.Record.NotSaved) {
		t.Errorf("event %+v; want its URI and the reason the record is not saved", ev)
	}

	saved := done
	saved.Kind, saved.Record.NotSaved = EventSaved, ""
	if !actsOn(saved) {
		t.Fatalf("the watcher does not hear of %s events", saved.Kind)
	}
	rig.watcher.onQueueEvent(saved)
	select {
	case ev := <-rig.events:
		if _, err := os.Stat(path); !os.IsNotExist(err) || ev.Outcome != WatchMoved || ev.MovedTo == "" {
			t.Errorf("once saved: event %s, the file in the folder (%v); want it moved (not reported uploaded twice)", ev, err)
		}
	default:
		t.Errorf("once saved: no event; want the file moved")
	}
}

// TestFolderEventsLogNoPath: a watched folder that becomes unavailable is logged by its name
// alone, as files are: the system's error names the whole path, which may name a patient.
func TestFolderEventsLogNoPath(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "Ward 7")
	dir := filepath.Join(parent, "Smith John MRN4471")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	qr := newQueueRig(t, 1)
	var logged strings.Builder
	qr.queue.Log = slog.New(logHook(func(line slog.Record) {
		line.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&logged, "%s=%v ", a.Key, a.Value)
			return true
		})
	}))
	rig := watcherWithReady(t, qr, dir, false)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	rig.watcher.rescanFolder(rig.watcher.folders[0], time.Now())
	if ev := <-rig.events; ev.Outcome != WatchUnavailable || !strings.Contains(ev.Detail, dir) {
		t.Fatalf("event %+v, want the folder unavailable, its detail the system's error", ev)
	}
	if text := logged.String(); !strings.Contains(text, "unavailable") || strings.Contains(text, parent) {
		t.Errorf("the log says:\n%s\nwant the folder unavailable, without the path above the folder's name", text)
	}
}
