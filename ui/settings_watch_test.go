package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/client/redoxtest"
)

// fakeTray is a system tray host that shows nothing: with it the window offers to keep
// watching in the background.
type fakeTray struct{}

func (fakeTray) SetSystemTrayMenu(*fyne.Menu)    {}
func (fakeTray) SetSystemTrayIcon(fyne.Resource) {}
func (fakeTray) SetSystemTrayWindow(fyne.Window) {}

// TestSettingsWatchManagedSourceReadOnly: a source the organisation set shows its watched
// folders and settle time in its form as they are, under the organisation's mark, with no Add
// a folder and no Remove, and the settle time disabled; whether closing the window keeps
// watching stays the user's choice there, applied at once (the form has no Save). The user's
// own source keeps Add and Remove. The policy's folders are watched as the user's are: a file
// dropped into one is uploaded to the managed source and moved to Uploaded/.
func TestSettingsWatchManagedSourceReadOnly(t *testing.T) {
	server := redoxtest.NewServer(redoxtest.Config{})
	t.Cleanup(server.Close)
	demo := server.AddDemoSources()
	scans, wardScans := t.TempDir(), t.TempDir()
	folders, err := json.Marshal([]string{scans})
	if err != nil {
		t.Fatal(err)
	}
	policy := fmt.Sprintf(`{"sources": [{"name": "Radiology", "apiKey": %q, "uploadUrl": %q, "apiBase": %q, "watchFolders": %s, "settleSeconds": 1}]}`,
		demo.APIKey, server.UploadURL(), server.APIBase(), folders)
	ward := ownSource("Ward 7")
	ward.WatchFolders = []string{wardScans}
	tu := policyTestUI(t, policy, false, ward)
	managed, ok := tu.core.Policy().ManagedSource("Radiology")
	if !ok {
		t.Fatal("no managed source Radiology")
	}
	if err := tu.core.Secrets.SetSecret(managed, demo.Secret); err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(func() { tu.tray.desk = fakeTray{} })

	v := openSettingsForTest(t, tu, false)
	v.do(func() { tapButton(t, sourceRow(t, v, "Radiology"), "Details") })
	f := v.form
	if f == nil || f.lock == "" {
		t.Fatal("Details did not open the managed source's read-only form")
	}
	fyne.DoAndWait(func() {
		text := shownTexts(v.root)
		for _, want := range []string{setByOrganisation, managedSourceReason, scans + "\n", "1 seconds\n"} {
			if !strings.Contains(text, want) {
				t.Errorf("the managed source's form lacks %q:\n%s", want, text)
			}
		}
		if buttons := buttonsOf(shownTexts(f.scroll)); slices.Contains(buttons, "Add a folder…") || slices.Contains(buttons, "Remove") {
			t.Errorf("the managed source's form offers %q; want no Add a folder and no Remove", buttons)
		}
		if !f.watch.settle.Disabled() {
			t.Error("the managed source's settle time can be changed")
		}
		if f.watch.keep == nil || !f.watch.keep.Visible() {
			t.Fatal("the managed source's form does not offer to keep watching in the background")
		}
		test.Tap(f.watch.keep)
		if got := tu.app.Preferences().String(closeToTrayPref); got != closeToTrayKeep {
			t.Errorf("keeping watching chosen on the managed source's form: preference %q, want %q at once", got, closeToTrayKeep)
		}
	})

	v.do(func() { v.sources.onEdit(ward) })
	fyne.DoAndWait(func() {
		buttons := buttonsOf(shownTexts(v.form.scroll))
		if !slices.Contains(buttons, "Add a folder…") || !slices.Contains(buttons, "Remove") {
			t.Errorf("the user's own source's form offers %q; want Add a folder and Remove", buttons)
		}
	})

	tu.waitFor(t, "the managed source's folder watched", func() bool { return tu.watch.folderStates("Radiology")[scans].available })
	drop(t, scans, "referral.pdf")
	(&watchRig{testUI: tu}).waitUploaded(t, scans, "referral.pdf")
	if ups := server.Uploads(); len(ups) != 1 || ups[0].FileName != "referral.pdf" {
		t.Errorf("the stand-in received %+v; want referral.pdf once", ups)
	}
}
