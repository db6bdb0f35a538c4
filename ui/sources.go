package ui

import (
	"errors"
	"fmt"
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// sourcePicker is the "Source" selector at the top of the window, with a badge that makes a
// Production source impossible to mistake for a test one.
type sourcePicker struct {
	u        *UI
	selector *widget.Select
	badge    *canvas.Text
	badgeBg  *canvas.Rectangle
	profiles []app.Profile // what the selector lists, in its order
}

func newSourcePicker(u *UI) *sourcePicker {
	sp := &sourcePicker{u: u, badge: canvas.NewText("", color.White), badgeBg: canvas.NewRectangle(color.Transparent)}
	sp.badge.TextStyle = fyne.TextStyle{Bold: true}
	sp.badge.TextSize = theme.CaptionTextSize() + 1
	sp.badgeBg.CornerRadius = 4
	sp.selector = &widget.Select{PlaceHolder: "Choose a Redox source", OnChanged: sp.onChanged}
	return sp
}

func (sp *sourcePicker) content() fyne.CanvasObject {
	badge := container.NewStack(sp.badgeBg, container.NewPadded(sp.badge))
	return container.NewHBox(widget.NewLabel("Source:"), container.NewGridWrap(fyne.NewSize(260, sp.selector.MinSize().Height), sp.selector), container.NewCenter(badge))
}

// sandboxOffText answers a start on the sandbox (--sandbox) where the organisation's policy
// switched it off.
const sandboxOffText = "Your organisation has switched off the built-in sandbox on this computer, so Redox Uploader " +
	"started without it. Upload to one of your Redox sources instead, or ask your IT department which one to use."

// label is how a profile reads in the selector, its name shown by visible.Name.
func label(p app.Profile) string {
	name := visible.Name(p.Name)
	if p.BuiltIn {
		return name + " (practice)"
	}
	if p.Environment == app.EnvProduction {
		return name + " — PRODUCTION"
	}
	return fmt.Sprintf("%s — %s", name, visible.Name(string(p.Environment)))
}

// reload reads the settings off the Fyne goroutine and shows them as showSettings does. When
// they cannot be read, it says so and lists the sources it has, but leaves the watchers as they
// are: followSettings runs them once the settings can be read again.
func (sp *sourcePicker) reload(startSandbox bool) {
	st, err := sp.u.core.LoadSettings()
	if err != nil {
		sp.u.showError("The settings could not be read", err)
		sp.list(st, startSandbox, true)
		return
	}
	sp.showSettings(st, startSandbox)
}

// showSettings takes in st, settings just read or saved, off the Fyne goroutine: it runs the
// watchers its sources call for (a source saved or removed: its folders are watched, or no
// longer) and lists its sources. A save or a removal that returns the settings needs no second
// read.
func (sp *sourcePicker) showSettings(st app.Settings, startSandbox bool) {
	sp.u.watch.update(st.Profiles)
	sp.list(st, startSandbox, true)
}

// follow takes in settings another window or the command line saved, off the Fyne goroutine:
// the watchers they call for, the sources listed again, and the source chosen kept, with its
// settings as saved now. A chosen source that is gone is replaced by none (the user chooses;
// files are never sent on to another), and the status line says why.
func (sp *sourcePicker) follow(st app.Settings) {
	sp.u.watch.update(st.Profiles)
	chosen, ok := sp.u.activeProfile()
	if !ok {
		sp.list(st, false, true) // nothing chosen yet: as at start
		return
	}
	st.Active = chosen.Name
	if saved, found := st.Profile(chosen.Name); found && !saved.UploadsLike(chosen) {
		sp.u.setStatus(fmt.Sprintf("The settings of %s were changed in another window or by the command line. "+
			"New files use them.", chosen.Name))
	} else if !found && !chosen.BuiltIn {
		sp.u.setStatus(fmt.Sprintf("%s was removed in another window or by the command line. Choose a source for new files.",
			chosen.Name))
	}
	sp.list(st, false, false)
}

// list lists the sources of st (and the sandbox when it runs or is asked for); with no source
// at all the welcome screen appears. The source chosen is st.Active's; when st has none of
// that name, the first listed with orFirst, else none. Off the Fyne goroutine.
func (sp *sourcePicker) list(st app.Settings, startSandbox, orFirst bool) {
	sp.u.autoCopy.Store(st.AutoCopy)
	profiles := append([]app.Profile(nil), st.Profiles...)
	sort.SliceStable(profiles, func(i, j int) bool { return profiles[i].Name < profiles[j].Name })
	active := st.Active
	if startSandbox || active == app.SandboxProfileName {
		sb, err := sp.u.core.Sandbox()
		switch {
		case errors.Is(err, app.ErrSandboxOff):
			if startSandbox { // asked for by name (--sandbox): say why it is not there; a sandbox last used is just left out
				sp.u.showMessage("The sandbox is switched off", sandboxOffText)
			}
		case err != nil:
			sp.u.showError("The sandbox could not start", err)
		default:
			profiles = append(profiles, sb)
			if startSandbox {
				active = sb.Name
			}
		}
	}
	chosen := app.Profile{}
	for _, p := range profiles {
		if strings.EqualFold(p.Name, active) || (orFirst && chosen.Name == "") {
			chosen = p
		}
	}
	sp.u.setActive(chosen) // at once: files given at start are added right after this returns
	fyne.Do(func() { sp.show(profiles, chosen) })
}

func (sp *sourcePicker) show(profiles []app.Profile, chosen app.Profile) {
	sp.profiles = profiles
	options := make([]string, len(profiles))
	for i, p := range profiles {
		options[i] = label(p)
	}
	sp.selector.SetOptions(options)
	if chosen.Name != "" {
		sp.selector.SetSelected(label(chosen))
	} else {
		sp.selector.ClearSelected()
	}
	sp.u.showBody(len(profiles) > 0)
}

func (sp *sourcePicker) onChanged(text string) {
	for _, p := range sp.profiles {
		if label(p) == text {
			sp.u.setActive(p)
			sp.showBadge(p)
			return
		}
	}
	sp.u.setActive(app.Profile{})
	sp.showBadge(app.Profile{})
}

// showBadge marks Production in red and the sandbox in green.
func (sp *sourcePicker) showBadge(p app.Profile) {
	switch {
	case p.Environment == app.EnvProduction:
		sp.badge.Text, sp.badgeBg.FillColor = "PRODUCTION · real patient data", color.NRGBA{R: 0xC6, G: 0x28, B: 0x28, A: 0xFF}
	case p.BuiltIn:
		sp.badge.Text, sp.badgeBg.FillColor = "SANDBOX · nothing leaves this computer", color.NRGBA{R: 0x2E, G: 0x7D, B: 0x32, A: 0xFF}
	case p.Name != "":
		sp.badge.Text, sp.badgeBg.FillColor = string(p.Environment), color.NRGBA{R: 0x45, G: 0x5A, B: 0x64, A: 0xFF}
	default:
		sp.badge.Text, sp.badgeBg.FillColor = "", color.Transparent
	}
	sp.badge.Refresh()
	sp.badgeBg.Refresh()
}
