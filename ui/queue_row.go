package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// queueRow shows one queueItem: name and size, what is happening to it, the URI with Copy
// once it is done, and the one or two actions that fit its state.
type queueRow struct {
	widget.BaseWidget
	view *queueView
	item *queueItem

	icon     *widget.Icon
	name     *nameLabel
	size     *widget.Label
	state    *widget.Label
	line     *widget.Label // the URI, the error, or a hint
	progress *widget.ProgressBar
	copy     *widget.Button
	cancel   *widget.Button
	details  *widget.Button
	again    *widget.Button // a duplicate: send it anyway
	retry    *widget.Button // failed for a passing reason: send it again
}

func newQueueRow(v *queueView) *queueRow {
	r := &queueRow{view: v,
		icon:     widget.NewIcon(theme.FileIcon()),
		name:     newNameLabel(true),
		size:     &widget.Label{},
		state:    &widget.Label{},
		line:     &widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true},
		progress: &widget.ProgressBar{Max: 1},
	}
	r.copy = &widget.Button{Text: "Copy URI", Icon: theme.ContentCopyIcon(), Importance: widget.HighImportance, OnTapped: r.onCopy}
	r.cancel = &widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: func() { r.view.onCancel(r.item) }}
	r.details = &widget.Button{Text: "Details", Icon: theme.InfoIcon(), OnTapped: func() { r.view.onDetails(r.item) }}
	r.again = &widget.Button{Text: "Upload again", Icon: theme.ViewRefreshIcon(), OnTapped: func() { r.view.onUploadAgain(r.item) }}
	r.retry = &widget.Button{Text: "Try again", Icon: theme.ViewRefreshIcon(), OnTapped: func() { r.view.onTryAgain(r.item) }}
	r.ExtendBaseWidget(r)
	return r
}

func (r *queueRow) CreateRenderer() fyne.WidgetRenderer {
	title := container.NewBorder(nil, nil, nil, container.NewHBox(r.size, r.state), r.name)
	second := container.NewStack(r.line, container.NewPadded(r.progress))
	actions := container.NewHBox(r.again, r.retry, r.details, r.copy, r.cancel)
	middle := container.NewVBox(title, second)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewCenter(r.icon), container.NewCenter(actions), middle))
}

func (r *queueRow) onCopy() {
	if r.item != nil && r.item.rec.URI != "" {
		r.view.u.copyText(r.item.rec.URI, "The URI of "+visible.Name(r.item.rec.Name))
	}
}

// show binds the row to it.
func (r *queueRow) show(it *queueItem) {
	r.item = it
	rec := it.rec
	r.name.SetName(visible.Name(rec.Name))
	size := sizeText(rec.Size)
	if rec.Size > 0 && rec.Size < inlineHint {
		size += " · fits inline" // Redox's breakpoint: under 200 KB it may go in the message itself, as base64
	}
	r.size.SetText(size)
	state, importance, icon := statusText(rec), widget.MediumImportance, theme.FileIcon()
	if it.live != "" {
		state = it.live
	}
	if it.why != "" || rec.NotSaved != "" {
		importance, icon = widget.WarningImportance, theme.WarningIcon()
	}
	switch rec.Status {
	case app.StatusDone:
		if rec.NotSaved == "" {
			importance, icon = widget.SuccessImportance, theme.ConfirmIcon()
		}
	case app.StatusDuplicate:
		importance, icon = widget.SuccessImportance, theme.InfoIcon()
	case app.StatusFailed, app.StatusUnknown, app.StatusInterrupted:
		importance, icon = widget.DangerImportance, theme.ErrorIcon()
	case app.StatusCancelled:
		importance = widget.WarningImportance
	}
	r.state.Importance = importance
	r.state.SetText(state)
	r.icon.SetResource(icon)

	sending := rec.Status == app.StatusUploading && it.why == ""
	r.progress.Hidden = !sending
	if sending && it.total > 0 {
		r.progress.SetValue(float64(it.sent) / float64(it.total))
	}
	changed := rec.ErrorKind == app.ErrorKindChangedWhileSending // its URI is kept, not offered
	r.line.Hidden = sending
	r.line.Importance = widget.MediumImportance
	switch {
	case it.why != "":
		r.line.Importance = widget.WarningImportance
		r.line.SetText(visible.Line(it.why))
	case rec.NotSaved != "": // the URI is what must not be lost; Details and the status line say why
		r.line.Importance = widget.WarningImportance
		r.line.SetText(visible.Name(rec.URI))
	case rec.URI != "" && !changed:
		r.line.SetText(visible.Name(rec.URI))
	case rec.Status == app.StatusFailed || rec.Status == app.StatusCancelled || rec.Status == app.StatusUnknown:
		r.line.Importance = widget.DangerImportance
		r.line.SetText(visible.Line(rec.ErrorMessage))
	default:
		r.line.SetText(" ")
	}
	show(r.copy, rec.URI != "" && !changed)
	show(r.cancel, !rec.Status.Final())
	show(r.details, rec.NotSaved != "" || rec.Status == app.StatusFailed || rec.Status == app.StatusUnknown || rec.Status == app.StatusInterrupted)
	show(r.again, rec.Status == app.StatusDuplicate)
	show(r.retry, canTryAgain(it))
	r.Refresh()
}

// tryAgainKinds are the kinds of failure (client.Kind names) that pass: the network, Redox's
// side, Redox busy. Their messages end "then try again", which the row offers at once.
var tryAgainKinds = []string{client.KindNetwork.String(), client.KindServer.String(), client.KindRateLimited.String()}

// canTryAgain says whether the row offers Try again: it failed for a passing reason, the
// history knows where the file is, and it has not been tried again from this row already.
func canTryAgain(it *queueItem) bool {
	rec := it.rec
	return rec.Status == app.StatusFailed && slices.Contains(tryAgainKinds, rec.ErrorKind) && rec.Path != "" && !it.triedAgain
}

func show(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}
