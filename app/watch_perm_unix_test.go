//go:build unix

package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"redoxuploader/client/redoxtest"
)

// TestWatchSubfoldersTakeTheFolderPermissions: Uploaded/, its day's folder, Failed/ and the why
// file take the watched folder's own permission bits (a share's group may write it), the umask
// applying, so that a clerk of the group can move or delete what the watcher put there.
func TestWatchSubfoldersTakeTheFolderPermissions(t *testing.T) {
	qr := newQueueRig(t, 1)     // its history's folder made before the umask changes: it must be the user's alone
	old := syscall.Umask(0o022) // a desktop's usual umask, which would take the group's write away
	t.Cleanup(func() { syscall.Umask(old) })
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o775); err != nil {
		t.Fatal(err)
	}
	qr.server.Script(redoxtest.Fault{Status: 413}) // the first upload, refused for good
	r := newWatchRig(t, qr, quickWatch(), dir)
	r.start(t)
	r.await(t, WatchWatching, "")
	writeFile(t, filepath.Join(dir, "refused.pdf"), randomBytes(t, 100))
	failed := r.await(t, WatchFailed, "refused.pdf")
	writeFile(t, filepath.Join(dir, "sent.pdf"), randomBytes(t, 200))
	r.await(t, WatchUploaded, "sent.pdf")

	for _, tc := range []struct {
		path string
		want fs.FileMode
	}{
		{filepath.Join(dir, WatchUploadedFolder), 0o775},
		{uploadedFolder(dir, time.Now()), 0o775},
		{filepath.Join(dir, WatchFailedFolder), 0o775},
		{failed.MovedTo + ".why.txt", 0o664},
	} {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Error(err)
			continue
		}
		if got := fi.Mode().Perm(); got != tc.want {
			t.Errorf("%s: permissions %v, want %v (the watched folder's, %v)", filepath.Base(tc.path), got, tc.want, fs.FileMode(0o775))
		}
	}
}
