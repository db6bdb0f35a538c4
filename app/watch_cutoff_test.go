package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatchNewScanAfterUnhashedCutOff: after a crash cut off an upload sent unhashed (its row
// unknown, with no SHA-256), a file of the same name and size is held only if it was not
// modified after that upload started: a scan written later under the same name is sent.
func TestWatchNewScanAfterUnhashedCutOff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		modified time.Duration // the file's modification time, from the cut-off upload's start
		want     WatchOutcome
	}{
		{name: "the file cut off", modified: -time.Minute, want: WatchHeld},
		{name: "a new scan of the same name and size", modified: time.Hour, want: WatchUploaded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			qr := newQueueRig(t, 1)
			path := filepath.Join(dir, "scan.pdf")
			data := randomBytes(t, 3000)
			writeFile(t, path, data)
			started := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
			if err := os.Chtimes(path, started.Add(tc.modified), started.Add(tc.modified)); err != nil {
				t.Fatal(err)
			}
			cut := &Record{Profile: qr.profile.Name, Source: qr.profile.SourceID(), Path: path, Name: "scan.pdf",
				Size: int64(len(data)), Status: StatusUnknown, Created: started.Add(-time.Second), Started: started,
				Finished: time.Now()}
			if err := qr.history.InsertBatch(context.Background(), []*Record{cut}); err != nil {
				t.Fatal(err)
			}

			r := newWatchRig(t, qr, quickWatch(), dir)
			r.start(t)
			r.await(t, tc.want, "scan.pdf")
			wantSent := map[WatchOutcome]int{WatchHeld: 0, WatchUploaded: 1}[tc.want]
			if n := len(qr.server.Uploads()); n != wantSent {
				t.Errorf("the stand-in stored %d uploads, want %d", n, wantSent)
			}
		})
	}
}
