package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
)

// showSettings opens the settings: the saved Redox sources and the general preferences.
func (u *UI) showSettings() { u.openSettings(false) }

// showAddSource opens the settings directly on a new, empty source (the first-run screen's
// "Add a Redox source"), unless the organisation's policy keeps users from adding sources.
func (u *UI) showAddSource() {
	if u.core.Policy().UserSourcesLocked() {
		u.showMessage(setByOrganisation, lockedSourcesReason+" "+askITForSource)
		return
	}
	u.openSettings(true)
}

// settingsView is the settings dialog. Its list page has three tabs, Sources (sourceList),
// General (generalPage) and Network (networkPage); Add and Edit swap the page for a
// profileForm. The settings file and the keychain are only touched off the Fyne goroutine,
// through run.
type settingsView struct {
	u      *UI
	dlg    *dialog.CustomDialog
	root   *fyne.Container   // the list page, or a profile form
	list   fyne.CanvasObject // the list page; nil when opened on a new source
	direct bool              // opened on a new source: leaving the form closes the dialog

	sources *sourceList  // the Sources tab; nil when opened on a new source
	general *generalPage // the General tab; nil when opened on a new source
	network *networkPage // the Network tab; nil when opened on a new source
	form    *profileForm // the form on show, or nil

	canvas       fyne.Canvas
	overlays     int // overlays on the window while this dialog is the top one
	prevTypedKey func(*fyne.KeyEvent)

	work sync.WaitGroup // work under way off the Fyne goroutine; tests wait for it
}

// openSettings shows the dialog, on a new source when newSource is set. It returns nil and
// shows nothing when a dialog is already open over the window (this one, say, reopened with
// Ctrl+,): that one is answered first.
func (u *UI) openSettings(newSource bool) *settingsView {
	c := u.win.Canvas()
	if c.Overlays().Top() != nil {
		return nil
	}
	v := &settingsView{u: u, direct: newSource, canvas: c, root: container.NewStack()}
	title := "Settings"
	if newSource {
		title = "Add a Redox source"
	}
	v.dlg = dialog.NewCustomWithoutButtons(title, v.root, u.win)
	v.dlg.SetOnClosed(v.onClosed)
	if newSource {
		v.openForm(nil)
	} else {
		v.list = v.listPage()
		v.root.Objects = []fyne.CanvasObject{v.list}
	}
	size := c.Size()
	v.dlg.Resize(fyne.NewSize(min(780, size.Width-24), min(660, size.Height-24)))
	v.dlg.Show()
	if v.form != nil {
		v.form.focusFirst()
	}
	// Fyne's dialogs ignore Escape: it reaches the window only when no field has the focus,
	// so the window's key handler answers it here and the form's entries hand it on too.
	v.overlays = len(c.Overlays().List())
	v.prevTypedKey = c.OnTypedKey()
	c.SetOnTypedKey(v.onTypedKey)
	if !newSource {
		v.run(v.load)
	}
	return v
}

// run does fn off the Fyne goroutine, as the window's background work (background.Go): ctx
// ends when the window closes. Handlers call it last, once the widgets are as they should be
// while fn runs.
func (v *settingsView) run(fn func(ctx context.Context)) {
	v.work.Add(1)
	started := v.u.bg.Go(func(ctx context.Context) {
		defer v.work.Done()
		fn(ctx)
	})
	if !started {
		v.work.Done()
	}
}

// wait returns when the work started by run has finished (for tests; what that work passed to
// fyne.Do may still be waiting its turn on the UI goroutine).
func (v *settingsView) wait() { v.work.Wait() }

// listPage is the dialog's page of tabs, with Close below them.
func (v *settingsView) listPage() fyne.CanvasObject {
	v.sources = newSourceList(v)
	v.general = newGeneralPage(v)
	v.network = newNetworkPage(v)
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon("Sources", theme.StorageIcon(), container.NewPadded(v.sources.content())),
		container.NewTabItemWithIcon("General", theme.SettingsIcon(), container.NewPadded(v.general.content())),
		container.NewTabItemWithIcon("Network", theme.ComputerIcon(), container.NewPadded(v.network.content())),
	)
	closeBtn := &widget.Button{Text: "Close", OnTapped: v.onClose}
	return container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), closeBtn), nil, nil, tabs)
}

// load reads the settings off the Fyne goroutine and shows them on every tab.
func (v *settingsView) load(context.Context) {
	st, err := v.u.core.LoadSettings()
	fyne.Do(func() { v.show(st, err) })
}

func (v *settingsView) show(st app.Settings, err error) {
	if err != nil {
		v.sources.showProblem(err)
		return
	}
	v.sources.show(st.Profiles)
	v.general.show(st)
	v.network.show(st)
}

// openForm swaps the page for the form of p, or of a new source when p is nil.
func (v *settingsView) openForm(p *app.Profile) {
	v.form = newProfileForm(v, p)
	v.root.Objects = []fyne.CanvasObject{v.form.content()}
	v.root.Refresh()
	if v.list != nil { // else openSettings focuses it once the dialog shows
		v.form.focusFirst()
	}
	if p != nil {
		v.form.checkStoredSecret()
	}
}

// closeForm goes back to the list, or closes the dialog when it was opened on the form.
func (v *settingsView) closeForm() {
	if v.form != nil {
		v.form.stopTest()
		v.form = nil
	}
	v.canvas.Unfocus() // the focused field is gone with the form
	if v.direct {
		v.dlg.Hide()
		return
	}
	v.root.Objects = []fyne.CanvasObject{v.list}
	v.root.Refresh()
}

func (v *settingsView) onClose() { v.dlg.Hide() }

func (v *settingsView) onClosed() {
	v.canvas.SetOnTypedKey(v.prevTypedKey)
	v.canvas.Unfocus()
	if v.form != nil {
		v.form.stopTest()
	}
	if v.network != nil {
		v.network.stopCheck()
	}
}

func (v *settingsView) onTypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		v.onEscape()
		return
	}
	if v.prevTypedKey != nil {
		v.prevTypedKey(ev)
	}
}

// onEscape closes what is on top: a message over the settings, else the form, else the
// dialog.
func (v *settingsView) onEscape() {
	if o := v.canvas.Overlays(); len(o.List()) > v.overlays {
		o.Top().Hide()
		return
	}
	if v.form != nil {
		v.form.onCancel()
		return
	}
	v.dlg.Hide()
}
