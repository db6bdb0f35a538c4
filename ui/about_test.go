package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestHelpAboutShowsVersionAndDataFolder(t *testing.T) {
	tu := newTestUI(t, true)
	const version = "1.2.3 (commit abc1234, built 2026-11-26)"

	var about *fyne.MenuItem
	fyne.DoAndWait(func() {
		tu.version = version // what main passes as Options.Version
		menu := tu.win.MainMenu()
		if menu == nil {
			return
		}
		for _, m := range menu.Items {
			for _, it := range m.Items {
				if m.Label == "Help" && strings.HasPrefix(it.Label, "About") {
					about = it
				}
			}
		}
	})
	if about == nil {
		t.Fatal("the window has no Help → About menu item")
	}

	var markup string
	var labels []string
	fyne.DoAndWait(func() {
		about.Action()
		markup = test.RenderToMarkup(tu.win.Canvas())
		labels = labelTexts(tu.win.Canvas().Overlays().Top())
	})
	if !strings.Contains(markup, "About Redox Uploader") {
		t.Fatalf("no About dialog:\n%s", markup)
	}
	// The data folder's label wraps a long path, so compare the labels' texts, not the markup.
	for _, want := range []string{"Redox Uploader", "Version " + version, "Uploads files to Redox.", tu.core.Paths.Data} {
		if !slices.Contains(labels, want) {
			t.Errorf("the About dialog does not show %q; it shows %q", want, labels)
		}
	}
}

// labelTexts returns the text of every label under o.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	switch w := o.(type) {
	case *widget.Label:
		out = append(out, w.Text)
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, labelTexts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			out = append(out, labelTexts(c)...)
		}
	}
	return out
}
