package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// sourceList is Settings → Sources: the saved sources by name, each with Edit and Remove
// (settings_remove.go), and Add. A source the organisation's policy keeps from changing (see
// sourceLock) has Details instead of Edit and no Remove; a managed one is marked; Add is not
// offered when the policy keeps users from adding sources.
type sourceList struct {
	v        *settingsView
	rows     *fyne.Container // one row per saved source
	note     *widget.Label   // loading, none yet, or why the settings could not be read
	profiles []app.Profile   // what rows shows, by name
}

func newSourceList(v *settingsView) *sourceList {
	return &sourceList{v: v, rows: container.NewVBox(), note: &widget.Label{Text: "Reading the settings…", Wrapping: fyne.TextWrapWord}}
}

func (s *sourceList) content() fyne.CanvasObject {
	intro := &widget.Label{Text: "The secret of each source stays in this computer's keychain, never in a file.",
		Truncation: fyne.TextTruncateEllipsis}
	var top fyne.CanvasObject
	if s.v.u.core.Policy().UserSourcesLocked() {
		top = container.NewVBox(intro, organisationNote(lockedSourcesReason+" "+askITForSource))
	} else {
		add := &widget.Button{Text: "Add a source", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: s.onAdd}
		top = container.NewBorder(nil, nil, nil, container.NewVBox(add), intro)
	}
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewVBox(s.note, s.rows)))
}

// show lists the saved sources by name.
func (s *sourceList) show(profiles []app.Profile) {
	s.profiles = slices.Clone(profiles)
	slices.SortStableFunc(s.profiles, func(a, b app.Profile) int { return strings.Compare(a.Name, b.Name) })
	rows := make([]fyne.CanvasObject, 0, 2*len(s.profiles))
	for i, p := range s.profiles {
		if i > 0 {
			rows = append(rows, widget.NewSeparator())
		}
		rows = append(rows, s.row(p))
	}
	s.rows.Objects = rows
	s.rows.Refresh()
	s.note.Importance = widget.MediumImportance
	if len(s.profiles) == 0 {
		s.note.SetText("No Redox source is set up yet. " + noSourceYet(s.v.u.core.Policy()))
		s.note.Show()
	} else {
		s.note.Hide()
	}
}

// showProblem says the settings could not be read, and why.
func (s *sourceList) showProblem(err error) {
	s.note.Importance = widget.DangerImportance
	s.note.SetText("The settings could not be read: " + err.Error())
	s.note.Show()
}

// row is one saved source: its name and environment (Production unmistakable), whether the
// organisation set it, how it signs in and where it uploads, and its Edit and Remove buttons
// (Details alone when the policy keeps it from changing).
func (s *sourceList) row(p app.Profile) fyne.CanvasObject {
	locked := sourceLock(s.v.u.core.Policy(), p) != ""
	name := &widget.Label{Text: visible.Name(p.Name), TextStyle: fyne.TextStyle{Bold: true}}
	env := &widget.Label{Text: string(p.Environment)}
	if p.Environment == app.EnvProduction {
		env.Text, env.Importance, env.TextStyle = "PRODUCTION · real patient data", widget.DangerImportance, fyne.TextStyle{Bold: true}
	}
	heading := container.NewHBox(name, env)
	if p.Managed {
		heading.Add(&widget.Label{Text: setByOrganisation, Importance: widget.HighImportance, TextStyle: fyne.TextStyle{Bold: true}})
	}
	detail := &widget.Label{Text: fmt.Sprintf("%s · %s · files up to %s · %d at once",
		p.Auth.Label(), visible.Name(p.UploadHost()), client.HumanSize(p.MaxSize), p.Parallel),
		Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText}
	if n := len(p.WatchFolders); n > 0 {
		detail.Text += " · " + folderWords(n, false)
	}
	if p.Validate() != nil {
		detail.Text, detail.Importance = "Needs attention: some details are missing or wrong. Choose Edit to fix them.", widget.DangerImportance
		if locked {
			detail.Text = "Needs attention: some details are missing or wrong. " + askITForSource
		}
	}
	buttons := container.NewHBox()
	if locked {
		buttons.Add(&widget.Button{Text: "Details", Icon: theme.InfoIcon(), OnTapped: func() { s.onEdit(p) }})
	} else {
		buttons.Add(&widget.Button{Text: "Edit", Icon: theme.DocumentCreateIcon(), OnTapped: func() { s.onEdit(p) }})
		buttons.Add(&widget.Button{Text: "Remove", Icon: theme.DeleteIcon(), OnTapped: func() { s.onRemove(p) }})
	}
	return container.NewBorder(nil, nil, nil, container.NewCenter(buttons), container.NewVBox(heading, detail))
}

func (s *sourceList) onAdd() { s.v.openForm(nil) }

func (s *sourceList) onEdit(p app.Profile) { s.v.openForm(&p) }
