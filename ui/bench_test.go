package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/zalando/go-keyring"

	"redoxuploader/app"
)

// BenchmarkMainWindow100k builds the main window with Fyne's test driver over a 100,000-row
// history and waits for the History tab's first page: what opening the app costs once the
// history is large.
func BenchmarkMainWindow100k(b *testing.B) {
	keyring.MockInit()
	paths := app.PathsIn(b.TempDir())
	core, err := app.Open(paths, app.Options{KeychainService: "redox-uploader-ui-bench"})
	if err != nil {
		b.Fatal(err)
	}
	fillHistory(b, core.History, 100_000)
	core.Close(context.Background())

	a := newTestApp(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		core, err := app.Open(paths, app.Options{KeychainService: "redox-uploader-ui-bench"})
		if err != nil {
			b.Fatal(err)
		}
		var u *UI
		fyne.DoAndWait(func() {
			u = New(a, core, Options{Sandbox: true, Dialogs: Dialogs{OpenFile: func(string) (string, error) { return "", nil }}})
		})
		u.history.reload()
		for loaded := false; !loaded; {
			fyne.DoAndWait(func() { loaded = len(u.history.rows) > 0 && !u.history.loading })
			if !loaded {
				time.Sleep(200 * time.Microsecond)
			}
		}
		b.StopTimer()
		fyne.DoAndWait(u.win.Close)
		core.Close(context.Background())
		b.StartTimer()
	}
}

// fillHistory journals n finished rows in batches.
func fillHistory(b *testing.B, h *app.History, n int) {
	b.Helper()
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	for done := 0; done < n; {
		batch := make([]*app.Record, 0, 10_000)
		for i := 0; i < 10_000 && done < n; i, done = i+1, done+1 {
			batch = append(batch, &app.Record{Profile: "Radiology", Source: "legacy:key@blob.redoxengine.com",
				Environment: "Production", Path: fmt.Sprintf("/scans/scan-%06d.pdf", done), Name: fmt.Sprintf("scan-%06d.pdf", done),
				Size: int64(100_000 + done), SHA256: fmt.Sprintf("%064x", done), MIME: "application/pdf", Status: app.StatusDone,
				URI: fmt.Sprintf("https://blob.redoxengine.com/%08x-0000-4000-8000-%012x", done, done), Attempts: 1,
				Created: start.Add(time.Duration(done) * time.Minute), Finished: start.Add(time.Duration(done) * time.Minute)})
		}
		if err := h.InsertBatch(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUploadTabBatch200 feeds the Upload tab what a batch of 200 files brings (each
// queued, started, five progress events, done), as fast as the queue can, and waits for the
// list to show the last: what a drop of a folder costs the window, apart from the uploads.
func BenchmarkUploadTabBatch200(b *testing.B) {
	tu := newTestUI(b, true)
	fyne.DoAndWait(func() { tu.win.Resize(fyne.NewSize(980, 640)) })
	b.ReportAllocs()
	for b.Loop() {
		fyne.DoAndWait(func() { tu.queue.items, tu.queue.index = nil, map[int64]int{} })
		for id := int64(1); id <= 200; id++ {
			rec := app.Record{ID: id, Name: fmt.Sprintf("scan-%03d.pdf", id), Size: 1 << 20, Status: app.StatusQueued}
			tu.queue.onEvent(app.Event{Kind: app.EventQueued, Record: rec})
			rec.Status = app.StatusUploading
			tu.queue.onEvent(app.Event{Kind: app.EventStarted, Record: rec})
			for sent := int64(1); sent <= 5; sent++ {
				tu.queue.onEvent(app.Event{Kind: app.EventProgress, Record: rec, Sent: sent << 18, Total: 1 << 20})
			}
			rec.Status, rec.URI = app.StatusDone, fmt.Sprintf("https://blob.redoxengine.com/%d", id)
			tu.queue.onEvent(app.Event{Kind: app.EventDone, Record: rec})
		}
		time.Sleep(2 * listRedraw) // the last redraw is due
		fyne.DoAndWait(func() {})
	}
}
