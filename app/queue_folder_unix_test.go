//go:build unix

package app

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFolderCountsOnlyFiles: in a dropped folder, only regular files (symbolic links to them
// followed) are files found and queued; a pipe, a link to a device and a broken link are
// counted apart as other items left out, and the note says so.
func TestFolderCountsOnlyFiles(t *testing.T) {
	r := newQueueRig(t, 2)
	dir := t.TempDir()
	writeRandom(t, dir, "1.pdf", 1000)
	target := writeRandom(t, t.TempDir(), "elsewhere.pdf", 1000)
	for name, err := range map[string]error{
		"pipe":      syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600),
		"device":    os.Symlink(os.DevNull, filepath.Join(dir, "device")),
		"broken":    os.Symlink(filepath.Join(dir, "gone.pdf"), filepath.Join(dir, "broken.pdf")),
		"link.pdf":  os.Symlink(target, filepath.Join(dir, "link.pdf")),
		"subfolder": os.Mkdir(filepath.Join(dir, "inner"), 0o700),
	} {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	sub, err := r.queue.Submit(t.Context(), r.profile, []string{dir}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Folders) != 1 {
		t.Fatalf("%d folder notes", len(sub.Folders))
	}
	note := sub.Folders[0]
	want := FolderNote{Path: dir, Files: 2, Subfolders: 1, Others: 3}
	if note != want || len(sub.IDs) != 2 {
		t.Errorf("note %+v and %d rows; want %+v and 2 rows", note, len(sub.IDs), want)
	}
	if s := note.String(); !strings.Contains(s, "2 files found") || !strings.Contains(s, "3 other items left out") {
		t.Errorf("note says %q", s)
	}
	events := r.waitFinal(t, sub.IDs...)
	for _, id := range sub.IDs {
		if e := lastEvent(events[id]); e.Kind != EventDone {
			t.Errorf("%s ended %s: %s", e.Record.Name, e.Kind, e.Record.ErrorMessage)
		}
	}
}
