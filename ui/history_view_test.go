package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"redoxuploader/app"
)

// newHistoryTest builds the history view alone in a test window, over a real core in a temp
// folder on the built-in sandbox, and feeds it the queue's finished rows as the window does.
//
// It does not use newTestUI, which builds the whole window: here only the view's own
// goroutines run while the test looks at it.
func newHistoryTest(t *testing.T) *testUI {
	t.Helper()
	keyring.MockInit()
	a := newTestApp(t)
	core, err := app.Open(app.PathsIn(t.TempDir()), app.Options{KeychainService: "redox-uploader-ui-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		core.Close(ctx)
	})
	tu := &testUI{core: core}
	u := &UI{app: a, core: core, dialogs: tu.dialogs(), bg: newBackground()}
	u.paste = newPaster(u) // shutdown clears its folder
	tu.UI = u
	fyne.DoAndWait(func() {
		u.status, u.win = &widget.Label{}, a.NewWindow("Redox Uploader")
		u.history = newHistoryView(u)
		u.win.SetContent(container.NewBorder(nil, u.status, nil, nil, u.history.content()))
		u.win.Resize(fyne.NewSize(980, 640))
	})

	sub := core.Queue.Subscribe()
	go func() {
		for e := range sub.C {
			if e.Final() {
				u.history.recordChanged(e.Record)
			}
		}
	}()
	t.Cleanup(func() {
		sub.Close()
		tu.waitView(t, "the history view to settle", (*historyView).idle)
		if !u.shutdown() {
			t.Errorf("%d goroutine(s) of the history view still running", u.bg.running.Load())
		}
	})
	return tu
}

// onView runs fn on the Fyne goroutine (uiLoop), where the view's own callbacks run.
func (tu *testUI) onView(fn func(v *historyView)) {
	v := tu.history
	fyne.DoAndWait(func() { fn(v) })
}

// waitView waits until cond holds for the history view.
func (tu *testUI) waitView(t testing.TB, what string, cond func(v *historyView) bool) {
	t.Helper()
	v := tu.history
	tu.waitFor(t, what, func() bool { return cond(v) })
}

// idle reports whether the view has nothing under way.
func (v *historyView) idle() bool {
	return !v.loading && !v.counting && !v.changed.isDue() && !v.exporting && v.searchTimer == nil
}

// settled reports whether the view has run a query and has nothing under way.
func (v *historyView) settled() bool { return v.gen > 0 && v.idle() }

// showHistory lays the view out, as a window on screen would, and loads it as opening the
// History tab does.
func (tu *testUI) showHistory(t *testing.T) {
	t.Helper()
	gen := 0
	tu.onView(func(v *historyView) {
		gen = v.gen
		test.RenderToMarkup(tu.win.Canvas())
	})
	tu.history.reload()
	tu.waitView(t, "the history to load", func(v *historyView) bool { return v.gen > gen && v.settled() })
}

// setFilter changes the filters through their widgets and waits for the answer.
func (tu *testUI) setFilter(t *testing.T, change func(v *historyView)) {
	t.Helper()
	gen := 0
	tu.onView(func(v *historyView) {
		gen = v.gen
		change(v)
	})
	tu.waitView(t, "the filtered history", func(v *historyView) bool { return v.gen > gen && v.settled() })
}

// shownNames are the file names of the rows the view holds, in order.
func (tu *testUI) shownNames() []string {
	var names []string
	tu.onView(func(v *historyView) {
		for _, r := range v.rows {
			names = append(names, r.Name)
		}
	})
	return names
}

// selectRow selects the row with this ID as a click would.
func (tu *testUI) selectRow(t *testing.T, id int64) {
	t.Helper()
	tu.waitView(t, fmt.Sprintf("row %d to be shown", id), func(v *historyView) bool {
		_, ok := v.indexOf(id)
		return ok
	})
	tu.onView(func(v *historyView) {
		i, _ := v.indexOf(id)
		v.list.Select(i)
	})
}

// insertRecords journals records straight into the history, oldest first, and returns them
// with their IDs.
func insertRecords(t testing.TB, tu *testUI, recs ...app.Record) []app.Record {
	t.Helper()
	for i := range recs {
		r := &recs[i]
		if r.Status == "" {
			r.Status = app.StatusDone
		}
		if r.Profile == "" {
			r.Profile = app.SandboxProfileName
		}
		if r.Path == "" {
			r.Path = filepath.Join("/clinic/scans", r.Name)
		}
		if r.Created.IsZero() {
			r.Created = time.Now()
		}
		if err := tu.core.History.Insert(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return recs
}

// manyRecords are n done rows named file-0000.pdf upwards.
func manyRecords(n int) []app.Record {
	recs := make([]app.Record, n)
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	for i := range recs {
		recs[i] = app.Record{Name: fmt.Sprintf("file-%04d.pdf", i), Size: int64(1000 + i), Source: "sandbox",
			URI: fmt.Sprintf("https://blob.redoxengine.com/%08d", i), Created: start.Add(time.Duration(i) * time.Minute)}
	}
	return recs
}

func TestHistoryNewestFirstAndPaging(t *testing.T) {
	tu := newHistoryTest(t)
	recs := insertRecords(t, tu, manyRecords(1000)...)
	tu.showHistory(t)

	// Building and showing the view reads one page, newest first.
	tu.onView(func(v *historyView) {
		if len(v.rows) != historyPage || v.rows[0].ID != recs[len(recs)-1].ID || v.rows[1].ID != recs[len(recs)-2].ID {
			t.Fatalf("after opening: %d rows, first %d; want %d rows from %d", len(v.rows), v.rows[0].ID, historyPage, recs[len(recs)-1].ID)
		}
		if got := v.count.Text; got != "1,000 uploads" {
			t.Errorf("count label = %q", got)
		}
	})

	// Scrolling to the end reads the next page until there is none.
	for pages := 1; ; pages++ {
		if pages > len(recs)/historyPage+1 {
			t.Fatal("paging does not stop")
		}
		n, done := 0, false
		tu.onView(func(v *historyView) {
			v.list.ScrollToBottom()
			n, done = len(v.rows), v.exhausted
		})
		if done {
			break
		}
		tu.waitView(t, "the next page", func(v *historyView) bool {
			return v.settled() && (len(v.rows) > n || v.exhausted)
		})
	}
	tu.onView(func(v *historyView) {
		if len(v.rows) != len(recs) {
			t.Errorf("%d rows after scrolling to the end, want %d", len(v.rows), len(recs))
		}
		seen := map[int64]bool{}
		for i, r := range v.rows {
			if seen[r.ID] {
				t.Errorf("row %d appears twice", r.ID)
			}
			seen[r.ID] = true
			if i > 0 && r.ID >= v.rows[i-1].ID {
				t.Errorf("row %d (%d) is not older than the row before it (%d)", i, r.ID, v.rows[i-1].ID)
			}
		}
		for _, r := range recs {
			if !seen[r.ID] {
				t.Errorf("row %d never appeared", r.ID)
			}
		}
	})
}

func TestHistorySearch(t *testing.T) {
	tu := newHistoryTest(t)
	insertRecords(t, tu,
		app.Record{Name: "discharge-summary.pdf", URI: "https://blob.redoxengine.com/aaa111", SHA256: strings.Repeat("a1", 32)},
		app.Record{Name: "consent-form.png", URI: "https://blob.redoxengine.com/bbb222", SHA256: strings.Repeat("b2", 32)},
		app.Record{Name: "xray.tiff", Status: app.StatusFailed, ErrorMessage: "Redox refused it", SHA256: "ffee" + strings.Repeat("c3", 30)},
	)
	tu.showHistory(t)
	all := []string{"xray.tiff", "consent-form.png", "discharge-summary.pdf"}
	tests := []struct {
		name, text string
		want       []string
	}{
		{"name", "summary", []string{"discharge-summary.pdf"}},
		{"URI", "bbb222", []string{"consent-form.png"}},
		{"hash", "ffeec3c3", []string{"xray.tiff"}},
		{"any case", "CONSENT", []string{"consent-form.png"}},
		{"short text", "ng", []string{"consent-form.png", "discharge-summary.pdf"}},
		{"no match", "nothing-like-this", nil},
		{"cleared", "", all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tu.setFilter(t, func(v *historyView) { v.search.SetText(tt.text) })
			if got := tu.shownNames(); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	// Typing runs one search, after the pause, for the whole text.
	tu.setFilter(t, func(v *historyView) { test.Type(v.search, "xray") })
	if got := tu.shownNames(); !slices.Equal(got, []string{"xray.tiff"}) {
		t.Errorf("typing 'xray' shows %q", got)
	}
}

func TestHistoryFilters(t *testing.T) {
	tu := newHistoryTest(t)
	old := time.Now().AddDate(0, 0, -10)
	insertRecords(t, tu,
		app.Record{Name: "done.pdf", URI: "https://blob.redoxengine.com/1"},
		app.Record{Name: "failed.pdf", Status: app.StatusFailed, ErrorMessage: "Too large"},
		app.Record{Name: "unknown.pdf", Status: app.StatusUnknown, ErrorMessage: "The app closed while this file was being sent."},
		app.Record{Name: "interrupted.pdf", Status: app.StatusInterrupted, ErrorMessage: "The app closed before this file was sent."},
		app.Record{Name: "duplicate.pdf", Status: app.StatusDuplicate, URI: "https://blob.redoxengine.com/1"},
		app.Record{Name: "cancelled.pdf", Status: app.StatusCancelled},
		app.Record{Name: "cli.pdf", Profile: cliProfileName, URI: "https://blob.redoxengine.com/2"},
		app.Record{Name: "old.pdf", URI: "https://blob.redoxengine.com/3", Created: old},
	)
	tu.showHistory(t)
	tests := []struct {
		status, source, period string
		want                   []string
	}{
		{"Needs attention", allSources, allTime, []string{"interrupted.pdf", "unknown.pdf"}},
		{"Done", allSources, allTime, []string{"old.pdf", "cli.pdf", "done.pdf"}},
		{"Failed", allSources, allTime, []string{"failed.pdf"}},
		{"Duplicates", allSources, allTime, []string{"duplicate.pdf"}},
		{"Cancelled", allSources, allTime, []string{"cancelled.pdf"}},
		{"Done", cliProfileName, allTime, []string{"cli.pdf"}},
		{"Done", allSources, "Last 7 days", []string{"cli.pdf", "done.pdf"}},
		{"Done", allSources, "Last 30 days", []string{"old.pdf", "cli.pdf", "done.pdf"}},
		{allStatuses, app.SandboxProfileName, "Today", []string{"cancelled.pdf", "duplicate.pdf", "interrupted.pdf", "unknown.pdf", "failed.pdf", "done.pdf"}},
	}
	for _, tt := range tests {
		t.Run(tt.status+"/"+tt.source+"/"+tt.period, func(t *testing.T) {
			tu.setFilter(t, func(v *historyView) {
				v.period.SetSelected(tt.period)
				v.source.SetSelected(tt.source)
				v.status.SetSelected(tt.status)
				v.runQuery() // in case none of them changed
			})
			if got := tu.shownNames(); !slices.Equal(got, tt.want) {
				t.Errorf("shows %q, want %q", got, tt.want)
			}
			tu.onView(func(v *historyView) {
				if want := uploadsText(len(tt.want)); v.count.Text != want {
					t.Errorf("count label = %q, want %q", v.count.Text, want)
				}
			})
		})
	}
}

func TestHistoryRowsSayWhatHappened(t *testing.T) {
	tu := newHistoryTest(t)
	insertRecords(t, tu,
		app.Record{Name: "unknown.pdf", Status: app.StatusUnknown, ErrorMessage: "The app closed while this file was being sent. Redox may or may not have it."},
		app.Record{Name: "done.pdf", URI: "https://blob.redoxengine.com/abc"},
	)
	tu.showHistory(t)
	tu.onView(func(v *historyView) {
		row := v.createRow()
		cells := row.(*fyne.Container).Objects
		v.updateRow(1, row) // unknown.pdf
		status, uri := cells[colStatus].(*widget.Label), cells[colURI].(*widget.Label)
		if status.Importance != widget.WarningImportance || !strings.Contains(status.Text, "app closed mid-send") ||
			!strings.Contains(uri.Text, "may or may not have it") || cells[colIcon].(*widget.Icon).Resource == nil {
			t.Errorf("unknown row: status %q (importance %v), message %q", status.Text, status.Importance, uri.Text)
		}
		v.updateRow(0, row) // done.pdf
		if status.Text != "Done" || uri.Text != "https://blob.redoxengine.com/abc" || status.Importance == widget.WarningImportance {
			t.Errorf("done row: status %q, URI %q", status.Text, uri.Text)
		}
		if name := cellText(cells[colName]); name != "done.pdf" {
			t.Errorf("name cell = %q", name)
		}
	})
}

func TestHistoryCopy(t *testing.T) {
	tu := newHistoryTest(t)
	const uri = "https://blob.redoxengine.com/5d6c0b1e-7f0a-4b9e-9c1a-1d2e3f405060"
	recs := insertRecords(t, tu,
		app.Record{Name: "failed.pdf", Status: app.StatusFailed, ErrorMessage: "Redox refused it"},
		app.Record{Name: "discharge summary.pdf", URI: uri, MIME: "application/pdf"},
	)
	tu.showHistory(t)
	clipboard := tu.app.Clipboard()

	tu.selectRow(t, recs[1].ID)
	tu.onView(func(v *historyView) {
		for _, b := range []*widget.Button{v.copyURI, v.copyMedia, v.copyResults, v.resend, v.details} {
			if b.Disabled() {
				t.Errorf("%q is disabled for a done row", b.Text)
			}
		}
		v.copySelectedURI()
	})
	if got := clipboard.Content(); got != uri {
		t.Errorf("Copy URI put %q on the clipboard, want exactly %q", got, uri)
	}

	tu.onView(func(v *historyView) { test.Tap(v.copyMedia) })
	var media struct {
		Media struct{ FileType, FileName, FileContents string }
	}
	if err := json.Unmarshal([]byte(clipboard.Content()), &media); err != nil {
		t.Fatalf("Media JSON is not JSON: %v\n%s", err, clipboard.Content())
	}
	if media.Media.FileContents != uri || media.Media.FileType != "PDF" || media.Media.FileName != "discharge summary.pdf" {
		t.Errorf("Media JSON = %+v", media.Media)
	}

	tu.onView(func(v *historyView) { test.Tap(v.copyResults) })
	var results struct {
		Orders []struct {
			Results []struct{ Value, ValueType, FileType string }
		}
	}
	if err := json.Unmarshal([]byte(clipboard.Content()), &results); err != nil {
		t.Fatalf("Results JSON is not JSON: %v\n%s", err, clipboard.Content())
	}
	if len(results.Orders) != 1 || len(results.Orders[0].Results) != 1 ||
		results.Orders[0].Results[0].Value != uri || results.Orders[0].Results[0].ValueType != "Encapsulated Data" {
		t.Errorf("Results JSON = %+v", results)
	}

	// Ctrl+F puts the cursor in the search box.
	tu.onView(func(v *historyView) {
		v.focusSearch()
		if tu.win.Canvas().Focused() != v.search {
			t.Errorf("focusSearch focused %v", tu.win.Canvas().Focused())
		}
	})

	// A failed row has no URI: the copy actions are off and Ctrl+C leaves the clipboard alone.
	tu.selectRow(t, recs[0].ID)
	tu.onView(func(v *historyView) {
		if !v.copyURI.Disabled() || !v.copyMedia.Disabled() || !v.copyResults.Disabled() || v.details.Disabled() {
			t.Errorf("actions for a failed row: copy URI disabled %v, details disabled %v", v.copyURI.Disabled(), v.details.Disabled())
		}
		v.copySelectedURI()
	})
	if got := clipboard.Content(); !strings.Contains(got, "Encapsulated Data") {
		t.Errorf("Ctrl+C on a row without a URI changed the clipboard to %q", got)
	}
}

func TestHistoryDetails(t *testing.T) {
	rec := app.Record{ID: 42, Name: "ecg.pdf", Path: "/clinic/ecg.pdf", Size: 2048, SHA256: strings.Repeat("ab", 32),
		Profile: "Cardiology", Source: "legacy:KEY@api.redoxengine.com", Environment: "Production", Status: app.StatusFailed,
		ErrorKind: "rate-limited", ErrorMessage: "Redox is busy", ErrorDetail: "429 from blob.redoxengine.com",
		HTTPStatus: 429, Attempts: 4, Created: time.Now(), ResentFrom: 7}
	text := detailsText(rec)
	for _, want := range []string{"File: ecg.pdf", "Path: /clinic/ecg.pdf", "(2,048 bytes)", "SHA-256: " + rec.SHA256,
		"Source: Cardiology", "Environment: Production", "Status: Failed (failed)", "Error kind: rate-limited",
		"Error: Redox is busy", "Detail for IT: 429 from", "HTTP status: 429 Too Many Requests", "Attempts: 4",
		"Resent from: #7", "Duplicate of: —", "URI: —"} {
		if !strings.Contains(text, want) {
			t.Errorf("details lack %q:\n%s", want, text)
		}
	}

	tu := newHistoryTest(t)
	rec.ResentFrom = 0 // no row 7 in this history
	recs := insertRecords(t, tu, rec)
	tu.showHistory(t)
	tu.selectRow(t, recs[0].ID)
	var markup string
	tu.onView(func(v *historyView) {
		test.Tap(v.details)
		markup = test.RenderToMarkup(tu.win.Canvas())
	})
	for _, want := range []string{"Upload details", "429 Too Many Requests", "rate-limited", rec.SHA256} {
		if !strings.Contains(markup, want) {
			t.Errorf("the details dialog does not show %q", want)
		}
	}
}

func TestHistoryResend(t *testing.T) {
	tu := newHistoryTest(t)
	ctx := context.Background()
	sandbox, err := tu.core.Sandbox()
	if err != nil {
		t.Fatal(err)
	}
	path := writeTestFile(t, "referral.pdf", 5000)
	sub, err := tu.core.Queue.Submit(ctx, sandbox, []string{path}, app.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := waitRecord(t, tu, "the upload", func(r app.Record) bool { return r.ID == sub.IDs[0] && r.Status == app.StatusDone })
	tu.showHistory(t)

	// Resending a done row queues a new row for the same source, pointing at the first.
	tu.selectRow(t, first.ID)
	tu.onView(func(v *historyView) { v.resendSelected() })
	again := waitRecord(t, tu, "the resent row", func(r app.Record) bool { return r.ResentFrom == first.ID && r.Status.Final() })
	if again.Profile != first.Profile || again.Source != first.Source || again.Status != app.StatusDone || again.URI == "" {
		t.Errorf("resent row %+v, first %+v", again, first)
	}
	tu.waitView(t, "the resent row in the list", func(v *historyView) bool {
		i, ok := v.indexOf(again.ID)
		return ok && i == 0 && v.rows[i].Status == app.StatusDone
	})
	tu.onView(func(v *historyView) {
		if r, ok := v.selectedRecord(); !ok || r.ID != first.ID {
			t.Errorf("the selection moved to %d, want %d", r.ID, first.ID)
		}
	})

	// A file that changed since is resent only after the user says so.
	if err := os.WriteFile(path, []byte(strings.Repeat("changed ", 700)), 0o600); err != nil {
		t.Fatal(err)
	}
	tu.onView(func(v *historyView) { v.resendSelected() })
	var send *widget.Button
	tu.waitView(t, "the question about the changed file", func(*historyView) bool {
		top := tu.win.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		send = findButton(top, "Send new version")
		return send != nil && strings.Contains(test.RenderToMarkup(tu.win.Canvas()), "has changed since it was sent")
	})
	if _, found := findRecord(t, tu, func(r app.Record) bool { return r.ResentFrom == first.ID && r.ID != again.ID }); found {
		t.Fatal("a changed file was resent before the user confirmed")
	}
	tu.onView(func(*historyView) { test.Tap(send) })
	changed := waitRecord(t, tu, "the confirmed resend", func(r app.Record) bool {
		return r.ResentFrom == first.ID && r.ID != again.ID && r.Status.Final()
	})
	if changed.SHA256 == first.SHA256 || changed.Profile != first.Profile || changed.Status != app.StatusDone {
		t.Errorf("confirmed resend %+v", changed)
	}
}

func TestHistoryExportCSV(t *testing.T) {
	tu := newHistoryTest(t)
	insertRecords(t, tu,
		app.Record{Name: "a.pdf", URI: "https://blob.redoxengine.com/a"},
		app.Record{Name: "b.pdf", Status: app.StatusFailed, ErrorMessage: "Redox refused it"},
		app.Record{Name: "c.pdf", URI: "https://blob.redoxengine.com/c"},
	)
	tu.showHistory(t)
	tests := []struct {
		status string
		want   []string
	}{
		{allStatuses, []string{"c.pdf", "b.pdf", "a.pdf"}},
		{"Done", []string{"c.pdf", "a.pdf"}},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			tu.setFilter(t, func(v *historyView) {
				v.status.SetSelected(tt.status)
				v.runQuery()
			})
			tu.savePath = filepath.Join(t.TempDir(), "x.csv")
			tu.onView(func(v *historyView) { test.Tap(v.export) })
			tu.waitView(t, "the export", (*historyView).settled)

			f, err := os.Open(tu.savePath)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatalf("the export does not parse as CSV: %v", err)
			}
			if len(rows) == 0 || !slices.Equal(rows[0], app.DefaultCSVColumns) {
				t.Fatalf("header = %q", rows[0])
			}
			file := slices.Index(rows[0], "file")
			var names []string
			for _, r := range rows[1:] {
				names = append(names, r[file])
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("exported %q, want %q", names, tt.want)
			}
		})
	}
}

func TestHistoryRecordChanged(t *testing.T) {
	tu := newHistoryTest(t)
	recs := insertRecords(t, tu, manyRecords(10)...)
	tu.showHistory(t)
	tu.selectRow(t, recs[6].ID)

	// A finished row newer than those shown goes on top; the selection stays on its row.
	more := insertRecords(t, tu, manyRecords(3)...)
	for _, r := range more {
		tu.history.recordChanged(r)
	}
	tu.waitView(t, "the new rows", func(v *historyView) bool { return len(v.rows) == 13 && v.settled() })
	tu.onView(func(v *historyView) {
		if v.rows[0].ID != more[2].ID {
			t.Errorf("first row %d, want %d", v.rows[0].ID, more[2].ID)
		}
		if r, ok := v.selectedRecord(); !ok || r.ID != recs[6].ID {
			t.Errorf("the selection moved to %d, want %d", r.ID, recs[6].ID)
		}
		if v.count.Text != "13 uploads" {
			t.Errorf("count label = %q", v.count.Text)
		}
	})

	// A row shown is replaced where it is.
	changed := recs[3]
	changed.Status, changed.URI, changed.ErrorMessage = app.StatusFailed, "", "Redox refused it"
	tu.history.recordChanged(changed)
	tu.waitView(t, "the changed row", func(v *historyView) bool {
		i, ok := v.indexOf(changed.ID)
		return ok && v.rows[i].Status == app.StatusFailed
	})

	// A burst is shown at once, each row exactly once, filters applied.
	tu.setFilter(t, func(v *historyView) { v.status.SetSelected("Done") })
	burst := insertRecords(t, tu, manyRecords(300)...)
	for i, r := range burst {
		if i%3 == 0 {
			r.Status = app.StatusFailed
			burst[i] = r
		}
		tu.history.recordChanged(r)
		tu.history.recordChanged(r)
	}
	tu.waitView(t, "the burst", func(v *historyView) bool { return v.settled() && len(v.rows) >= 13+200 })
	tu.onView(func(v *historyView) {
		seen := map[int64]bool{}
		for i, r := range v.rows {
			if seen[r.ID] || r.Status != app.StatusDone || (i > 0 && r.ID >= v.rows[i-1].ID) {
				t.Fatalf("row %d: %+v (seen before: %v)", i, r, seen[r.ID])
			}
			seen[r.ID] = true
		}
		if want := 13 + 200; len(v.rows) != want {
			t.Errorf("%d rows, want %d", len(v.rows), want)
		}
	})
}

// waitRecord waits until the history holds a row for which match is true, and returns it.
func waitRecord(t *testing.T, tu *testUI, what string, match func(app.Record) bool) app.Record {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if r, ok := findRecord(t, tu, match); ok {
			return r
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
	return app.Record{}
}

func findRecord(t *testing.T, tu *testUI, match func(app.Record) bool) (app.Record, bool) {
	t.Helper()
	rows, err := tu.core.History.Search(context.Background(), app.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if match(r) {
			return r, true
		}
	}
	return app.Record{}, false
}

// findButton finds the button labelled text in the object tree under o (of a dialog's
// keyButton, the button in it).
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch x := o.(type) {
	case *widget.Button:
		if x.Text == text {
			return x
		}
		return nil
	case *keyButton: // a dialog's
		if x.Text == text {
			return &x.Button
		}
		return nil
	case *fyne.Container:
		for _, c := range x.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func TestUploadsText(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0 uploads"}, {1, "1 upload"}, {2, "2 uploads"}, {999, "999 uploads"}, {1000, "1,000 uploads"},
		{1234, "1,234 uploads"}, {100000, "100,000 uploads"}, {1234567, "1,234,567 uploads"}}
	for _, tt := range tests {
		if got := uploadsText(tt.n); got != tt.want {
			t.Errorf("uploadsText(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestHistoryPeriodRunsAgainAtMidnight: with a period chosen (Today), the view runs its query
// again at the next local midnight, so a view left open overnight shows the new day; with all
// time there is nothing to wait for. The wait is a day of 23, 24 or 25 hours as the clock goes.
func TestHistoryPeriodRunsAgainAtMidnight(t *testing.T) {
	tu := newHistoryTest(t)
	tu.showHistory(t)
	midnight := make(chan time.Time)
	tu.onView(func(v *historyView) { v.midnight = func(time.Time) <-chan time.Time { return midnight } })
	tu.setFilter(t, func(v *historyView) { v.period.SetSelected("Today") })
	gen := 0
	tu.onView(func(v *historyView) { gen = v.gen })
	select { // taken by the view's wait, which runs the query again
	case midnight <- time.Now():
	case <-time.After(10 * time.Second):
		t.Fatal("the view with Today chosen does not wait for midnight")
	}
	tu.waitView(t, "the query run again at midnight", func(v *historyView) bool { return v.gen > gen && v.settled() })
	tu.setFilter(t, func(v *historyView) { v.period.SetSelected(allTime) })
	tu.onView(func(v *historyView) {
		if v.stopMidnight != nil {
			t.Error("all time waits for midnight")
		}
	})

	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		now  time.Time
		want time.Duration
	}{
		{time.Date(2026, 11, 30, 23, 0, 0, 0, newYork), time.Hour + time.Second},
		{time.Date(2026, 11, 1, 0, 30, 0, 0, newYork), 24*time.Hour + 30*time.Minute + time.Second}, // clocks go back: 25 h
		{time.Date(2026, 3, 8, 0, 30, 0, 0, newYork), 22*time.Hour + 30*time.Minute + time.Second},  // clocks go forward: 23 h
	} {
		if got := untilAfterMidnight(tc.now); got != tc.want {
			t.Errorf("from %v: %v until after midnight, want %v", tc.now, got, tc.want)
		}
	}
}

// TestSizeColumnFitsEverySize: the History size column shows the widest sizes whole, not cut
// with an ellipsis.
func TestSizeColumnFitsEverySize(t *testing.T) {
	test.NewTempApp(t)
	th := theme.DefaultTheme()
	room := columnWidths[colSize] - 2*th.Size(theme.SizeNameInnerPadding)
	for _, n := range []int64{1009, 1023, 1023 << 10, 99<<20 + 900<<10, 1023 << 30, 1023 << 40} {
		text := sizeText(n)
		if w := fyne.MeasureText(text, th.Size(theme.SizeNameText), fyne.TextStyle{}).Width; w > room {
			t.Errorf("%q is %.0f wide; the size column leaves room for %.0f", text, w, room)
		}
	}
}

// TestEmptyHistorySaysWhyAcross: the words saying why the list is empty run across the list,
// not down it a letter a line (a wrapping label centred at its least width).
func TestEmptyHistorySaysWhyAcross(t *testing.T) {
	tu := newHistoryTest(t)
	insertRecords(t, tu, app.Record{Name: "ecg.pdf"})
	tu.showHistory(t)
	tu.setFilter(t, func(v *historyView) { v.search.SetText("no such file") })
	tu.onView(func(v *historyView) {
		if !v.empty.Visible() || !strings.HasPrefix(v.empty.Text, "No uploads match") {
			t.Fatalf("the empty list says %q (shown %v)", v.empty.Text, v.empty.Visible())
		}
		lines := v.empty.MinSize().Height / fyne.MeasureText("No", theme.TextSize(), fyne.TextStyle{}).Height
		if w := v.empty.Size().Width; w < 400 || lines > 3 {
			t.Errorf("the empty list's words are %.0f wide, about %.0f lines, in a window 980 wide", w, lines)
		}
	})
}
