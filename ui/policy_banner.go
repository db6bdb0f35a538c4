package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/internal/visible"
)

// policyProblemText is what the banner says when the organisation's policy could not be read in
// full (app.Policy.Problem): the core then locks what it could not read.
const policyProblemText = "Your organisation's settings for Redox Uploader could not be read in full; " +
	"what could not be read is locked. Tell your IT department."

// policyBanner is the note at the top of the main window that the organisation's policy could
// not be read in full, with what went wrong behind "Details for IT". The app works on; the
// person may dismiss the note (with the keyboard too: Tab to Dismiss, then Space).
type policyBanner struct {
	box     *fyne.Container
	text    *widget.Label
	detail  *widget.Label
	dismiss *widget.Button
	onGone  func() // lays the window out again once the banner is hidden
}

func newPolicyBanner(problem error, onGone func()) *policyBanner {
	b := &policyBanner{onGone: onGone}
	b.text = &widget.Label{Text: policyProblemText, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true},
		Importance: widget.WarningImportance}
	b.detail = &widget.Label{Text: visible.Text(problem.Error()), Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Monospace: true}}
	b.dismiss = &widget.Button{Text: "Dismiss", Icon: theme.CancelIcon(), Importance: widget.LowImportance, OnTapped: b.onDismiss}
	details := widget.NewAccordion(widget.NewAccordionItem("Details for IT", b.detail))
	b.box = container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.WarningIcon())), container.NewVBox(b.dismiss),
		container.NewVBox(b.text, details))
	return b
}

func (b *policyBanner) content() fyne.CanvasObject { return b.box }

func (b *policyBanner) onDismiss() {
	b.box.Hide()
	if b.onGone != nil {
		b.onGone()
	}
}
