package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// pressShortcut gives the window a keyboard shortcut as Fyne's desktop driver does: to the
// widget that has the keyboard when it takes shortcuts, else to the window.
func (tu *testUI) pressShortcut(s fyne.Shortcut) {
	fyne.DoAndWait(func() {
		c := tu.win.Canvas()
		if focused, ok := c.Focused().(fyne.Shortcutable); ok {
			focused.TypedShortcut(s)
			return
		}
		c.(fyne.Shortcutable).TypedShortcut(s)
	})
}

func ctrl(key fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

// TestWindowShortcutsFromTheSearchBox: after Ctrl+F the cursor is in the History search box,
// and the window's shortcuts still work; Ctrl+A and Ctrl+C stay the box's, for its text.
func TestWindowShortcutsFromTheSearchBox(t *testing.T) {
	tu := newTestUI(t, true)
	tu.pressShortcut(ctrl(fyne.KeyF))
	fyne.DoAndWait(func() {
		if got := tu.win.Canvas().Focused(); got != tu.history.search {
			t.Fatalf("Ctrl+F focused %v, not the search box", got)
		}
		test.Type(tu.history.search, "xray")
	})

	tu.pressShortcut(&fyne.ShortcutSelectAll{})
	tu.pressShortcut(&fyne.ShortcutCopy{Clipboard: tu.app.Clipboard()})
	fyne.DoAndWait(func() {
		if got := tu.app.Clipboard().Content(); got != "xray" {
			t.Errorf("Ctrl+A, Ctrl+C in the search box copied %q, not its text", got)
		}
	})

	tu.pressShortcut(ctrl(fyne.KeyO))
	tu.waitFor(t, "Ctrl+O from the search box to open the file picker", func() bool { return tu.openCalls.Load() == 1 })

	tu.pressShortcut(ctrl(fyne.KeyComma))
	fyne.DoAndWait(func() {
		if tu.win.Canvas().Overlays().Top() == nil {
			t.Error("Ctrl+, from the search box did not open the settings")
		}
	})
}
