package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestTrayHintInSettings: where a tray host runs but no folder was watched when the window
// opened (so its icon comes at the next start), a source's Watched folders say so, instead of
// claiming there is no system tray.
func TestTrayHintInSettings(t *testing.T) {
	for _, tt := range []struct {
		atNextStart bool
		want        string
	}{
		{false, "There is no system tray here"},
		{true, "The system tray icon appears the next time Redox Uploader starts"},
	} {
		r := newWatchRig(t)
		fyne.DoAndWait(func() { r.tray.atNextStart = tt.atNextStart })
		_, f := r.editSource(t)
		var text strings.Builder
		fyne.DoAndWait(func() {
			for _, o := range test.LaidOutObjects(f.watch.foldersContent()) {
				if l, ok := o.(*widget.Label); ok {
					text.WriteString(l.Text + "\n")
				}
			}
		})
		if !strings.Contains(text.String(), tt.want) {
			t.Errorf("atNextStart %v: the watched folders say\n%s\nwant %q", tt.atNextStart, text.String(), tt.want)
		}
	}
}
