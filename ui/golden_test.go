package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
)

// goldenQueue fills the Upload tab with one row in each state, with fixed contents.
func goldenQueue(tu *testUI) {
	day := time.Date(2026, 11, 26, 9, 30, 0, 0, time.Local)
	rec := func(id int64, name string, size int64, st app.Status) app.Record {
		return app.Record{ID: id, Name: name, Size: size, Status: st, Profile: "Sandbox", Created: day}
	}
	done := rec(1, "Discharge summary.pdf", 300<<10, app.StatusDone)
	done.URI = "https://blob.redoxengine.com/8d2c1f3e-2b4a-4c1e-9f7a-1d2e3f4a5b6c"
	tooLarge := rec(2, "full-chart-scan.tiff", 14_889_779, app.StatusFailed)
	tooLarge.ErrorMessage = "Too large: 14.2 MB. Redox accepts files up to 10 MB on this source. Split or compress the file, or ask IT whether this source allows larger files."
	dup := rec(3, "wound-photo.jpg", 80<<10, app.StatusDuplicate)
	dup.URI = "https://blob.redoxengine.com/0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"
	dup.ErrorMessage = "Already uploaded to this source on 25 Nov 2026 16:12. The earlier URI is shown; upload it again only if Redox needs a second copy."
	sending := rec(4, "consent-form.pdf", 2<<20, app.StatusUploading)
	retrying := rec(5, "ecg-recording.wav", 5<<20, app.StatusUploading)
	waiting := rec(6, "referral-letter.pdf", 120<<10, app.StatusQueued)
	for _, r := range []app.Record{done, tooLarge, dup, sending, retrying, waiting} {
		tu.queue.onEvent(app.Event{Kind: app.EventQueued, Record: r})
	}
	tu.queue.onEvent(app.Event{Kind: app.EventProgress, Record: sending, Sent: 903 << 10, Total: 2 << 20})
	tu.queue.onEvent(app.Event{Kind: app.EventRetrying, Record: retrying, Attempt: 2, MaxAttempts: 4, Wait: 4 * time.Second,
		Message: "Redox did not answer in time. Check the network connection, then try again."})
}

// TestGoldenStates compares the main states with their recorded markup. A change to the
// window's look shows up here; to accept it, copy testdata/failed/NAME over testdata/NAME
// after looking at the screenshot test (make screenshots).
func TestGoldenStates(t *testing.T) {
	for _, tt := range []struct {
		name    string
		sandbox bool
		fill    func(*testUI)
	}{
		{"welcome.xml", false, nil},
		{"empty-sandbox.xml", true, nil},
		{"queue.xml", true, goldenQueue},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tu := newTestUI(t, tt.sandbox)
			if tt.fill != nil {
				tt.fill(tu) // its fyne.Do calls run before the DoAndWait below
				tu.waitFor(t, "the list redrawn", func() bool { return !tu.queue.redraw })
			}
			fyne.DoAndWait(func() {
				for range 2 { // the second pass lays out wrapped text at its final width
					tu.win.Resize(fyne.NewSize(980, 640))
					tu.win.Content().Refresh()
				}
				test.AssertRendersToMarkup(t, tt.name, tu.win.Canvas())
			})
		})
	}
}
