package ui

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// rtlName reads "rtlexe.pdf" on screen when shown raw: the right-to-left override turns the
// end around.
const rtlName = "rtl\u202efdp.exe"

// TestQueueRowShowsHiddenCharacters: the queue row shows the name escaped; Copy URI still
// copies the true URI, and the status line names the file escaped.
func TestQueueRowShowsHiddenCharacters(t *testing.T) {
	tu := newTestUI(t, true)
	tu.addFiles([]string{writeTestFile(t, rtlName, 2000)})
	rows := tu.waitQueued(t, 1)
	var name, status, clip string
	fyne.DoAndWait(func() {
		row := newQueueRow(tu.queue)
		row.show(tu.queue.items[0])
		name = row.name.Text
		test.Tap(row.copy)
		clip, status = tu.app.Clipboard().Content(), tu.status.Text
	})
	if name != "rtl<U+202E>fdp.exe" {
		t.Errorf("the row shows %q", name)
	}
	if clip != rows[0].rec.URI || status != "The URI of rtl<U+202E>fdp.exe copied." {
		t.Errorf("clipboard %q, status %q", clip, status)
	}
}

// TestHistoryShowsHiddenCharacters: the history's cells, its details and the source filter
// show names escaped; the filter still finds the source by its true name.
func TestHistoryShowsHiddenCharacters(t *testing.T) {
	tu := newHistoryTest(t)
	const source = "Cardio\u200blogy"
	rec := app.Record{Name: rtlName, Path: "/clinic/" + rtlName, Profile: source, Source: "legacy:K\u2066@h",
		URI: "https://blob.redoxengine.com/a\u200db", Status: app.StatusFailed, ErrorMessage: rtlName + " could not be read."}
	insertRecords(t, tu, rec, app.Record{Name: "other.pdf"})

	text := detailsText(rec)
	for _, want := range []string{"File: rtl<U+202E>fdp.exe", "Path: /clinic/rtl<U+202E>fdp.exe", "Source: Cardio<U+200B>logy",
		"Source identity: legacy:K<U+2066>@h", "URI: https://blob.redoxengine.com/a<U+200D>b", "Error: rtl<U+202E>fdp.exe could not be read."} {
		if !strings.Contains(text, want) {
			t.Errorf("details lack %q:\n%s", want, text)
		}
	}
	if strings.IndexFunc(text, func(r rune) bool { return r != '\n' && visible.Hidden(r) }) >= 0 {
		t.Errorf("details hold a hidden character:\n%s", text)
	}

	// A source with such a name, in a hand-edited settings file (Validate refuses it).
	p := app.NewProfile(source)
	p.APIKey = "key"
	data, _ := json.Marshal(map[string]any{"profiles": []app.Profile{p}})
	if err := os.WriteFile(tu.core.Paths.SettingsFile(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	tu.showHistory(t)
	tu.history.loadSources(context.Background())
	tu.waitView(t, "the source filter", func(v *historyView) bool { return slices.Contains(v.source.Options, "Cardio<U+200B>logy") })
	tu.onView(func(v *historyView) {
		row := v.createRow()
		cells := row.(*fyne.Container).Objects
		v.updateRow(1, row) // the failed row
		for col, want := range map[int]string{colName: "rtl<U+202E>fdp.exe", colSource: "Cardio<U+200B>logy",
			colURI: "https://blob.redoxengine.com/a<U+200D>b"} {
			if got := cellText(cells[col]); got != want {
				t.Errorf("column %d shows %q, want %q", col, got, want)
			}
		}
	})
	tu.setFilter(t, func(v *historyView) { v.source.SetSelected("Cardio<U+200B>logy") })
	if got := tu.shownNames(); !slices.Equal(got, []string{rtlName}) {
		t.Errorf("the filter on the escaped source shows %q, want the one row of the true source", got)
	}
}

func TestSourceLabelShowsHiddenCharacters(t *testing.T) {
	p := app.NewProfile("Main\u202e")
	p.Environment = app.EnvProduction
	if got := label(p); got != "Main<U+202E> — PRODUCTION" {
		t.Errorf("label = %q", got)
	}
}

func TestSnippetEscapesHiddenCharacters(t *testing.T) {
	s := mediaSnippet(app.Record{Name: rtlName, URI: "https://blob.redoxengine.com/x", MIME: "application/octet-stream"})
	if !strings.Contains(s, `rtl\u202efdp.exe`) || strings.IndexFunc(s, func(r rune) bool { return r != '\n' && visible.Hidden(r) }) >= 0 {
		t.Errorf("snippet:\n%s", s)
	}
	var m struct{ Media struct{ FileName string } }
	if err := json.Unmarshal([]byte(s), &m); err != nil || m.Media.FileName != rtlName {
		t.Errorf("the snippet decodes to %q (%v), want the true name", m.Media.FileName, err)
	}
}
