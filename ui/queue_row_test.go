package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestQueueRowSaysWhatHappened: the row of a file shows why it is being tried again, that it
// reached Redox but the history could not save it (until the late save), and that it changed
// while it was sent, with its URI kept out of reach of Copy URI.
func TestQueueRowSaysWhatHappened(t *testing.T) {
	tu := newTestUI(t, true)
	v := tu.queue
	const uri = "https://blob.redoxengine.com/8d2c1f3e"
	rec := app.Record{ID: 7, Name: "scan.pdf", Size: 2 << 20, Status: app.StatusUploading, Profile: "Sandbox"}
	done := rec
	done.Status, done.URI = app.StatusDone, uri
	notSaved := done
	notSaved.NotSaved = "The file reached Redox but the history could not be saved: the disk is full. Its URI is " + uri
	changed := rec
	changed.Status, changed.URI, changed.ErrorKind = app.StatusFailed, uri, app.ErrorKindChangedWhileSending
	changed.ErrorMessage = "The file changed while it was being sent, so Redox received a mix of old and new content."
	unknown := rec // stopped after the whole file went out (the app closing, a cancel)
	unknown.ID, unknown.Status = 9, app.StatusUnknown
	unknown.ErrorMessage = "Stopped after the whole file had gone out, before Redox answered. Redox may or may not have it."

	steps := []struct {
		name  string
		event app.Event
		check func(t *testing.T, r *queueRow)
	}{
		{"retrying", app.Event{Kind: app.EventRetrying, Record: rec, Attempt: 2, MaxAttempts: 4, Wait: 4 * time.Second,
			Message: "Redox did not answer in time. Check the network connection, then try again."},
			func(t *testing.T, r *queueRow) {
				if r.state.Text != "Trying again in 4 s (attempt 2 of 4)" || r.line.Hidden ||
					r.line.Text != "Redox did not answer in time." || r.line.Importance != widget.WarningImportance || !r.progress.Hidden {
					t.Errorf("state %q, line %q (hidden %v), progress hidden %v", r.state.Text, r.line.Text, r.line.Hidden, r.progress.Hidden)
				}
			}},
		{"sending again", app.Event{Kind: app.EventProgress, Record: rec, Sent: 1 << 20, Total: 2 << 20},
			func(t *testing.T, r *queueRow) {
				if r.state.Text != "Sending 50%" || !r.line.Hidden || r.progress.Hidden {
					t.Errorf("state %q, line hidden %v, progress hidden %v", r.state.Text, r.line.Hidden, r.progress.Hidden)
				}
			}},
		{"not saved", app.Event{Kind: app.EventDone, Record: notSaved},
			func(t *testing.T, r *queueRow) {
				if !strings.Contains(r.state.Text, "not in the history") || r.line.Text != uri ||
					r.line.Importance != widget.WarningImportance || r.copy.Hidden || r.details.Hidden {
					t.Errorf("state %q, line %q, copy hidden %v, details hidden %v", r.state.Text, r.line.Text, r.copy.Hidden, r.details.Hidden)
				}
				if !strings.HasPrefix(tu.status.Text, "The file reached Redox but the history could not be saved") {
					t.Errorf("the status line says %q, not at once that the history could not save it", tu.status.Text)
				}
			}},
		{"saved late", app.Event{Kind: app.EventSaved, Record: done},
			func(t *testing.T, r *queueRow) {
				if r.state.Text != "Done" || r.line.Text != uri || r.state.Importance != widget.SuccessImportance || r.copy.Hidden {
					t.Errorf("state %q (%v), line %q, copy hidden %v", r.state.Text, r.state.Importance, r.line.Text, r.copy.Hidden)
				}
			}},
		{"stopped after sent whole", app.Event{Kind: app.EventUnknown, Record: unknown},
			func(t *testing.T, r *queueRow) {
				if r.line.Text != unknown.ErrorMessage || r.line.Hidden || r.details.Hidden {
					t.Errorf("line %q (hidden %v), details hidden %v; want the message said", r.line.Text, r.line.Hidden, r.details.Hidden)
				}
			}},
		{"changed while sent", app.Event{Kind: app.EventFailed, Record: changed},
			func(t *testing.T, r *queueRow) {
				if r.state.Text != "Changed while sent" || r.line.Text != changed.ErrorMessage || !r.copy.Hidden || r.details.Hidden {
					t.Errorf("state %q, line %q, copy hidden %v, details hidden %v", r.state.Text, r.line.Text, r.copy.Hidden, r.details.Hidden)
				}
			}},
	}
	queued := rec
	queued.Status = app.StatusQueued
	v.onEvent(app.Event{Kind: app.EventQueued, Record: queued})
	v.onEvent(app.Event{Kind: app.EventStarted, Record: rec})
	for _, step := range steps {
		if step.name == "changed while sent" {
			step.event.Record.ID = 8 // a row of its own
		}
		v.onEvent(step.event)
		fyne.DoAndWait(func() {
			r := newQueueRow(v)
			r.show(v.items[v.index[step.event.Record.ID]])
			t.Run(step.name, func(t *testing.T) { step.check(t, r) })
		})
	}
}

// TestQueueRowOffersTryAgain: a row that failed for a passing reason (the network, Redox's
// side, Redox busy) offers Try again; others do not.
func TestQueueRowOffersTryAgain(t *testing.T) {
	tests := []struct {
		kind string
		want bool
	}{
		{client.KindNetwork.String(), true},
		{client.KindServer.String(), true},
		{client.KindRateLimited.String(), true},
		{client.KindTooLarge.String(), false},
		{client.KindCredentials.String(), false},
		{client.KindFile.String(), false},
		{app.ErrorKindChangedWhileSending, false},
	}
	tu := newTestUI(t, true)
	for _, tt := range tests {
		item := &queueItem{rec: app.Record{ID: 1, Name: "scan.pdf", Path: "/scans/scan.pdf", Status: app.StatusFailed, ErrorKind: tt.kind}}
		fyne.DoAndWait(func() {
			r := newQueueRow(tu.queue)
			r.show(item)
			if r.retry.Visible() != tt.want {
				t.Errorf("a row failed with kind %s shows Try again: %v, want %v", tt.kind, r.retry.Visible(), tt.want)
			}
		})
	}
}

// TestTryAgainResendsTheFile: a file Redox failed on its side (503) is sent again from its row
// as a new row to the same source, and its own row then no longer offers Try again.
func TestTryAgainResendsTheFile(t *testing.T) {
	server := redoxtest.NewServer(redoxtest.Config{})
	t.Cleanup(server.Close)
	demo := server.AddDemoSources()
	p := app.NewProfile("Radiology")
	p.APIKey, p.UploadURL, p.APIBase = demo.APIKey, server.UploadURL(), server.APIBase()
	once := app.WithClientOptions(client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 1}))
	tu := newTestUIWith(t, t.TempDir(), app.Options{ClientOptions: []app.ClientOption{once}}, false, p)
	if err := tu.core.Secrets.SetSecret(p, demo.Secret); err != nil {
		t.Fatal(err)
	}
	server.Script(redoxtest.Fault{Status: 503})
	tu.addFiles([]string{writeTestFile(t, "ward 4 scan.pdf", 3000)})
	first := tu.waitQueued(t, 1)[0].rec
	if first.Status != app.StatusFailed || first.ErrorKind != client.KindServer.String() {
		t.Fatalf("the first try: %s, kind %s; want failed, server", first.Status, first.ErrorKind)
	}

	var row *queueRow
	fyne.DoAndWait(func() {
		row = newQueueRow(tu.queue)
		row.show(tu.queue.items[0])
		if !row.retry.Visible() {
			t.Fatal("the failed row offers no Try again")
		}
		test.Tap(row.retry)
		row.show(tu.queue.items[0])
		if row.retry.Visible() {
			t.Error("the row still offers Try again once pressed")
		}
	})
	again := tu.waitQueued(t, 2)[1].rec
	if again.Status != app.StatusDone || again.URI == "" || again.ResentFrom != first.ID || again.Profile != p.Name {
		t.Errorf("the second try: %+v; want done, resent from %d to %s", again, first.ID, p.Name)
	}
}
