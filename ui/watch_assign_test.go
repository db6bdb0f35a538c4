package ui

import (
	"path/filepath"
	"reflect"
	"testing"

	"redoxuploader/app"
)

// TestAssignFolders: a folder two sources list is watched for one only, the managed source's
// first, then by name; a source left with no folder is not watched; the other keeps the rest
// of its folders; the source that lost a folder is told to whom.
func TestAssignFolders(t *testing.T) {
	scans, faxes, own := filepath.FromSlash("/srv/scans"), filepath.FromSlash("/srv/faxes"), filepath.FromSlash("/srv/own")
	source := func(name string, managed bool, folders ...string) app.Profile {
		p := app.NewProfile(name)
		p.Managed, p.WatchFolders = managed, folders
		return p
	}
	want, takenBy := assignFolders([]app.Profile{
		source("Ward 7", false, scans+string(filepath.Separator), own), // a user's, saved before the policy
		source("Radiology", true, scans),
		source("Cardiology", false, faxes),
		source("Audiology", false, faxes),
		source("Idle", false),
	})
	got := map[string][]string{}
	for name, p := range want {
		got[name] = p.WatchFolders
	}
	if wantGot := map[string][]string{"Radiology": {scans}, "Ward 7": {own}, "Audiology": {faxes}}; !reflect.DeepEqual(got, wantGot) {
		t.Errorf("watched: %v; want %v", got, wantGot)
	}
	wantTaken := map[string]map[string]string{"Ward 7": {scans + string(filepath.Separator): "Radiology"}, "Cardiology": {faxes: "Audiology"}}
	if !reflect.DeepEqual(takenBy, wantTaken) {
		t.Errorf("taken by: %v; want %v", takenBy, wantTaken)
	}
}

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
