package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
)

// generalPage is Settings → General: copying each URI, notifications, and how long the history
// is kept. Each change is saved at once.
type generalPage struct {
	v             *settingsView
	autoCopy      *widget.Check
	notifications *widget.Check
	retention     *widget.Select
}

func newGeneralPage(v *settingsView) *generalPage {
	g := &generalPage{v: v}
	g.autoCopy = &widget.Check{Text: "Copy the URI of each finished upload to the clipboard automatically", OnChanged: g.onAutoCopy}
	g.notifications = &widget.Check{Text: "Show a system notification when a batch of uploads finishes", OnChanged: g.onNotifications}
	g.retention = &widget.Select{Options: retentionOptions(0), OnChanged: g.onRetention}
	for _, w := range []fyne.Disableable{g.autoCopy, g.notifications, g.retention} {
		w.Disable() // until the settings are read
	}
	return g
}

func (g *generalPage) content() fyne.CanvasObject {
	keep := container.New(layout.NewFormLayout(),
		formLabel("Upload history"), container.NewVBox(container.NewHBox(g.retention),
			hintLabel("Older uploads are removed from the history when Redox Uploader starts. Files already in Redox are not affected.")))
	return container.NewVBox(g.autoCopy, g.notifications, widget.NewSeparator(), keep)
}

// show sets the page from st without saving anything back.
func (g *generalPage) show(st app.Settings) {
	g.autoCopy.Checked = st.AutoCopy
	g.notifications.Checked = st.Notifications
	g.retention.Options = retentionOptions(st.RetentionDays)
	g.retention.Selected = retentionLabel(st.RetentionDays)
	for _, w := range []fyne.Disableable{g.autoCopy, g.notifications, g.retention} {
		w.Enable()
	}
	g.autoCopy.Refresh()
	g.notifications.Refresh()
	g.retention.Refresh()
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
