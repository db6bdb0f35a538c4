package ui

import (
	"context"
	"redoxuploader/internal/clipfiles"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
)

// queued returns the rows the Upload tab shows, read on the Fyne goroutine.
func (tu *testUI) queued() []queueItem {
	var out []queueItem
	fyne.DoAndWait(func() {
		for _, it := range tu.queue.items {
			out = append(out, *it)
		}
	})
	return out
}

// waitQueued waits until the Upload tab has n rows, all final.
func (tu *testUI) waitQueued(t *testing.T, n int) []queueItem {
	t.Helper()
	tu.waitFor(t, "the rows to finish", func() bool {
		if len(tu.queue.items) != n {
			return false
		}
		for _, it := range tu.queue.items {
			if !it.rec.Status.Final() {
				return false
			}
		}
		return true
	})
	return tu.queued()
}

func TestDropQueuesFilesAndRefusesOthers(t *testing.T) {
	tu := newTestUI(t, true)
	a, b := writeTestFile(t, "report.pdf", 3000), writeTestFile(t, "scan.png", 4000)
	web, _ := storage.ParseURI("https://example.org/scan.png")
	fyne.DoAndWait(func() {
		tu.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(a), web, storage.NewFileURI(b)})
	})

	rows := tu.waitQueued(t, 2)
	for i, name := range []string{"report.pdf", "scan.png"} {
		if rows[i].rec.Name != name || rows[i].rec.Status != app.StatusDone || !strings.HasPrefix(rows[i].rec.URI, "http://127.0.0.1:") {
			t.Errorf("row %d: %+v", i, rows[i].rec)
		}
	}
	var dialogText string
	tu.waitFor(t, "the refusal message", func() bool {
		dialogText = test.RenderToMarkup(tu.win.Canvas())
		return strings.Contains(dialogText, "Only files from this computer can be uploaded")
	})
	if !strings.Contains(dialogText, "example.org") {
		t.Errorf("the message does not name the refused item")
	}
}

func TestTooLargeNamesBothSizes(t *testing.T) {
	tu := newTestUI(t, true)
	tu.addFiles([]string{writeTestFile(t, "chart-scan.tiff", 14_889_779)})
	rows := tu.waitQueued(t, 1)
	msg := rows[0].rec.ErrorMessage
	if rows[0].rec.Status != app.StatusFailed || !strings.Contains(msg, "14.2 MB") || !strings.Contains(msg, "up to 10 MB") {
		t.Errorf("row %+v", rows[0].rec)
	}
	tu.waitFor(t, "the message on the row", func() bool {
		return strings.Contains(test.RenderToMarkup(tu.win.Canvas()), "Too large: 14.2 MB")
	})
}

func TestQueueCopyURI(t *testing.T) {
	tu := newTestUI(t, true)
	tu.addFiles([]string{writeTestFile(t, "lab.pdf", 2000)})
	rows := tu.waitQueued(t, 1)
	var got string
	fyne.DoAndWait(func() {
		row := newQueueRow(tu.queue)
		row.show(tu.queue.items[0])
		test.Tap(row.copy)
		got = tu.app.Clipboard().Content()
	})
	if got != rows[0].rec.URI || got == "" {
		t.Errorf("clipboard %q, want exactly %q", got, rows[0].rec.URI)
	}
}

func TestAddFilesShortcutUsesPicker(t *testing.T) {
	tu := newTestUI(t, true)
	tu.openPath = writeTestFile(t, "picked.pdf", 500)
	fyne.DoAndWait(tu.onAddFiles)
	if rows := tu.waitQueued(t, 1); rows[0].rec.Name != "picked.pdf" {
		t.Errorf("row %+v", rows[0].rec)
	}
}

func TestFirstRunShowsWelcome(t *testing.T) {
	tu := newTestUI(t, false)
	markup := ""
	fyne.DoAndWait(func() { markup = test.RenderToMarkup(tu.win.Canvas()) })
	for _, want := range []string{"Welcome to Redox Uploader", "Try the sandbox", "Add a Redox source"} {
		if !strings.Contains(markup, want) {
			t.Errorf("first-run screen lacks %q", want)
		}
	}
}

func TestProductionIsMarked(t *testing.T) {
	p := app.NewProfile("Main hospital")
	p.Environment, p.APIKey = app.EnvProduction, "key"
	tu := newTestUI(t, false, p)
	markup := ""
	fyne.DoAndWait(func() { markup = test.RenderToMarkup(tu.win.Canvas()) })
	if !strings.Contains(markup, "PRODUCTION · real patient data") || !strings.Contains(markup, "Main hospital — PRODUCTION") {
		t.Errorf("a Production source is not marked:\n%s", markup)
	}
}

func TestCopyDiagnostics(t *testing.T) {
	p := app.NewProfile("Main hospital")
	p.APIKey = "public-key-id"
	tu := newTestUI(t, false, p)
	if err := tu.core.Secrets.SetSecret(p, "canary-diag-secret"); err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(tu.onCopyDiagnostics)
	var text string
	tu.waitFor(t, "the diagnostics", func() bool {
		text = tu.app.Clipboard().Content()
		return strings.Contains(text, "Main hospital")
	})
	if strings.Contains(text, "canary-diag-secret") {
		t.Error("the diagnostics contain the secret")
	}
}

func TestShortcutsDoNothingBehindADialog(t *testing.T) {
	scan := writeTestFile(t, "Smith John discharge.pdf", 3000)
	tu := pasteTestUI(t, clipfiles.Content{Files: []string{scan}}, nil)
	var reads atomic.Int32
	read := tu.paste.read
	tu.paste.read = func(ctx context.Context) (clipfiles.Content, error) {
		reads.Add(1)
		return read(ctx)
	}
	tu.showMessage("A question", "Something the user is reading.")
	tu.waitText(t, "Something the user is reading.")

	tu.pressShortcut(&fyne.ShortcutPaste{})
	tu.pressShortcut(ctrl(fyne.KeyO))
	fyne.DoAndWait(func() {}) // anything the shortcuts started on the Fyne goroutine has run
	if n := reads.Load(); n != 0 {
		t.Fatalf("Ctrl+V behind a dialog read the clipboard %d time(s)", n)
	}
	if tu.openCalls.Load() != 0 {
		t.Fatal("Ctrl+O behind a dialog opened the file picker")
	}

	fyne.DoAndWait(func() { tu.win.Canvas().Overlays().Top().Hide() })
	tu.pressShortcut(&fyne.ShortcutPaste{})
	if rows := tu.waitQueued(t, 1); rows[0].rec.Name != "Smith John discharge.pdf" {
		t.Errorf("Ctrl+V with no dialog open queued %+v", rows[0].rec)
	}
	if n := reads.Load(); n != 1 { // a paste behind the dialog would have read it first
		t.Errorf("the clipboard was read %d times; want once, for the Ctrl+V with no dialog open", n)
	}
}

// TestEditMenuLeavesTextShortcutsToTextFields: Fyne's desktop driver runs a main menu item's
// shortcut before the focused text field's, so a menu item holding Ctrl+V (or Ctrl+C, X, A)
// takes it from every field: a secret could not be pasted, and the file on the clipboard was
// sent instead.
func TestEditMenuLeavesTextShortcutsToTextFields(t *testing.T) {
	tu := newTestUI(t, true)
	var menus []*fyne.Menu
	fyne.DoAndWait(func() { menus = tu.win.MainMenu().Items })
	for _, m := range menus {
		for _, it := range m.Items {
			switch it.Shortcut.(type) {
			case *fyne.ShortcutPaste, *fyne.ShortcutCopy, *fyne.ShortcutCut, *fyne.ShortcutSelectAll:
				t.Errorf("menu item %s → %s holds %s, which text fields need", m.Label, it.Label, it.Shortcut.ShortcutName())
			}
		}
	}
}
