package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestAddAFolderQueuesItsFiles: the Upload tab's "Add a folder…" asks for a folder and queues
// the files directly inside it, as a drop of the folder does; "Add a file…" beside it opens the
// file picker.
func TestAddAFolderQueuesItsFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"Scan 1.pdf", "Scan 2.pdf", filepath.Join("older", "Scan 0.pdf")} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("scan "+name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tu := newTestUI(t, true)
	var asked []string
	tu.pickFolder = func(title string) (string, error) {
		asked = append(asked, title)
		return dir, nil
	}
	var addFile, addFolder *widget.Button
	fyne.DoAndWait(func() {
		addFile, addFolder = findButton(tu.queue.empty, addFileLabel), findButton(tu.queue.empty, addFolderLabel)
	})
	if addFile == nil || addFolder == nil {
		t.Fatalf("the Upload tab has no %q and %q buttons", addFileLabel, addFolderLabel)
	}

	fyne.DoAndWait(func() { test.Tap(addFolder) })
	rows := tu.waitQueued(t, 2)
	var names []string
	for _, r := range rows {
		names = append(names, r.rec.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Scan 1.pdf", "Scan 2.pdf"}) || len(asked) != 1 {
		t.Errorf("Add a folder asked %d time(s) and queued %q, want the two files directly in the folder", len(asked), names)
	}

	fyne.DoAndWait(func() { test.Tap(addFile) })
	tu.waitFor(t, "Add a file to open the file picker", func() bool { return tu.openCalls.Load() == 1 })
}
