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
