// What the organisation's policy (app.Policy) means for the window: the mark a managed setting
// carries, the plain reason a control is read-only, and which sources a person may change. The
// core refuses every locked change on its own; the window only keeps from offering it.

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
)

// setByOrganisation is the mark of everything the organisation's policy sets.
const setByOrganisation = "Set by your organisation"

// Why a control cannot be changed, in the words the window shows beside it.
const (
	managedSourceReason = "Your IT department set up this source, so its details cannot be changed or removed here."
	lockedSourcesReason = "Your organisation decides which Redox sources this computer uses, so sources cannot be added, " +
		"changed or removed here."
	askITForSource = "Ask your IT department if a source is missing or needs to change."
)

// sourceLock is why the source p cannot be changed or removed in the window ("" when it can):
// it is managed, or the policy keeps users from changing their own.
func sourceLock(pol *app.Policy, p app.Profile) string {
	switch {
	case p.Managed:
		return managedSourceReason
	case pol.UserSourcesLocked():
		return lockedSourcesReason
	}
	return ""
}

// organisationNote is the mark beside a control the policy sets, in bold, with the reason
// under it (when not "").
func organisationNote(reason string) fyne.CanvasObject {
	text := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), // the labels' own padding is gap enough
		&widget.Label{Text: setByOrganisation, TextStyle: fyne.TextStyle{Bold: true}})
	if reason != "" {
		text.Add(&widget.Label{Text: reason, Wrapping: fyne.TextWrapWord})
	}
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.InfoIcon())), nil, text)
}

// noSourceAdvice says what a person with no source to upload to can do: add one in Settings,
// try the sandbox, or, when the policy allows neither, ask IT.
func noSourceAdvice(pol *app.Policy) string {
	add, sandbox := !pol.UserSourcesLocked(), pol.SandboxOffered()
	switch {
	case add && sandbox:
		return "Add a Redox source in Settings, or try the sandbox, then add the files again."
	case add:
		return "Add a Redox source in Settings, then add the files again."
	case sandbox:
		return "Your organisation sets up the Redox sources of this computer: ask your IT department for one. " +
			"Meanwhile you can try the sandbox."
	}
	return "Your organisation sets up the Redox sources of this computer, and none is set up yet: ask your IT department for one."
}

// noSourceYet says, where no source is set up, how to get one: add it, or ask IT; and the
// sandbox, when offered.
func noSourceYet(pol *app.Policy) string {
	text := "Add the one your IT team has the details for"
	if pol.UserSourcesLocked() {
		text = "Your organisation sets up the sources of this computer: ask your IT department"
	}
	if pol.SandboxOffered() {
		return text + ", or try the sandbox from the main window."
	}
	return text + "."
}

// setEnabled enables or disables every widget in ws.
func setEnabled(enabled bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if enabled {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}
