package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

const (
	historyPage     = 200                    // rows read at a time, newest first
	historyPrefetch = 50                     // read the next page when a row this close to the end is shown
	searchDelay     = 250 * time.Millisecond // typing pause before the search runs
	changeDelay     = 100 * time.Millisecond // bursts of finished uploads are shown together
	queryTimeout    = 30 * time.Second

	allStatuses    = "All statuses"
	allSources     = "All sources"
	allTime        = "All time"
	cliProfileName = "Command line" // the profile name the command line gives uploads made with flags
)

// statusFilters are the choices of the status filter and the statuses each one shows.
var statusFilters = []struct {
	label    string
	statuses []app.Status
}{
	{allStatuses, nil},
	{"Done", []app.Status{app.StatusDone}},
	{"Failed", []app.Status{app.StatusFailed}},
	{"Needs attention", []app.Status{app.StatusUnknown, app.StatusInterrupted}},
	{"Duplicates", []app.Status{app.StatusDuplicate}},
	{"Cancelled", []app.Status{app.StatusCancelled}},
}

// periods are the choices of the date filter.
var periods = []string{allTime, "Today", "Last 7 days", "Last 30 days"}

// historyView is the searchable upload history: a virtualized list over the rows read so far
// (historyResults, which it embeds), newest first, read a page at a time as the list scrolls
// towards its end. Every query runs off the Fyne goroutine; its answer is shown only if no
// newer query has started since.
type historyView struct {
	u *UI
	historyResults

	root                                             fyne.CanvasObject
	search                                           *shortcutEntry
	status, source, period                           *widget.Select
	count                                            *widget.Label
	export                                           *widget.Button
	list                                             *widget.List
	empty                                            *widget.Label
	emptyBox                                         *fyne.Container // empty, centred down the list
	copyURI, copyMedia, copyResults, resend, details *widget.Button
	icons                                            map[app.Status]fyne.Resource

	// The Fyne goroutine's state, besides historyResults.
	counting    bool        // a count is running
	recount     bool        // count again when it ends
	selected    int64       // ID of the selected row, 0 for none
	searchTimer *time.Timer // the pending search while the user types
	// stopMidnight cancels the pending re-run of a query with a period (rerunAtMidnight);
	// midnight says when that is (afterMidnight; tests give their own).
	stopMidnight func()
	midnight     func(now time.Time) <-chan time.Time
	exporting    bool
	sourceNames  []string // the source filter's choices after allSources

	changed changedRows // rows that changed, gathered from any goroutine
}

// newHistoryView builds the view. It reads nothing until reload, which the window calls when
// the History tab opens; that reads one page.
func newHistoryView(u *UI) *historyView {
	v := &historyView{u: u, midnight: afterMidnight}
	v.icons = map[app.Status]fyne.Resource{
		app.StatusQueued:      theme.NewThemedResource(theme.HistoryIcon()),
		app.StatusUploading:   theme.NewThemedResource(theme.UploadIcon()),
		app.StatusDone:        theme.NewSuccessThemedResource(theme.ConfirmIcon()),
		app.StatusFailed:      theme.NewErrorThemedResource(theme.ErrorIcon()),
		app.StatusCancelled:   theme.NewThemedResource(theme.CancelIcon()),
		app.StatusDuplicate:   theme.NewThemedResource(theme.ContentCopyIcon()),
		app.StatusInterrupted: theme.NewWarningThemedResource(theme.WarningIcon()),
		app.StatusUnknown:     theme.NewWarningThemedResource(theme.WarningIcon()),
	}
	v.search = newShortcutEntry(u.win.Canvas()) // Ctrl+R, Ctrl+O and Ctrl+, work from the search box too
	v.search.PlaceHolder, v.search.Wrapping = "Search file name, URI or SHA-256", fyne.TextWrap(fyne.TextTruncateClip)
	v.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	v.search.OnChanged, v.search.OnSubmitted = v.onSearchChanged, v.onSearchSubmitted
	statusOptions := make([]string, len(statusFilters))
	for i, f := range statusFilters {
		statusOptions[i] = f.label
	}
	v.status = &widget.Select{Options: statusOptions, Selected: allStatuses, OnChanged: v.onFilterChanged}
	v.sourceNames = []string{app.SandboxProfileName, cliProfileName}
	v.source = &widget.Select{Options: append([]string{allSources}, v.sourceNames...), Selected: allSources, OnChanged: v.onFilterChanged}
	v.period = &widget.Select{Options: periods, Selected: allTime, OnChanged: v.onFilterChanged}
	v.count = &widget.Label{Text: "Reading the history…"}
	v.export = &widget.Button{Text: "Export CSV…", Icon: theme.DocumentSaveIcon(), OnTapped: v.onExport}
	v.list = &widget.List{Length: v.length, CreateItem: v.createRow, UpdateItem: v.updateRow,
		OnSelected: v.onSelected, OnUnselected: v.onUnselected}
	v.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
	v.empty.Hide()
	v.emptyBox = container.NewVBox(layout.NewSpacer(), v.empty, layout.NewSpacer()) // the words wrap across the list's width
	v.copyURI = &widget.Button{Text: "Copy URI", Icon: theme.ContentCopyIcon(), Importance: widget.HighImportance, OnTapped: v.copySelectedURI}
	v.copyMedia = &widget.Button{Text: "Copy as Media JSON", OnTapped: v.onCopyMedia}
	v.copyResults = &widget.Button{Text: "Copy as Results JSON", OnTapped: v.onCopyResults}
	v.resend = &widget.Button{Text: "Resend", Icon: theme.MailSendIcon(), OnTapped: v.resendSelected}
	v.details = &widget.Button{Text: "Details", Icon: theme.InfoIcon(), OnTapped: v.onDetails}
	v.updateActions()
	return v
}

// content is the view's layout: search and filters on top, the list, the actions under it.
func (v *historyView) content() fyne.CanvasObject {
	if v.root != nil {
		return v.root
	}
	fixed := func(w float32, s *widget.Select) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, s.MinSize().Height), s)
	}
	filters := container.NewHBox(fixed(176, v.status), fixed(160, v.source), fixed(140, v.period), container.NewCenter(v.count), v.export)
	top := container.NewBorder(nil, nil, nil, filters, v.search)
	header := container.New(historyColumns{},
		headerLabel("Time"), headerLabel("File"), &widget.Label{Text: "Size", TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignTrailing},
		headerLabel("Source"), layoutSpacer(), headerLabel("Status"), headerLabel("URI or message"))
	actions := container.NewHBox(v.copyURI, v.copyMedia, v.copyResults, v.resend, v.details)
	v.root = container.NewBorder(container.NewVBox(top, header), actions, nil, nil,
		container.NewStack(v.list, container.NewPadded(v.emptyBox)))
	return v.root
}

func headerLabel(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
}

func layoutSpacer() fyne.CanvasObject { return container.NewStack() }

// reload re-reads the source names and runs the current query again from the top; safe from
// any goroutine.
func (v *historyView) reload() {
	v.u.bg.Go(v.loadSources)
	fyne.Do(v.runQuery)
}

// recordChanged shows a row that changed (a finished upload, a resend); safe from any
// goroutine. Changes are gathered for a moment so that a burst is shown with one refresh.
func (v *historyView) recordChanged(r app.Record) {
	if v.changed.add(r) {
		time.AfterFunc(changeDelay, func() { fyne.Do(v.showChanges) })
	}
}

// focusSearch puts the cursor in the search box (Ctrl+F).
func (v *historyView) focusSearch() {
	v.u.win.Canvas().Focus(v.search)
}

// copySelectedURI puts the selected row's URI, and nothing else, on the clipboard (Ctrl+C).
func (v *historyView) copySelectedURI() {
	r, ok := v.selectedWithURI()
	if !ok {
		return
	}
	v.u.copyText(r.URI, "URI of "+visible.Name(r.Name))
}

func (v *historyView) onCopyMedia() {
	if r, ok := v.selectedWithURI(); ok {
		v.u.copyText(mediaSnippet(r), "Media JSON for "+r.Name)
	}
}

func (v *historyView) onCopyResults() {
	if r, ok := v.selectedWithURI(); ok {
		v.u.copyText(resultsSnippet(r), "Results JSON for "+r.Name)
	}
}

// selectedWithURI returns the selected row if it has a URI, and otherwise says why not.
func (v *historyView) selectedWithURI() (app.Record, bool) {
	r, ok := v.selectedRecord()
	switch {
	case !ok:
		v.note("Choose an upload in the history first.")
	case r.URI == "":
		v.note(r.Name + " has no URI: " + strings.ToLower(shortStatus(r)) + ".")
	default:
		return r, true
	}
	return app.Record{}, false
}

// resendSelected sends the selected row's file again to the source that first received it
// (Ctrl+R).
func (v *historyView) resendSelected() {
	r, ok := v.selectedRecord()
	switch {
	case !ok:
		v.note("Choose an upload in the history to resend it.")
	case !r.Status.Final():
		v.note(r.Name + " is still being sent.")
	case r.Path == "":
		v.note(r.Name + " cannot be resent: the history does not say where the file was.")
	default:
		v.resendFile(r)
	}
}

// resendFile sends r's file again to the source that first received it, as a new row, asking the
// person first if the file has changed since (History's Resend, an Upload row's Try again).
func (v *historyView) resendFile(r app.Record) {
	v.note("Checking " + r.Name + " before resending it…")
	v.u.bg.Go(func(ctx context.Context) { v.resendRecord(ctx, r, false) })
}

// resendRecord asks the core to resend r, asking the user first if the file has changed.
func (v *historyView) resendRecord(ctx context.Context, r app.Record, confirmChanged bool) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	_, err := v.u.core.Resend(ctx, r.ID, confirmChanged)
	var changed *app.ChangedSinceUploadError
	var moved *app.SourceChangedError
	fyne.Do(func() {
		switch {
		case errors.As(err, &changed):
			v.note("")
			v.u.confirm("The file has changed", err.Error(), "Send new version", func(yes bool) {
				if yes {
					v.u.bg.Go(func(ctx context.Context) { v.resendRecord(ctx, r, true) })
				}
			})
		case errors.As(err, &moved):
			v.note("")
			v.u.showError("This file cannot be resent to that source", err)
		case err != nil:
			v.note("")
			v.u.showError(titleName(r.Name)+" could not be resent", err)
		default:
			v.note(fmt.Sprintf("Resending %s to %s.", r.Name, r.Profile))
		}
	})
}

func (v *historyView) onDetails() {
	if r, ok := v.selectedRecord(); ok {
		v.showDetails(r)
	} else {
		v.note("Choose an upload in the history first.")
	}
}

// showDetails shows every field of r that support may ask about, as text that can be selected
// and copied.
func (v *historyView) showDetails(r app.Record) {
	form := &widget.Form{}
	for _, f := range detailFields(r) {
		form.Append(f[0], &widget.Label{Text: f[1], Selectable: true, Wrapping: fyne.TextWrapBreak})
	}
	copyAll := &widget.Button{Text: "Copy all details", Icon: theme.ContentCopyIcon(),
		OnTapped: func() { v.u.copyText(detailsText(r), "Details of "+visible.Name(r.Name)) }}
	body := container.NewBorder(nil, container.NewHBox(copyAll), nil, nil, container.NewVScroll(form))
	v.u.showDialog("Upload details", body, fyne.NewSize(720, 600), "Close", "", nil)
}

// onExport writes the rows the filters select to a CSV file the user chooses.
func (v *historyView) onExport() {
	if v.exporting {
		return
	}
	q := v.query
	q.BeforeID, q.Limit = 0, 0
	v.exporting = true
	v.export.Disable()
	v.u.bg.Go(func(ctx context.Context) {
		n, path, err := v.exportCSV(ctx, q)
		fyne.Do(func() {
			v.exporting = false
			v.export.Enable()
			switch {
			case err != nil:
				v.u.showError("The history could not be exported", err)
			case path != "":
				v.note(fmt.Sprintf("Exported %s to %s.", uploadsText(n), path))
			}
		})
	})
}

// exportCSV asks where to save and writes the CSV there; path is "" if the user cancelled.
// A file left half-written by an error (or by the window closing) is removed.
func (v *historyView) exportCSV(ctx context.Context, q app.Query) (n int, path string, err error) {
	path, err = v.u.saveFile(ctx, "redox-uploads.csv")
	if err != nil || path == "" {
		return 0, "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, path, fmt.Errorf("creating %s: %w", path, err)
	}
	w := bufio.NewWriter(f)
	n, err = v.u.core.History.ExportCSV(ctx, w, q, app.DefaultCSVColumns)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing %s: %w", path, cerr)
	}
	if err != nil {
		os.Remove(path) //nolint:errcheck // best effort; the error that matters is err
		return 0, path, err
	}
	return n, path, nil
}

// loadSources lists the profile names for the source filter.
func (v *historyView) loadSources(context.Context) {
	st, err := v.u.core.LoadSettings()
	var names []string
	if err == nil {
		for _, p := range st.Profiles {
			names = append(names, p.Name)
		}
	}
	sort.Strings(names)
	for _, n := range []string{app.SandboxProfileName, cliProfileName} {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	fyne.Do(func() { v.showSources(names) })
}

func (v *historyView) showSources(names []string) {
	if slices.Equal(names, v.sourceNames) {
		return
	}
	v.sourceNames = names
	options := []string{allSources}
	for _, n := range names {
		options = append(options, visible.Name(n))
	}
	v.source.SetOptions(options)
	if v.source.Selected != allSources && !slices.Contains(options, v.source.Selected) {
		v.source.SetSelected(allSources) // runs the query again
	}
}

// selectedSource is the true name of the source the filter has chosen (its option shows the
// name through visible.Name), or "" for all sources.
func (v *historyView) selectedSource() string {
	if i := slices.Index(v.source.Options, v.source.Selected); i > 0 && i <= len(v.sourceNames) {
		return v.sourceNames[i-1]
	}
	return ""
}

func (v *historyView) onSearchChanged(string) {
	if v.searchTimer != nil {
		v.searchTimer.Stop()
	}
	v.searchTimer = time.AfterFunc(searchDelay, func() { fyne.Do(v.runQuery) })
}

// onSearchSubmitted runs the search at once when the user presses Enter.
func (v *historyView) onSearchSubmitted(string) { v.runQuery() }

func (v *historyView) onFilterChanged(string) { v.runQuery() }

// currentQuery is what the search box and the filters select, one page of it.
func (v *historyView) currentQuery() app.Query {
	q := app.Query{Text: strings.TrimSpace(v.search.Text), Profile: v.selectedSource(), Limit: historyPage}
	for _, f := range statusFilters {
		if f.label == v.status.Selected {
			q.Statuses = f.statuses
		}
	}
	now := time.Now()
	switch v.period.SelectedIndex() {
	case 1:
		y, m, d := now.Date()
		q.Since = time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	case 2:
		q.Since = now.AddDate(0, 0, -7)
	case 3:
		q.Since = now.AddDate(0, 0, -30)
	}
	return q
}

// runQuery reads the first page of the current query, and counts it, off the Fyne goroutine.
// The rows on show stay until the answer comes.
func (v *historyView) runQuery() {
	if v.searchTimer != nil {
		v.searchTimer.Stop()
		v.searchTimer = nil
	}
	q := v.currentQuery()
	gen := v.start(q)
	v.u.bg.Go(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		page, err := v.u.core.History.Search(ctx, q)
		fyne.Do(func() { v.showFirstPage(gen, page, err) })
	})
	v.startCount()
	v.rerunAtMidnight(q)
}

// rerunAtMidnight runs the query again just after the next local midnight when it has a period
// (Today, the last 7 or 30 days): a view left open overnight then shows, counts and exports the
// new day's rows, not those of the day the period was chosen on.
func (v *historyView) rerunAtMidnight(q app.Query) {
	if v.stopMidnight != nil {
		v.stopMidnight()
		v.stopMidnight = nil
	}
	if q.Since.IsZero() {
		return
	}
	stop := make(chan struct{})
	v.stopMidnight = func() { close(stop) } // called once: rerunAtMidnight sets it nil after
	at := v.midnight(time.Now())
	v.u.bg.Go(func(ctx context.Context) {
		select {
		case <-at:
			fyne.Do(v.runQuery)
		case <-stop:
		case <-ctx.Done():
		}
	})
}

// afterMidnight fires one second after the next local midnight (time.Date takes a day of 23
// or 25 hours into account).
func afterMidnight(now time.Time) <-chan time.Time {
	return time.After(untilAfterMidnight(now))
}

func untilAfterMidnight(now time.Time) time.Duration {
	y, m, d := now.Date()
	return time.Date(y, m, d+1, 0, 0, 1, 0, now.Location()).Sub(now)
}

func (v *historyView) showFirstPage(gen int, page []app.Record, err error) {
	if !v.setFirstPage(gen, page, err) {
		return
	}
	if err != nil {
		v.count.SetText("The history could not be read")
		v.u.showError("The upload history could not be read", err)
		return
	}
	if v.list.GetScrollOffset() > 0 {
		v.list.ScrollToOffset(0)
	}
	v.showRows()
}

// loadMore reads the page after the oldest row shown, unless one is being read or there is
// none.
func (v *historyView) loadMore() {
	q, gen, ok := v.nextPage()
	if !ok {
		return
	}
	v.u.bg.Go(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		page, err := v.u.core.History.Search(ctx, q)
		fyne.Do(func() { v.showNextPage(gen, page, err) })
	})
}

func (v *historyView) showNextPage(gen int, page []app.Record, err error) {
	if !v.addPage(gen, page, err) {
		return
	}
	if err != nil {
		v.u.showError("More of the upload history could not be read", err)
		return
	}
	v.showRows()
}

// showRows shows the rows after they moved, keeping the selection on its row.
func (v *historyView) showRows() {
	v.list.Refresh()
	v.keepSelection()
	v.showEmpty()
}

// startCount counts the rows the query selects, for the label above the list.
func (v *historyView) startCount() {
	if v.counting {
		v.recount = true
		return
	}
	v.counting, v.recount = true, false
	q, gen := v.query, v.gen
	v.u.bg.Go(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		n, err := v.u.core.History.Count(ctx, q)
		fyne.Do(func() {
			v.counting = false
			switch {
			case gen != v.gen || v.recount:
				v.startCount()
			case err != nil:
				v.count.SetText("")
			default:
				v.count.SetText(uploadsText(n))
			}
		})
	})
}

// showChanges shows the rows recordChanged gathered.
func (v *historyView) showChanges() {
	moved, touched := v.merge(v.changed.take())
	switch {
	case moved:
		v.showRows()
		v.startCount()
	case len(touched) == 1:
		v.list.RefreshItem(touched[0])
	case len(touched) > 1:
		v.list.Refresh()
	}
	if len(touched) > 0 {
		v.updateActions()
	}
}

// selectedRecord returns the selected row.
func (v *historyView) selectedRecord() (app.Record, bool) {
	if v.selected == 0 {
		return app.Record{}, false
	}
	i, ok := v.indexOf(v.selected)
	if !ok {
		return app.Record{}, false
	}
	return v.rows[i], true
}

// keepSelection selects the selected row again where it now is, after rows moved.
func (v *historyView) keepSelection() {
	if v.selected != 0 {
		if i, ok := v.indexOf(v.selected); ok {
			v.list.Select(i)
		} else {
			v.selected = 0
			v.list.UnselectAll()
		}
	}
	v.updateActions()
}

func (v *historyView) onSelected(id widget.ListItemID) {
	if id >= 0 && id < len(v.rows) {
		v.selected = v.rows[id].ID
	}
	v.updateActions()
}

func (v *historyView) onUnselected(widget.ListItemID) {
	v.selected = 0
	v.updateActions()
}

// updateActions enables the actions that apply to the selected row.
func (v *historyView) updateActions() {
	r, ok := v.selectedRecord()
	enable(v.copyURI, ok && r.URI != "")
	enable(v.copyMedia, ok && r.URI != "")
	enable(v.copyResults, ok && r.URI != "")
	enable(v.resend, ok && r.Status.Final() && r.Path != "")
	enable(v.details, ok)
}

func enable(b *widget.Button, on bool) {
	switch {
	case on && b.Disabled():
		b.Enable()
	case !on && !b.Disabled():
		b.Disable()
	}
}

// showEmpty says why the list is empty, when it is.
func (v *historyView) showEmpty() {
	switch {
	case len(v.rows) > 0 || v.loading:
		v.empty.Hide()
		return
	case v.query.Text != "" || len(v.query.Statuses) > 0 || v.query.Profile != "" || !v.query.Since.IsZero():
		v.empty.SetText("No uploads match this search. Clear the search box or set the filters to All to see more.")
	default:
		v.empty.SetText("No uploads yet. Files you send to Redox are listed here with their URI.")
	}
	v.empty.Show()
	v.emptyBox.Refresh() // lays it out: it was left out while hidden
}

// note says something in the status line; call it on the Fyne goroutine.
func (v *historyView) note(text string) { v.u.status.SetText(visible.Line(text)) }

func (v *historyView) length() int { return len(v.rows) }

// The columns of a row, in order.
const (
	colTime = iota
	colName
	colSize
	colSource
	colIcon
	colStatus
	colURI
	columnCount
)

func (v *historyView) createRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, columnCount)
	for i := range cells {
		cells[i] = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	}
	cells[colSize].(*widget.Label).Alignment = fyne.TextAlignTrailing
	cells[colName] = newNameLabel(false) // names of a series differ at the end: it is kept
	cells[colIcon] = &widget.Icon{}
	return container.New(historyColumns{}, cells...)
}

func (v *historyView) updateRow(id widget.ListItemID, item fyne.CanvasObject) {
	if id >= len(v.rows)-historyPrefetch {
		v.loadMore()
	}
	if id < 0 || id >= len(v.rows) {
		return
	}
	r := v.rows[id]
	cells := item.(*fyne.Container).Objects
	cells[colTime].(*widget.Label).SetText(when(r.Created))
	cells[colName].(*nameLabel).SetName(visible.Name(r.Name))
	cells[colSize].(*widget.Label).SetText(sizeText(r.Size))
	cells[colSource].(*widget.Label).SetText(visible.Name(r.Profile))
	cells[colIcon].(*widget.Icon).SetResource(v.icons[r.Status])

	attention := needsAttention(r.Status)
	status := cells[colStatus].(*widget.Label)
	status.Importance = statusImportance(r.Status)
	status.TextStyle.Bold = attention
	status.SetText(shortStatus(r))

	uri := cells[colURI].(*widget.Label)
	switch {
	case r.URI != "":
		uri.Importance = widget.MediumImportance
		uri.SetText(visible.Name(r.URI))
	case attention:
		uri.Importance = widget.WarningImportance
		uri.SetText(visible.Line(r.ErrorMessage))
	default:
		uri.Importance = widget.DangerImportance
		if r.Status == app.StatusCancelled {
			uri.Importance = widget.MediumImportance
		}
		uri.SetText(visible.Line(r.ErrorMessage))
	}
}

func statusImportance(s app.Status) widget.Importance {
	switch s {
	case app.StatusDone:
		return widget.SuccessImportance
	case app.StatusFailed:
		return widget.DangerImportance
	case app.StatusInterrupted, app.StatusUnknown:
		return widget.WarningImportance
	case app.StatusCancelled:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// historyColumns lays out a history row and its header: fixed widths for time, size, source
// and status, the rest shared by the file name and the URI.
type historyColumns struct{}

var (
	columnWidths = [columnCount]float32{colTime: 148, colSize: 92, colSource: 110, colIcon: 20, colStatus: 180}
	columnShares = [columnCount]float32{colName: 2, colURI: 3}
)

const flexMinWidth = 80 // the least width the file name and URI get

func (historyColumns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	fixed, shares := pad*float32(len(objects)-1), float32(0)
	for i := range objects {
		fixed += columnWidths[i]
		shares += columnShares[i]
	}
	rest := max(size.Width-fixed, 0)
	x := float32(0)
	for i, o := range objects {
		w := columnWidths[i]
		if shares > 0 {
			w += rest * columnShares[i] / shares
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (historyColumns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	w, h := theme.Padding()*float32(len(objects)-1), float32(0)
	for i, o := range objects {
		w += columnWidths[i]
		if columnShares[i] > 0 {
			w += flexMinWidth
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}
