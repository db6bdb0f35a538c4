package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
)

// watchRig is a window over a source uploading to the stand-in, whose watchers run with short
// settle times and whose notifications are caught.
type watchRig struct {
	*testUI
	server  *redoxtest.Server
	profile app.Profile
	notes   chan string
}

func newWatchRig(t *testing.T, folders ...string) *watchRig {
	t.Helper()
	server := redoxtest.NewServer(redoxtest.Config{})
	t.Cleanup(server.Close)
	demo := server.AddDemoSources()
	p := app.NewProfile("Radiology")
	p.APIKey, p.UploadURL, p.APIBase, p.WatchFolders = demo.APIKey, server.UploadURL(), server.APIBase(), folders
	tu := newTestUI(t, false, p)
	if err := tu.core.Secrets.SetSecret(p, demo.Secret); err != nil {
		t.Fatal(err)
	}
	r := &watchRig{testUI: tu, server: server, profile: p, notes: make(chan string, 100)}
	tu.watch.mu.Lock()
	tu.watch.settle = func(app.Profile) app.WatchOptions {
		return app.WatchOptions{Settle: 200 * time.Millisecond, Rescan: 100 * time.Millisecond, Poll: 20 * time.Millisecond}
	}
	tu.watch.notify = func(n *fyne.Notification) { r.notes <- n.Content }
	tu.watch.notifyAfter = 50 * time.Millisecond
	tu.watch.mu.Unlock()
	tu.watch.update([]app.Profile{p}) // with the short options (the first start may have used the defaults)
	return r
}

// editSource opens Settings on the source's form.
func (r *watchRig) editSource(t *testing.T) (*settingsView, *profileForm) {
	t.Helper()
	v := openSettingsForTest(t, r.testUI, false)
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	return v, v.form
}

// waitUploaded waits until the file name dropped into dir lies in dir/Uploaded/DATE/.
func (r *watchRig) waitUploaded(t *testing.T, dir, name string) {
	t.Helper()
	r.waitFor(t, name+" moved to Uploaded", func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, app.WatchUploadedFolder, "*", name))
		return len(m) == 1
	})
}

// sectionTexts is every label's text in the form's watched folders list.
func sectionTexts(s *watchSection) string {
	var b strings.Builder
	fyne.DoAndWait(func() {
		for _, o := range test.LaidOutObjects(s.rows) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		}
	})
	return b.String()
}

func drop(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("scan of "+name), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestWatchFolderAddedInForm: a folder added in the source's form (through the folder picker)
// is saved with the source and watched: a file dropped into it is uploaded, listed in the
// window and moved to Uploaded/; the notification counts it and names nothing. Removing the
// folder (and adding another) stops watching it: a file dropped into it stays while the other
// folder's is sent.
func TestWatchFolderAddedInForm(t *testing.T) {
	r := newWatchRig(t)
	scans, faxes := t.TempDir(), t.TempDir()
	r.pickFolder = func(string) (string, error) { return scans, nil }

	v, f := r.editSource(t)
	v.do(f.watch.onAdd)
	v.do(f.onSave)
	if st := savedSettings(t, r.testUI); len(st.Profiles) != 1 || len(st.Profiles[0].WatchFolders) != 1 || st.Profiles[0].WatchFolders[0] != scans {
		t.Fatalf("saved %+v, want the folder %s", st.Profiles, scans)
	}
	drop(t, scans, "consent-smith.pdf")
	r.waitUploaded(t, scans, "consent-smith.pdf")
	r.waitFor(t, "the file in the Upload list", func() bool {
		for _, it := range r.queue.items {
			if it.rec.Name == "consent-smith.pdf" {
				return true
			}
		}
		return false
	})
	select {
	case note := <-r.notes:
		if note != "1 file uploaded from watched folders." || strings.Contains(note, "smith") {
			t.Errorf("notification %q, want the count and no name", note)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no notification")
	}

	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	f = v.form
	r.waitFor(t, "the folder shown as watched", func() bool { return strings.Contains(sectionTexts(f.watch), "Watching:") })
	r.pickFolder = func(string) (string, error) { return faxes, nil }
	v.do(func() { f.watch.remove(scans) })
	v.do(f.watch.onAdd)
	v.do(f.onSave)
	r.waitFor(t, "the new folder watched", func() bool {
		st := r.watch.folderStates("Radiology")
		return st[faxes].watched && st[faxes].available && !st[scans].watched
	})
	drop(t, scans, "left-alone.pdf")
	drop(t, faxes, "fax.pdf")
	r.waitUploaded(t, faxes, "fax.pdf")
	if _, err := os.Stat(filepath.Join(scans, "left-alone.pdf")); err != nil {
		t.Errorf("the file in the folder no longer watched: %v", err)
	}
	if n := r.server.Stats().UploadRequests; n != 2 {
		t.Errorf("%d uploads, want 2 (the first folder's file was sent after it was removed?)", n)
	}
}

// TestWatchUnavailableFolderShowsReason: a watched folder that is not there is shown in the
// source's form as unavailable, with the reason in plain words.
func TestWatchUnavailableFolderShowsReason(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "offline share")
	r := newWatchRig(t, missing)
	_, f := r.editSource(t)
	r.waitFor(t, "the folder shown unavailable", func() bool {
		return strings.Contains(sectionTexts(f.watch), "Unavailable: The folder is not there")
	})
}

// TestWatchTrayMenuPause: the tray menu names what is watched (counts, no file names), the last
// result, Open, Pause watching and Quit; Pause stops every watcher, and a file dropped while
// paused is sent once watching resumes.
func TestWatchTrayMenuPause(t *testing.T) {
	dir := t.TempDir()
	r := newWatchRig(t, dir)
	r.waitFor(t, "the folder watched", func() bool { return r.watch.folderStates("Radiology")[dir].available })
	drop(t, dir, "first.pdf")
	r.waitUploaded(t, dir, "first.pdf")
	labels := func() []string {
		var l []string
		fyne.DoAndWait(func() {
			r.tray.refresh()
			for _, it := range r.tray.menu.Items {
				l = append(l, it.Label)
			}
		})
		return l
	}
	press := func(label string) { // on the UI goroutine, which rebuilds the menu
		found := false
		fyne.DoAndWait(func() {
			for _, it := range r.tray.menu.Items {
				if it.Label == label {
					found = true
					it.Action()
					return
				}
			}
		})
		if !found {
			t.Fatalf("no %q in the tray menu %q", label, labels())
		}
	}
	got := strings.Join(labels(), "|")
	for _, want := range []string{"Radiology: watching 1 folder", "Last: uploaded at ", "Open Redox Uploader", "Pause watching", "Quit"} {
		if !strings.Contains(got, want) {
			t.Errorf("tray menu %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "first.pdf") {
		t.Errorf("tray menu %q names a file", got)
	}

	press("Pause watching")
	r.waitFor(t, "every watcher stopped", func() bool { return !r.watch.folderStates("Radiology")[dir].watched })
	if got := strings.Join(labels(), "|"); !strings.Contains(got, "Resume watching") || !strings.Contains(got, "Watching paused") {
		t.Errorf("paused tray menu %q", got)
	}
	drop(t, dir, "second.pdf")
	if n := r.server.Stats().UploadRequests; n != 1 {
		t.Errorf("%d uploads while paused, want 1", n)
	}
	press("Resume watching")
	r.waitUploaded(t, dir, "second.pdf")
}

// TestWatchNotificationCounts: a notification counts files and names none.
func TestWatchNotificationCounts(t *testing.T) {
	tests := []struct {
		c    watchCounts
		want string
	}{
		{watchCounts{}, ""},
		{watchCounts{uploaded: 1}, "1 file uploaded from watched folders."},
		{watchCounts{uploaded: 3}, "3 files uploaded from watched folders."},
		{watchCounts{failed: 2}, "2 files from watched folders could not be sent (see the History tab)."},
		{watchCounts{uploaded: 3, failed: 1}, "3 files uploaded from watched folders; 1 file could not be sent (see the History tab)."},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.c, got, tt.want)
		}
	}
}
