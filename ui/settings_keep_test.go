package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestSaveLeavesKeepWatchingUnchosen: saving a source's form without touching "Keep watching in
// the background" leaves the choice unmade, so that closing the window still asks; ticking it
// and saving remembers it.
func TestSaveLeavesKeepWatchingUnchosen(t *testing.T) {
	r := newWatchRig(t)
	fyne.DoAndWait(func() { r.tray.desk = fakeTray{} })
	v, f := r.editSource(t)
	v.do(f.onSave)
	if got := r.app.Preferences().String(closeToTrayPref); got != "" {
		t.Fatalf("after saving the form untouched the preference is %q; want it unset (closing asks)", got)
	}
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	f = v.form
	v.do(func() { test.Tap(f.watch.keep) })
	v.do(f.onSave)
	if got := r.app.Preferences().String(closeToTrayPref); got != closeToTrayKeep {
		t.Errorf("after ticking Keep watching and saving the preference is %q; want %q", got, closeToTrayKeep)
	}
}
