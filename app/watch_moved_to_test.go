package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWatchSaysWhereItMovedTheFile: the line of an uploaded file says where in its folder it was
// moved to (a second scan of a name goes to "scan (2).pdf"), and so does the log, without the
// path above the watched folder.
func TestWatchSaysWhereItMovedTheFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Smith John MRN4471")
	qr := newQueueRig(t, 1)
	var (
		mu     sync.Mutex // the queue's workers log too
		logged strings.Builder
	)
	qr.queue.Log = slog.New(logHook(func(line slog.Record) {
		mu.Lock()
		defer mu.Unlock()
		line.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&logged, "%s=%v ", a.Key, a.Value)
			return true
		})
	}))
	path := writeRandom(t, mkdirAll(t, dir), "scan.pdf", 1000)
	if _, err := moveInto(path, uploadedFolder(dir, time.Now()), 0o750); err != nil { // the first scan
		t.Fatal(err)
	}
	writeRandom(t, dir, "scan.pdf", 2000)
	r := newWatchRig(t, qr, quickWatch(), dir)
	r.start(t)
	ev := r.await(t, WatchUploaded, "scan.pdf")
	r.stop(t)
	mu.Lock()
	defer mu.Unlock()

	want := filepath.Join(WatchUploadedFolder, time.Now().Format("2006-01-02"), "scan (2).pdf")
	if line := ev.String(); !strings.Contains(line, "  → "+want) || strings.Contains(line, dir) {
		t.Errorf("the line says %q; want it to end in → %s, without the folder's path", line, want)
	}
	if text := logged.String(); !strings.Contains(text, "moved_to="+want) || strings.Contains(text, dir) {
		t.Errorf("the log says:\n%s\nwant moved_to=%s, without the folder's path", text, want)
	}
}

func mkdirAll(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
