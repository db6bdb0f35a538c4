package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
)

// TestClosingTheWindowEndsItsWork: with work of each kind under way (the queue's events
// followed, a history load, a network check waiting on a server that never answers, a file
// picker waiting for a person), closing the window ends every goroutine it started before the
// core would be closed, closes its queue subscription, and starts nothing afterwards; the
// picker's late answer is dropped.
func TestClosingTheWindowEndsItsWork(t *testing.T) {
	silent, accepted := silentServer(t)
	p := app.NewProfile("Radiology")
	p.Auth, p.APIKey, p.UploadURL, p.APIBase = app.AuthLegacy, "key-123", silent+"/upload", silent
	tu := newTestUI(t, true, p)

	tu.addFiles([]string{writeTestFile(t, "before.pdf", 1000)})
	tu.waitQueued(t, 1) // the queue's events reach the window

	asked, answer := make(chan struct{}), make(chan string)
	fyne.DoAndWait(func() {
		tu.UI.dialogs.OpenFile = func(string) (string, error) { // a person who takes their time
			close(asked)
			return <-answer, nil
		}
		tu.onAddFiles()
	})
	<-asked

	v := openSettingsForTest(t, tu, false)
	fyne.DoAndWait(func() { test.Tap(v.network.check) })
	<-accepted // the check waits for the server's first word

	tu.history.reload()

	tu.closeWindow(t) // as ShowAndRun does; fails if any goroutine outlives closeWait
	if n := tu.bg.running.Load(); n != 0 {
		t.Errorf("%d goroutine(s) of the window still running", n)
	}
	select {
	case _, open := <-tu.events.C:
		if open {
			t.Error("the queue's subscription delivered an event after the window closed")
		}
	default:
		t.Error("the queue's subscription is still open")
	}
	if tu.bg.Go(func(context.Context) { t.Error("work ran after the window closed") }) {
		t.Error("background work started after the window closed")
	}

	tu.addFiles([]string{writeTestFile(t, "after-close.pdf", 1000)})
	answer <- writeTestFile(t, "picked-late.pdf", 1000) // the picker answers after all
	n, err := tu.core.History.Count(context.Background(), app.Query{})
	if err != nil || n != 1 {
		t.Errorf("the history holds %d row(s) (%v), want only the one sent before the window closed", n, err)
	}
}
