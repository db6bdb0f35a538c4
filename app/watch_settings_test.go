package app

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// TestWatchSettingsValidate: a source's watched folders are full paths, each once; its settle
// time is 0 (the default) or 1..600 seconds.
func TestWatchSettingsValidate(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "Scans")
	tests := []struct {
		name      string
		folders   []string
		settle    int
		wantField string // "" when valid
	}{
		{"none", nil, 0, ""},
		{"one absolute", []string{abs}, 0, ""},
		{"settle 1", []string{abs}, 1, ""},
		{"settle 600", []string{abs}, 600, ""},
		{"relative", []string{"Scans"}, 0, "watchFolders"},
		{"empty", []string{" "}, 0, "watchFolders"},
		{"twice", []string{abs, abs + string(filepath.Separator)}, 0, "watchFolders"},
		{"control character", []string{abs + "\n"}, 0, "watchFolders"},
		{"settle negative", []string{abs}, -1, "settleSeconds"},
		{"settle 601", []string{abs}, 601, "settleSeconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewProfile("Radiology")
			p.APIKey, p.WatchFolders, p.SettleSeconds = "key", tt.folders, tt.settle
			err := p.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			v, ok := err.(*ValidationError)
			if !ok || v.For(tt.wantField) == "" {
				t.Fatalf("Validate = %v, want a problem with %s", err, tt.wantField)
			}
		})
	}
}

// TestWatchSettingsSaved: the watched folders and settle time are saved with the source and
// read back; the settle time reads as a duration, 0 as the default.
func TestWatchSettingsSaved(t *testing.T) {
	keyring.MockInit()
	core, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-watch-settings-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close(t.Context()) })
	p := NewProfile("Radiology")
	p.APIKey, p.WatchFolders, p.SettleSeconds = "key", []string{filepath.Join(t.TempDir(), "Scans")}, 7
	if _, err := core.SaveProfile(p, SaveProfileOptions{Secret: "secret"}); err != nil {
		t.Fatal(err)
	}
	got, err := core.Profile("Radiology")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.WatchFolders, p.WatchFolders) || got.SettleSeconds != 7 || got.WatchSettle() != 7*time.Second {
		t.Errorf("read back %v, %d s (%s); want %v, 7 s", got.WatchFolders, got.SettleSeconds, got.WatchSettle(), p.WatchFolders)
	}
	if (Profile{}).WatchSettle() != DefaultWatchSettle {
		t.Errorf("WatchSettle of 0 = %s, want %s", (Profile{}).WatchSettle(), DefaultWatchSettle)
	}
	if !p.UploadsLike(got) || got.UploadsLike(NewProfile("Other")) {
		t.Error("UploadsLike should ignore the watched folders alone")
	}
}

// TestSaveProfileFolderWatchedForOneSource: a folder another source watches (written another
// way: a trailing separator) cannot be added to a second source, whose files would go to both;
// the source that watches it can be saved again with it, and a folder freed by one source can
// be taken by another.
func TestSaveProfileFolderWatchedForOneSource(t *testing.T) {
	core := policyCore(t, "")
	scans := t.TempDir()
	ward := NewProfile("Ward 4")
	ward.APIKey, ward.WatchFolders = "ward-key", []string{scans}
	if _, err := core.SaveProfile(ward, SaveProfileOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := core.SaveProfile(ward, SaveProfileOptions{Replace: true}); err != nil {
		t.Errorf("saving the source that watches the folder again: %v", err)
	}
	cardio := NewProfile("Cardiology")
	cardio.APIKey, cardio.WatchFolders = "cardio-key", []string{scans + string(filepath.Separator)}
	_, err := core.SaveProfile(cardio, SaveProfileOptions{})
	var v *ValidationError
	if !errors.As(err, &v) || v.Problems[0].Field != "watchFolders" || !strings.Contains(err.Error(), `already watched for the source "Ward 4"`) {
		t.Fatalf("a second source watching the folder: %v; want a problem under watchFolders naming Ward 4", err)
	}
	ward.WatchFolders = nil
	if _, err := core.SaveProfile(ward, SaveProfileOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := core.SaveProfile(cardio, SaveProfileOptions{}); err != nil {
		t.Errorf("the folder once freed: %v", err)
	}
}

// TestAssignWatchFolders: a folder two sources list is watched for one only, the managed
// source's first, then by name; a source left with no folder is not watched; the other keeps
// the rest of its folders; the source that lost a folder is told to whom.
func TestAssignWatchFolders(t *testing.T) {
	scans, faxes, own := filepath.FromSlash("/srv/scans"), filepath.FromSlash("/srv/faxes"), filepath.FromSlash("/srv/own")
	source := func(name string, managed bool, folders ...string) Profile {
		p := NewProfile(name)
		p.Managed, p.WatchFolders = managed, folders
		return p
	}
	watch, takenBy := AssignWatchFolders([]Profile{
		source("Ward 7", false, scans+string(filepath.Separator), own), // a user's, saved before the policy
		source("Radiology", true, scans),
		source("Cardiology", false, faxes),
		source("Audiology", false, faxes),
		source("Idle", false),
	})
	got := map[string][]string{}
	for name, p := range watch {
		got[name] = p.WatchFolders
	}
	if want := map[string][]string{"Radiology": {scans}, "Ward 7": {own}, "Audiology": {faxes}}; !reflect.DeepEqual(got, want) {
		t.Errorf("watched: %v; want %v", got, want)
	}
	wantTaken := map[string]map[string]string{"Ward 7": {scans + string(filepath.Separator): "Radiology"}, "Cardiology": {faxes: "Audiology"}}
	if !reflect.DeepEqual(takenBy, wantTaken) {
		t.Errorf("taken by: %v; want %v", takenBy, wantTaken)
	}
}
