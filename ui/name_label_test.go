package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
)

// cellText is the text a history cell shows.
func cellText(o fyne.CanvasObject) string {
	switch c := o.(type) {
	case *nameLabel:
		return c.Text
	case *widget.Label:
		return c.Text
	}
	return ""
}

func TestShortenMiddle(t *testing.T) {
	const long = "Patient_discharge_summary_and_referral_letter_for_cardiology_follow-up_2026-11-03.pdf"
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"scan.pdf", 20, "scan.pdf"},
		{"scan.pdf", 8, "scan.pdf"},
		{long, 56, "Patient_discharge_summary_and_…_follow-up_2026-11-03.pdf"},
		{long, 22, "Patient…2026-11-03.pdf"},
		{"Écho cardiaque de Zoë, 12 décembre.pdf", 20, "Écho ca…décembre.pdf"},
		{long, 1, "…"},
	}
	for _, tt := range tests {
		got := shortenMiddle(tt.s, tt.n)
		if got != tt.want {
			t.Errorf("shortenMiddle(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > max(tt.n, 1) {
			t.Errorf("shortenMiddle(%q, %d) has %d characters", tt.s, tt.n, n)
		}
	}
}

// TestLongNamesThatDifferAtTheEndLookDifferent: two long names that differ only at the end
// show their ends in the Upload row, the History file column and the Details dialog's title.
func TestLongNamesThatDifferAtTheEndLookDifferent(t *testing.T) {
	const stem = "Patient_discharge_summary_and_referral_letter_for_cardiology_follow-up_appointment_scheduled_after_"
	names := []string{stem + "2026-11-03.pdf", stem + "2026-11-04.pdf"}
	ends := []string{"-11-03.pdf", "-11-04.pdf"} // where they differ, and the extension
	tu := newHistoryTest(t)
	var recs []app.Record
	for _, name := range names {
		recs = append(recs, app.Record{Name: name, Size: 11 << 20, Status: app.StatusFailed, ErrorMessage: "Too large: 11 MB."})
	}
	recs = insertRecords(t, tu, recs...)
	tu.showHistory(t)
	fyne.DoAndWait(func() { tu.queue = newQueueView(tu.UI) })

	for i := range names {
		item := &queueItem{rec: recs[i]}
		fyne.DoAndWait(func() {
			row := newQueueRow(tu.queue)
			row.show(item)
			row.Resize(fyne.NewSize(980, row.MinSize().Height))
			if got := row.name.Text; !strings.HasSuffix(got, ends[i]) || !fitsItsWidth(row.name) {
				t.Errorf("the Upload row shows %q, want it shortened in the middle to its width, ending %q", got, ends[i])
			}

			cells := tu.history.createRow()
			cells.Resize(fyne.NewSize(1000, cells.MinSize().Height))
			id, _ := tu.history.indexOf(recs[i].ID)
			tu.history.updateRow(id, cells)
			cell := cells.(*fyne.Container).Objects[colName].(*nameLabel)
			if got := cell.Text; !strings.HasSuffix(got, ends[i]) || !fitsItsWidth(cell) {
				t.Errorf("the History file column shows %q, want it shortened in the middle to its width, ending %q", got, ends[i])
			}

			tu.queue.onDetails(item)
		})
		flushUI()
		fyne.DoAndWait(func() {
			top := tu.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("Details showed no dialog")
			}
			title := ""
			for _, o := range overlayLabels(top) {
				if strings.HasPrefix(o, "Patient_") {
					title = o
				}
			}
			if !strings.HasSuffix(title, ends[i]) || utf8.RuneCountInString(title) > titleNameLength {
				t.Errorf("the Details dialog's title is %q, want at most %d characters ending %q", title, titleNameLength, ends[i])
			}
			top.Hide()
		})
	}
}

// overlayLabels is the text of every label in the dialog o.
func overlayLabels(o fyne.CanvasObject) []string {
	var texts []string
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	return texts
}

// fitsItsWidth says whether l's text is shown whole: no wider than the label leaves room for.
func fitsItsWidth(l *nameLabel) bool {
	th := l.Theme()
	room := l.Size().Width - 2*th.Size(theme.SizeNameInnerPadding)
	return room > 0 && fyne.MeasureText(l.Text, th.Size(theme.SizeNameText), l.TextStyle).Width <= room
}
