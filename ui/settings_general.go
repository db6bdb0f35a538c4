package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
)

// generalPage is Settings → General: copying each URI, notifications, and how long the history
// is kept. Each change is saved at once. What the organisation's policy locks is disabled and
// marked, and retentions under its minimum are not offered.
type generalPage struct {
	v             *settingsView
	pol           *app.Policy
	autoCopy      *widget.Check
	notifications *widget.Check
	retention     *widget.Select
	kept          *widget.Label // the retention the policy sets, shown instead of retention
}

func newGeneralPage(v *settingsView) *generalPage {
	g := &generalPage{v: v, pol: v.u.core.Policy()}
	g.autoCopy = &widget.Check{Text: "Copy the URI of each finished upload to the clipboard automatically", OnChanged: g.onAutoCopy}
	g.notifications = &widget.Check{Text: "Show a system notification when a batch of uploads finishes", OnChanged: g.onNotifications}
	g.retention = &widget.Select{Options: retentionOptions(0, 0), OnChanged: g.onRetention}
	g.kept = &widget.Label{}
	for _, w := range []fyne.Disableable{g.autoCopy, g.notifications, g.retention} {
		w.Disable() // until the settings are read
	}
	return g
}

func (g *generalPage) content() fyne.CanvasObject {
	choice := fyne.CanvasObject(container.NewHBox(g.retention))
	if g.pol.RetentionLocked() { // a disabled choice is too faint to read
		choice = g.kept
	}
	history := container.NewVBox(choice,
		hintLabel("Older uploads are removed from the history when Redox Uploader starts. Files already in Redox are not affected."))
	switch {
	case g.pol.RetentionLocked():
		history.Add(organisationNote(""))
	case g.minimumRetention() > 0:
		history.Add(organisationNote(fmt.Sprintf("Your organisation keeps the history for at least %d days.", g.minimumRetention())))
	}
	keep := container.New(layout.NewFormLayout(), formLabel("Upload history"), history)
	page := container.NewVBox(g.autoCopy)
	if g.pol.AutoCopyLocked() {
		page.Add(organisationNote(""))
	}
	page.Add(g.notifications)
	if g.pol.NotificationsLocked() {
		page.Add(organisationNote(""))
	}
	page.Add(widget.NewSeparator())
	page.Add(keep)
	return page
}

// show sets the page from st without saving anything back.
func (g *generalPage) show(st app.Settings) {
	g.autoCopy.Checked = st.AutoCopy
	g.notifications.Checked = st.Notifications
	g.retention.Options = retentionOptions(st.RetentionDays, g.minimumRetention())
	g.retention.Selected = retentionLabel(st.RetentionDays)
	g.kept.SetText(retentionLabel(st.RetentionDays))
	setEnabled(!g.pol.AutoCopyLocked(), g.autoCopy)
	setEnabled(!g.pol.NotificationsLocked(), g.notifications)
	setEnabled(!g.pol.RetentionLocked(), g.retention)
	g.autoCopy.Refresh()
	g.notifications.Refresh()
	g.retention.Refresh()
}

// minimumRetention is the shortest retention, in days, the policy lets users choose; 0: any.
func (g *generalPage) minimumRetention() int {
	if g.pol == nil {
		return 0
	}
	return g.pol.MinimumRetentionDays
}

func (g *generalPage) onAutoCopy(on bool) {
	g.save(func(st *app.Settings) { st.AutoCopy = on }, func() { g.v.u.autoCopy.Store(on) })
}

func (g *generalPage) onNotifications(on bool) {
	g.save(func(st *app.Settings) { st.Notifications = on }, nil)
}

func (g *generalPage) onRetention(choice string) {
	days, _ := strconv.Atoi(strings.TrimSuffix(choice, " days")) // "Keep forever" reads as 0
	g.save(func(st *app.Settings) { st.RetentionDays = days }, nil)
}

// save changes one general setting in the settings file off the Fyne goroutine; if that fails
// it says why and shows what is saved.
func (g *generalPage) save(change func(*app.Settings), saved func()) {
	u := g.v.u
	g.v.run(func(context.Context) {
		err := u.core.SavePreferences(change)
		if err != nil {
			u.showError("The setting could not be saved", err)
			if st, err := u.core.LoadSettings(); err == nil {
				fyne.Do(func() { g.show(st) })
			}
			return
		}
		if saved != nil {
			saved()
		}
	})
}
