package ui

import (
	"testing"

	"redoxuploader/app"
)

// TestWatchFollowsSettingsChangedElsewhere: a watched folder added to a source while the window
// is open, by another program writing the settings file (as 'source add --watch' does), is
// watched without restarting the window: a file dropped into it is uploaded and moved.
func TestWatchFollowsSettingsChangedElsewhere(t *testing.T) {
	r := newWatchRig(t)
	scans := t.TempDir()
	other := app.NewSettingsStore(r.core.Paths.SettingsFile()) // another program's view of the file
	if err := other.Update(func(st *app.Settings) error {
		p, _ := st.Profile(r.profile.Name)
		p.WatchFolders = []string{scans}
		return st.PutProfile(p)
	}); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "the folder watched", func() bool { return r.watch.folderStates(r.profile.Name)[scans].available })
	drop(t, scans, "added-elsewhere.pdf")
	r.waitUploaded(t, scans, "added-elsewhere.pdf")
}
