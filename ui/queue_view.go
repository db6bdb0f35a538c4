package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// queueItem is one file of this session as the Upload tab shows it.
type queueItem struct {
	rec         app.Record
	sent, total int64
	live        string // a passing state: "Sending 43%", "Trying again in 4 s (attempt 2 of 4)"
	why         string // while waiting to try again: why the last try failed
	triedAgain  bool   // Try again was pressed: the file went out again as a row of its own
}

// queueView is the Upload tab: one row per file added in this session, newest last, live.
type queueView struct {
	u       *UI
	items   []*queueItem // touched only on the Fyne goroutine
	index   map[int64]int
	list    *widget.List
	empty   fyne.CanvasObject
	stack   *fyne.Container
	summary *widget.Label
	// redraw: a redraw of the list is due (refreshSoon); grown: rows were added since the
	// last, which it scrolls to. Touched only on the Fyne goroutine.
	redraw, grown bool
}

// listRedraw is how often at most the Upload tab redraws its list while events come in. In
// Fyne 2.7 refreshing one row of a List rebuilds every visible row and a template row, so a
// redraw for each event (queued, started, ten progress events a second, the outcome) made a
// batch of 200 files cost the window about 11 s of CPU and 60 to 100 MB that stayed until
// the next repaint; one redraw every 100 ms shows the same, as a person sees it.
const listRedraw = 100 * time.Millisecond

func newQueueView(u *UI) *queueView {
	v := &queueView{u: u, index: map[int64]int{}, summary: &widget.Label{}}
	v.list = widget.NewList(func() int { return len(v.items) }, v.newRow, v.updateRow)
	v.list.OnSelected = func(id widget.ListItemID) { v.list.Unselect(id) } // rows act through their buttons
	v.empty = newDropZone(u)
	v.stack = container.NewStack(v.empty)
	return v
}

func (v *queueView) content() fyne.CanvasObject {
	cancelAll := &widget.Button{Text: "Cancel all", Icon: theme.CancelIcon(), OnTapped: v.onCancelAll}
	clear := &widget.Button{Text: "Clear finished", Icon: theme.DeleteIcon(), OnTapped: v.onClearFinished}
	footer := container.NewBorder(nil, nil, nil, container.NewHBox(clear, cancelAll), v.summary)
	return container.NewBorder(nil, footer, nil, nil, v.stack)
}

// onEvent applies a queue event; called on the queue-following goroutine.
func (v *queueView) onEvent(e app.Event) {
	autoCopy := e.Kind == app.EventDone && v.u.autoCopy.Load()
	fyne.Do(func() {
		i, ok := v.index[e.Record.ID]
		if !ok {
			if e.Kind == app.EventProgress || e.Kind == app.EventRetrying {
				return // a row of another window's batch, already gone from this view
			}
			v.items = append(v.items, &queueItem{})
			i = len(v.items) - 1
			v.index[e.Record.ID] = i
			if len(v.items) == 1 {
				v.stack.Objects = []fyne.CanvasObject{v.list}
				v.stack.Refresh()
			}
		}
		it := v.items[i]
		switch e.Kind {
		case app.EventProgress:
			it.sent, it.total = e.Sent, e.Total
			it.live, it.why = sendingText(e.Sent, e.Total), ""
		case app.EventRetrying:
			it.live, it.why = e.RetryPlan(), e.RetryReason()+"."
		default:
			it.rec, it.live, it.why = e.Record, "", ""
			if e.Kind == app.EventStarted {
				it.sent, it.total, it.live = 0, e.Record.Size, sendingText(0, e.Record.Size)
			}
		}
		v.refreshSoon(!ok)
		if e.Kind != app.EventProgress {
			v.updateSummary()
		}
		if e.Record.NotSaved != "" {
			v.u.status.SetText(visible.Line(e.Record.NotSaved))
		}
		if autoCopy && e.Record.URI != "" {
			v.u.copyText(e.Record.URI, "The URI of "+visible.Name(e.Record.Name))
		}
	})
}

// refreshSoon redraws the list within listRedraw, once for every change until then, and
// scrolls to the newest row if grown says rows were added. On the Fyne goroutine.
func (v *queueView) refreshSoon(grown bool) {
	v.grown = v.grown || grown
	if v.redraw {
		return
	}
	v.redraw = true
	time.AfterFunc(listRedraw, func() {
		fyne.Do(func() {
			v.redraw = false
			v.list.Refresh()
			if v.grown {
				v.grown = false
				v.list.ScrollToBottom()
			}
		})
	})
}

// updateSummary counts the rows by state for the footer.
func (v *queueView) updateSummary() {
	var waiting, sending, done, failed int
	for _, it := range v.items {
		switch it.rec.Status {
		case app.StatusQueued:
			waiting++
		case app.StatusUploading:
			sending++
		case app.StatusDone, app.StatusDuplicate:
			done++
		default:
			failed++
		}
	}
	v.summary.SetText(fmt.Sprintf("%d waiting · %d sending · %d done · %d not uploaded", waiting, sending, done, failed))
}

func (v *queueView) onCancelAll() {
	v.u.bg.Go(func(context.Context) {
		if n := v.u.core.Queue.CancelAll(); n > 0 {
			v.u.setStatus(fmt.Sprintf("Cancelling %d file(s).", n))
		}
	})
}

// onClearFinished drops final rows from the tab; they stay in History.
func (v *queueView) onClearFinished() {
	kept := v.items[:0]
	v.index = map[int64]int{}
	for _, it := range v.items {
		if !it.rec.Status.Final() {
			v.index[it.rec.ID] = len(kept)
			kept = append(kept, it)
		}
	}
	v.items = kept
	if len(v.items) == 0 {
		v.stack.Objects = []fyne.CanvasObject{v.empty}
		v.stack.Refresh()
	}
	v.list.Refresh()
	v.updateSummary()
}

func (v *queueView) newRow() fyne.CanvasObject { return newQueueRow(v) }

func (v *queueView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < len(v.items) {
		o.(*queueRow).show(v.items[id])
	}
}

func (v *queueView) onCancel(it *queueItem) {
	id := it.rec.ID
	v.u.bg.Go(func(context.Context) { v.u.core.Queue.Cancel(id) })
}

// onUploadAgain sends a duplicate anyway, to the same source.
func (v *queueView) onUploadAgain(it *queueItem) {
	rec := it.rec
	v.u.bg.Go(func(ctx context.Context) {
		p, err := v.u.core.Profile(rec.Profile)
		if err != nil {
			v.u.showError("The file could not be sent again", err)
			return
		}
		v.u.submit(ctx, p, []string{rec.Path}, true)
	})
}

// onTryAgain resends a file that failed for a passing reason (tryAgainKinds), as History's
// Resend does: a new row, to the same source.
func (v *queueView) onTryAgain(it *queueItem) {
	it.triedAgain = true
	v.refreshSoon(false)
	v.u.history.resendFile(it.rec)
}

func (v *queueView) onDetails(it *queueItem) {
	r := it.rec
	if r.NotSaved != "" {
		v.u.showError(titleName(r.Name), &recordError{msg: r.NotSaved, detail: fmt.Sprintf("status %s; URI %s", r.Status, r.URI)})
		return
	}
	detail := r.ErrorDetail
	if detail == "" {
		detail = fmt.Sprintf("status %s; %d attempt(s)", r.Status, r.Attempts)
	}
	v.u.showError(titleName(r.Name), &recordError{msg: r.ErrorMessage, detail: detail})
}

// recordError carries a journaled row's message and detail into showError.
type recordError struct{ msg, detail string }

func (e *recordError) Error() string  { return e.msg }
func (e *recordError) Detail() string { return e.detail }

// newDropZone is what the Upload tab shows before any file is added.
func newDropZone(u *UI) fyne.CanvasObject {
	icon := widget.NewIcon(theme.UploadIcon())
	big := &widget.Label{Text: "Drop files or folders here", Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	small := &widget.Label{Text: "or choose them with the buttons below (Ctrl+O adds a file). Each file's Redox URI appears here when it is done.",
		Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameCaptionText}
	addFile := &widget.Button{Text: addFileLabel, Icon: theme.FileIcon(), OnTapped: u.onAddFiles}
	return container.NewCenter(container.NewVBox(container.NewCenter(container.NewGridWrap(fyne.NewSize(64, 64), icon)), big, small,
		container.NewCenter(container.NewHBox(addFile, u.addFolderButton()))))
}
