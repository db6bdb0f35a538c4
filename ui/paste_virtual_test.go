package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"redoxuploader/app"
	"redoxuploader/internal/clipfiles"
)

// A paste of virtual files (the Windows reader saves Outlook attachments in the paste folder
// and lists them in Made): they are uploaded under their names and removed once done, with
// their folder; a file pasted that the reader did not make is never removed.
func TestPastedVirtualFilesRemovedOnceUploaded(t *testing.T) {
	tu := pasteTestUI(t, clipfiles.Content{}, nil)
	folder := filepath.Join(tu.paste.dir, "files-1")
	if err := os.MkdirAll(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	made := filepath.Join(folder, "Überweisung Müller.pdf")
	if err := os.WriteFile(made, []byte("an attachment's bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	saved := writeTestFile(t, "Saved report.pdf", 3000)
	tu.paste.read = func(context.Context) (clipfiles.Content, error) {
		return clipfiles.Content{Files: []string{made, saved}, Made: []string{made}}, nil
	}
	fyne.DoAndWait(tu.onPaste)
	rows := tu.waitQueued(t, 2)
	for i, name := range []string{"Überweisung Müller.pdf", "Saved report.pdf"} {
		if rows[i].rec.Name != name || rows[i].rec.Status != app.StatusDone {
			t.Errorf("row %d: %+v, want %q uploaded", i, rows[i].rec, name)
		}
	}
	tu.waitFor(t, "the uploaded attachment and its folder removed", func() bool {
		_, err := os.Stat(folder)
		return errors.Is(err, os.ErrNotExist)
	})
	if _, err := os.Stat(saved); err != nil {
		t.Errorf("a pasted file the app did not make was touched: %v", err)
	}
}
