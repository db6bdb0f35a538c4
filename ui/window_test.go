package ui

import (
	"strings"
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
