package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
)

// TestSettingsRemoveSourceWithUploadsInFlight: removing a source while one of its files hangs
// at the stand-in and two wait behind it asks first, naming the count; "Keep the source"
// changes nothing; "Stop them and remove" leaves the three rows cancelled (not failed for a
// missing secret), sends nothing more, and removes the source and its keychain entries.
func TestSettingsRemoveSourceWithUploadsInFlight(t *testing.T) {
	server := redoxtest.NewServer(redoxtest.Config{})
	t.Cleanup(server.Close)
	demo := server.AddDemoSources()
	p := app.NewProfile("Radiology")
	p.APIKey, p.UploadURL, p.APIBase, p.Parallel = demo.APIKey, server.UploadURL(), server.APIBase(), 1
	tu := newTestUI(t, false, p)
	if err := tu.core.Secrets.SetSecret(p, demo.Secret); err != nil {
		t.Fatal(err)
	}
	server.Script(redoxtest.Fault{Hang: true})
	sub, err := tu.core.Queue.Submit(t.Context(), p, []string{writeTestFile(t, "a.pdf", 100), writeTestFile(t, "b.pdf", 100),
		writeTestFile(t, "c.pdf", 100)}, app.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tu.waitFor(t, "the first upload to reach the stand-in", func() bool { return server.Stats().UploadRequests == 1 })
	if tok, _ := tu.core.Secrets.TokenStore(p).LoadToken(); tok.AccessToken == "" {
		t.Fatal("no sign-in was saved in the keychain before the removal")
	}

	v := openSettingsForTest(t, tu, false)
	confirmation := func() (keep, stop *widget.Button) {
		t.Helper()
		v.do(func() { v.sources.onRemove(p) })
		if got := settingsOverlayTexts(tu); !strings.Contains(got, "3 files are still waiting or being sent to “Radiology”") {
			t.Errorf("the confirmation says:\n%s", got)
		}
		fyne.DoAndWait(func() {
			top := tu.win.Canvas().Overlays().Top()
			keep, stop = settingsButton(top, "Keep the source"), settingsButton(top, "Stop them and remove")
		})
		if keep == nil || stop == nil {
			t.Fatal("the confirmation has no “Keep the source” and “Stop them and remove” buttons")
		}
		return keep, stop
	}

	keep, _ := confirmation()
	v.do(func() { test.Tap(keep) })
	if n := tu.core.Queue.PendingFor(p.Name); n != 3 {
		t.Errorf("after “Keep the source”, %d uploads are pending, want 3", n)
	}
	if st := savedSettings(t, tu); len(st.Profiles) != 1 {
		t.Errorf("after “Keep the source”, profiles %+v", st.Profiles)
	}
	if _, err := tu.core.Secrets.Secret(p); err != nil {
		t.Errorf("after “Keep the source”, the secret: %v", err)
	}

	_, stop := confirmation()
	v.do(func() { test.Tap(stop) }) // waits for the removal, which waits for the uploads to stop

	for i, id := range sub.IDs {
		rec, err := tu.core.History.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		status, want := app.StatusCancelled, "Cancelled before it was sent."
		if i == 0 { // sent whole to a stand-in that never answered: Redox may have it
			status, want = app.StatusUnknown, "Stopped after the whole file had gone out"
		}
		if rec.Status != status || !strings.HasPrefix(rec.ErrorMessage, want) {
			t.Errorf("row %d: %s %q, want %s %q", i, rec.Status, rec.ErrorMessage, status, want)
		}
	}
	if n := tu.core.Queue.Pending(); n != 0 {
		t.Errorf("%d uploads still pending", n)
	}
	if st := server.Stats(); st.UploadRequests != 1 || st.Uploaded != 0 {
		t.Errorf("the stand-in saw %+v; want only the hung request", st)
	}
	if st := savedSettings(t, tu); len(st.Profiles) != 0 {
		t.Errorf("profiles %+v", st.Profiles)
	}
	if _, err := tu.core.Secrets.Secret(p); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("the removed source's secret: %v", err)
	}
	if tok, _ := tu.core.Secrets.TokenStore(p).LoadToken(); tok.AccessToken != "" {
		t.Error("the removed source's sign-in is still in the keychain")
	}
	tu.waitFor(t, "the status line", func() bool { return strings.Contains(tu.status.Text, "Uploads to it cancelled: 3") })

	// The queue forgot the source's client with its secret in memory: a file still sent to
	// the removed source (a stale picker, say) does not go out.
	late, err := tu.core.Queue.Submit(t.Context(), p, []string{writeTestFile(t, "d.pdf", 100)}, app.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tu.waitFor(t, "the late row to end", func() bool {
		rec, err := tu.core.History.Get(t.Context(), late.IDs[0])
		return err == nil && rec.Status.Final()
	})
	if st := server.Stats(); st.UploadRequests != 1 || st.Uploaded != 0 {
		t.Errorf("a file added after the removal reached the stand-in: %+v", st)
	}
}

func TestRemoveQuestion(t *testing.T) {
	for _, tt := range []struct {
		inFlight       int
		start, yes, no string
	}{
		{0, "“Radiology” will be removed", "Remove", "Cancel"},
		{1, "1 file is still waiting or being sent to “Radiology”. Removing the source stops it: it stays", "Stop it and remove", "Keep the source"},
		{3, "3 files are still waiting or being sent to “Radiology”. Removing the source stops them: they stay", "Stop them and remove", "Keep the source"},
	} {
		text, yes, no := removeQuestion("Radiology", tt.inFlight)
		if !strings.HasPrefix(text, tt.start) || !strings.Contains(text, "secret deleted from the keychain") || yes != tt.yes || no != tt.no {
			t.Errorf("%d in flight: %q, %q, %q", tt.inFlight, text, yes, no)
		}
	}
}
