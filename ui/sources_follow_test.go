package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"redoxuploader/app"
)

// TestSourceChangedElsewhere: a source changed by the command line or another window while
// this one is open never takes files with the settings the window showed. Files added in the
// moment before the window has seen the change are refused, nothing sent; once it has seen it,
// files go with the settings saved now; a source removed is chosen no more, and files wait
// for the user to choose another.
func TestSourceChangedElsewhere(t *testing.T) {
	r := newWatchRig(t)
	shown := r.profile // Development, as the window shows it
	r.waitFor(t, "the source chosen", func() bool { p, ok := r.activeProfile(); return ok && p.Name == shown.Name })
	other := app.NewSettingsStore(r.core.Paths.SettingsFile()) // the command line's view of the file
	if err := other.Update(func(st *app.Settings) error {
		p, _ := st.Profile(shown.Name)
		cardiology := p
		cardiology.Name = "Cardiology"    // another source, which must not take the files of one removed
		p.Environment = app.EnvProduction // IT moves the source to Production
		return errors.Join(st.PutProfile(p), st.PutProfile(cardiology))
	}); err != nil {
		t.Fatal(err)
	}

	r.submit(t.Context(), shown, []string{writeTestFile(t, "Doe Jane referral.pdf", 2000)}, false) // as a drop just before
	r.waitText(t, "so nothing was sent")
	if n := len(r.queued()); n != 0 {
		t.Fatalf("%d file(s) queued with the settings the window showed before the change", n)
	}
	if got := len(r.server.Uploads()); got != 0 {
		t.Fatalf("the stand-in received %d upload(s)", got)
	}

	r.waitFor(t, "the window to show the source as saved now", func() bool {
		p, _ := r.activeProfile()
		return p.Environment == app.EnvProduction && strings.Contains(r.status.Text, "were changed")
	})
	fyne.DoAndWait(func() { r.win.Canvas().Overlays().Top().Hide() })
	r.addFiles([]string{writeTestFile(t, "Doe Jane referral.pdf", 2000)})
	if rows := r.waitQueued(t, 1); rows[0].rec.Status != app.StatusDone || rows[0].rec.Environment != string(app.EnvProduction) {
		t.Errorf("after the window took in the change: %+v", rows[0].rec)
	}

	if err := other.Update(func(st *app.Settings) error {
		st.RemoveProfile(shown.Name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "the removed source chosen no more", func() bool {
		_, ok := r.activeProfile()
		return !ok && strings.Contains(r.status.Text, "was removed")
	})
}
