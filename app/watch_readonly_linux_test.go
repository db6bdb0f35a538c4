package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"redoxuploader/internal/smalldisk"
)

// TestWatchReadOnlyFolder: a folder on a read-only disk is known as read-only as soon as it is
// watched, before a file is sent; its file is uploaded once and stays where it is; and after a
// restart it is kept, not sent again and not given a new history row, even when the
// retention purge deleted its upload's row in between. A writable folder watched alongside is
// not called read-only.
func TestWatchReadOnlyFolder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		purge bool // the history's rows are purged between the two runs
	}{
		{name: "history kept"},
		{name: "history purged", purge: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			disk := smalldisk.Mount(t, "1m")
			scan := filepath.Join(disk.Dir, "scan.pdf")
			writeFile(t, scan, []byte("a scan on a share IT made read-only"))
			disk.ReadOnly()
			writable := t.TempDir()
			qr := newQueueRig(t, 2)

			first := newWatchRig(t, qr, quickWatch(), disk.Dir, writable)
			first.start(t)
			first.await(t, WatchWatching, "")
			first.await(t, WatchWatching, "")
			readOnly := map[string]bool{}
			for _, f := range first.watcher.Status().Folders {
				readOnly[f.Path] = f.ReadOnly
			}
			if !readOnly[disk.Dir] || readOnly[writable] {
				t.Fatalf("read-only by folder before any file was sent: %v; want only the read-only disk", readOnly)
			}
			up := first.await(t, WatchUploaded, "scan.pdf")
			if up.MovedTo != "" || !strings.Contains(up.Reason, "read-only") {
				t.Errorf("uploaded: moved to %q, reason %q; want it left in place, saying the folder is read-only", up.MovedTo, up.Reason)
			}
			first.stop(t)

			wantRows, wantRow := 1, up.Row
			if tc.purge {
				if n, err := qr.history.Purge(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 1 {
					t.Fatalf("Purge = %d, %v; want the upload's row deleted", n, err)
				}
				wantRows, wantRow = 0, 0
			}

			again := newWatchRig(t, qr, quickWatch(), disk.Dir)
			again.start(t)
			kept := again.await(t, WatchKept, "scan.pdf")
			if kept.Row != wantRow {
				t.Errorf("kept names row %d, want %d", kept.Row, wantRow)
			}
			again.stop(t)
			if n := len(qr.server.Uploads()); n != 1 {
				t.Errorf("the stand-in stored %d uploads, want 1", n)
			}
			rows, err := qr.history.Search(context.Background(), Query{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != wantRows {
				t.Errorf("the history has %d rows, want %d: a kept file gets no new row at each start", len(rows), wantRows)
			}
		})
	}
}
