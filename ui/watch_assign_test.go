package ui

import (
	"path/filepath"
	"testing"

	"redoxuploader/app"
)

// TestFolderStatesSayWhoTookAFolder: Settings is told, for a folder another source watches,
// which source that is, from the saved sources as they are now.
func TestFolderStatesSayWhoTookAFolder(t *testing.T) {
	scans := filepath.FromSlash("/srv/scans")
	radiology, ward := app.NewProfile("Radiology"), app.NewProfile("Ward 7")
	radiology.Managed, radiology.WatchFolders, ward.WatchFolders = true, []string{scans}, []string{scans}
	ws := &watchers{running: map[string]*runningWatcher{}, profiles: []app.Profile{ward, radiology}}
	if got := ws.folderStates("Ward 7")[scans]; got != (folderState{takenBy: "Radiology"}) {
		t.Errorf("Ward 7's %s: %+v; want taken by Radiology", scans, got)
	}
	if got := ws.folderStates("Radiology")[scans]; got != (folderState{}) {
		t.Errorf("Radiology's %s: %+v; want its own (no watcher running here)", scans, got)
	}
}
