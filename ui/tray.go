package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// closeToTrayPref is the app preference that says what closing the window does while folders
// are watched: closeToTrayKeep (hide it; the tray icon stays), closeToTrayQuit, or "" (ask).
const (
	closeToTrayPref = "closeToTray"
	closeToTrayKeep = "keep"
	closeToTrayQuit = "quit"
)

// tray is the system tray icon and its menu, shown while folders are watched: what is watched,
// the last result, Open, Pause or Resume watching, Quit. Where no icon can be shown (no desktop
// app, no StatusNotifier host on Linux, or no folder watched when the window opened), desk is
// nil: the menu is still built, and closing the window quits as it always did.
type tray struct {
	u    *UI
	desk desktop.App // nil when there is no tray icon
	menu *fyne.Menu  // the menu as last built
	// atNextStart: a tray host runs, but no folder was watched when the window opened, so the
	// icon comes at the next start.
	atNextStart bool
}

// newTray sets up the tray icon, before the app runs, when there is a tray host and a saved
// source watches folders; otherwise it logs why there is no icon. It must run before the app
// does: Fyne starts its tray once, as the app starts running, and an icon first set up after
// that never reaches the tray host. So a window opened with no folder watched gets no icon
// until the next start (closing it quits), even if a folder is added meanwhile.
func newTray(u *UI) *tray {
	t := &tray{u: u}
	desk, ok := u.app.(desktop.App)
	why := "the app has no system tray on this platform"
	if ok {
		ok, why = trayHost()
	}
	var saved watchSummary // what the saved sources watch
	if ok {
		st, err := u.core.LoadSettings()
		if err != nil {
			u.core.Log.Warn("the settings could not be read in full for the tray icon", "error", err.Error())
		}
		saved = summarize(st.Profiles, false, app.WatchEvent{})
		if !saved.watching() {
			ok, why, t.atNextStart = false, "no folder was watched when the window opened", true
		}
	}
	if !ok {
		u.core.Log.Info("no system tray icon: closing the window quits, and watched folders are watched only while it is open", "why", why)
		return t
	}
	// The menu of the saved sources, as refresh builds it once the watchers start: Fyne puts
	// this first menu in the tray as the app starts, which may be after refresh has run.
	t.desk = desk
	t.menu = t.build(saved)
	desk.SetSystemTrayMenu(t.menu)
	return t
}

// refresh builds the menu again from what is watched, and puts it in the tray icon; on the
// Fyne goroutine.
func (t *tray) refresh() {
	t.menu = t.build(t.u.watch.summary())
	if t.desk != nil {
		t.desk.SetSystemTrayMenu(t.menu)
	}
}

// build is the menu's model for s.
func (t *tray) build(s watchSummary) *fyne.Menu {
	var items []*fyne.MenuItem
	info := func(text string) { items = append(items, &fyne.MenuItem{Label: visible.Line(text), Disabled: true}) }
	switch {
	case !s.watching():
		info("No folder is watched")
	case s.paused:
		info("Watching paused")
	}
	for _, src := range s.sources {
		info(fmt.Sprintf("%s: %s", src.name, folderWords(src.folders, s.paused)))
	}
	if s.last.Outcome != "" {
		info(fmt.Sprintf("Last: %s at %s", outcomeWords(s.last), s.last.Time.Local().Format("15:04")))
	} else if s.watching() {
		info("Nothing sent yet")
	}
	pause := &fyne.MenuItem{Label: "Pause watching", Action: func() { t.u.watch.setPaused(true) }}
	if s.paused {
		pause = &fyne.MenuItem{Label: "Resume watching", Action: func() { t.u.watch.setPaused(false) }}
	}
	pause.Disabled = !s.watching()
	items = append(items, fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: "Open Redox Uploader", Action: t.u.showWindow},
		pause,
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: "Quit", IsQuit: true, Action: t.u.quit})
	return fyne.NewMenu("Redox Uploader", items...)
}

// folderWords says how many folders a source watches, or that watching is paused.
func folderWords(n int, paused bool) string {
	what := "folders"
	if n == 1 {
		what = "folder"
	}
	if paused {
		return fmt.Sprintf("%d %s (paused)", n, what)
	}
	return fmt.Sprintf("watching %d %s", n, what)
}

// showWindow brings the window back from the tray.
func (u *UI) showWindow() {
	u.win.Show()
	u.win.RequestFocus()
}

// quit closes the window for good and ends the app (and the watching). Closing the window
// alone does not end an app whose tray icon is up: Fyne keeps it running in the tray.
func (u *UI) quit() {
	if u.onQuit != nil {
		u.onQuit()
	}
	u.win.Close()
	u.app.Quit()
}

// onCloseRequested is what closing the window does: with folders watched and a tray to go to,
// the window hides and the watching goes on (asked once, remembered; Settings changes it);
// otherwise it closes and the app ends.
func (u *UI) onCloseRequested() {
	if u.tray.desk == nil || !u.watch.summary().watching() {
		u.quit()
		return
	}
	switch u.app.Preferences().String(closeToTrayPref) {
	case closeToTrayKeep:
		u.win.Hide()
	case closeToTrayQuit:
		u.quit()
	default:
		u.confirmWith("Keep watching folders?", "Folders are watched for new files. Keep watching in the background "+
			"when the window is closed? The Redox Uploader icon in the system tray opens the window again or quits. "+
			"You can change this in Settings, in a source's Watched folders.", "Keep watching", "Quit", func(keep bool) {
			if keep {
				u.app.Preferences().SetString(closeToTrayPref, closeToTrayKeep)
				u.win.Hide()
				return
			}
			u.app.Preferences().SetString(closeToTrayPref, closeToTrayQuit)
			u.quit()
		})
	}
}
