package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	native "github.com/sqweek/dialog"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// nativeFolderPicker asks for a folder with the platform's own dialog; "" when cancelled.
func nativeFolderPicker(title string) (string, error) {
	path, err := native.Directory().Title(title).Browse()
	if errors.Is(err, native.ErrCancelled) {
		return "", nil
	}
	return path, err
}

// watchSection is the "Watched folders" part of a source's form: the folders whose new files go
// to the source, each with how it is doing (watching, unavailable and why, read-only), Add a
// folder and Remove, the settle time, and whether closing the window keeps watching. On a
// read-only form (a source the organisation set, f.lock) the folders and the settle time are
// shown as they are, with no Add or Remove; whether closing keeps watching stays the user's.
type watchSection struct {
	f       *profileForm
	folders []string
	rows    *fyne.Container
	add     *widget.Button
	settle  *formEntry
	keep    *widget.Check // nil when there is no system tray to keep watching from
	// keepChosen: the person changed keep in this form. Only then does saving the form write
	// the preference: one never chosen stays unset, so closing the window still asks.
	keepChosen bool
}

func newWatchSection(f *profileForm, p app.Profile) *watchSection {
	s := &watchSection{f: f, folders: slices.Clone(p.WatchFolders), rows: container.NewVBox()}
	settle := ""
	if p.SettleSeconds > 0 {
		settle = strconv.Itoa(p.SettleSeconds)
	}
	s.settle = f.entry("settleSeconds", settle, strconv.Itoa(int(app.DefaultWatchSettle.Seconds())))
	s.add = &widget.Button{Text: "Add a folder…", Icon: theme.FolderNewIcon(), OnTapped: s.onAdd}
	if f.v.u.tray.desk != nil {
		s.keep = &widget.Check{Text: "Keep watching in the background when the window is closed",
			Checked: f.v.u.app.Preferences().String(closeToTrayPref) == closeToTrayKeep, OnChanged: s.onKeepChanged}
	}
	f.focus["watchFolders"] = s.add
	return s
}

// foldersContent is the list of folders with their states, Add a folder unless the form is
// read-only, and whether closing the window keeps watching.
func (s *watchSection) foldersContent() fyne.CanvasObject {
	s.show()
	box := container.NewVBox(s.rows)
	if s.f.lock == "" {
		box.Add(container.NewHBox(s.add))
	}
	switch {
	case s.keep != nil:
		box.Add(s.keep)
	case s.f.v.u.tray.atNextStart:
		box.Add(hintLabel("The system tray icon appears the next time Redox Uploader starts; until then, folders are watched while the window is open."))
	default:
		box.Add(hintLabel("There is no system tray here: folders are watched while the window is open."))
	}
	return box
}

// onKeepChanged notes that the person chose whether closing the window keeps watching.
func (s *watchSection) onKeepChanged(bool) {
	s.keepChosen = true
	if s.f.lock != "" { // a read-only form has no Save: the user's choice applies at once
		s.savePreference()
	}
}

// settleContent is the settle time field.
func (s *watchSection) settleContent() fyne.CanvasObject {
	text := s.settle.Text
	if text == "" {
		text = s.settle.PlaceHolder
	}
	return s.f.fixed(container.NewHBox(fieldWidth(s.settle, 90), widget.NewLabel("seconds")), text+" seconds")
}

// show lists the folders, each with its state; on the Fyne goroutine.
func (s *watchSection) show() {
	u := s.f.v.u
	var states map[string]folderState
	if s.f.original != nil {
		states = u.watch.folderStates(s.f.original.Name)
	}
	objs := make([]fyne.CanvasObject, 0, len(s.folders)+1)
	if len(s.folders) == 0 {
		objs = append(objs, hintLabel("No folder is watched for this source."))
	}
	for _, dir := range s.folders {
		path := &widget.Label{Text: visible.Name(dir), Wrapping: fyne.TextWrapBreak, TextStyle: fyne.TextStyle{Bold: true}}
		state := s.stateLabel(dir, states[dir])
		row := container.NewVBox(path, state)
		if s.f.lock != "" {
			objs = append(objs, row)
			continue
		}
		remove := &widget.Button{Text: "Remove", Icon: theme.DeleteIcon(), OnTapped: func() { s.remove(dir) }}
		objs = append(objs, container.NewBorder(nil, nil, nil, container.NewCenter(remove), row))
	}
	s.rows.Objects = objs
	s.rows.Refresh()
	if s.f.scroll != nil {
		s.f.scroll.Refresh()
	}
}

// stateLabel says how the folder dir is doing.
func (s *watchSection) stateLabel(dir string, st folderState) *widget.Label {
	l := &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	saved := s.f.original != nil && slices.Contains(s.f.original.WatchFolders, dir)
	switch {
	case !saved:
		l.Text = "Watched once the source is saved."
	case s.f.v.u.watch.isPaused():
		l.Text, l.Importance = "Paused: new files wait in the folder until watching is resumed (system tray menu).", widget.WarningImportance
	case st.takenBy != "":
		l.Text, l.Importance = "Not watched for this source: the source “"+st.takenBy+"” watches this folder, and a folder is "+
			"watched for one source only. Remove it here, or from the other source.", widget.WarningImportance
	case !st.watched:
		l.Text = "Starting…"
	case !st.available && st.problem != "":
		l.Text, l.Importance = "Unavailable: "+st.problem, widget.DangerImportance
	case !st.available:
		l.Text = "Looking at the folder…"
	case st.readOnly:
		l.Text, l.Importance = "Watching. Read-only folder: uploaded files stay in it, marked as sent, and are not sent again.",
			widget.WarningImportance
	default:
		l.Text, l.Importance = "Watching: new files are sent, then moved into its "+app.WatchUploadedFolder+" folder.",
			widget.SuccessImportance
	}
	l.Text = visible.Text(l.Text)
	return l
}

// onAdd asks for a folder with the native picker, off the Fyne goroutine, and lists it.
func (s *watchSection) onAdd() {
	u := s.f.v.u
	s.f.v.run(func(ctx context.Context) {
		dir := u.openFolder(ctx, "Choose a folder to watch")
		if dir == "" {
			return
		}
		fyne.Do(func() { s.addFolder(dir) })
	})
}

// addFolder lists dir, once.
func (s *watchSection) addFolder(dir string) {
	s.f.clearError("watchFolders")
	if !slices.Contains(s.folders, dir) {
		s.folders = append(s.folders, dir)
	}
	s.show()
}

func (s *watchSection) remove(dir string) {
	s.f.clearError("watchFolders")
	s.folders = slices.DeleteFunc(s.folders, func(d string) bool { return d == dir })
	s.show()
}

// read puts the folders and the settle time into p; false when the settle time is not a
// whole number (said beside it).
func (s *watchSection) read(p *app.Profile) bool {
	p.WatchFolders = slices.Clone(s.folders)
	text := strings.TrimSpace(s.settle.Text)
	if text == "" {
		return true
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		s.f.setError("settleSeconds", fmt.Sprintf("Enter the settle time in whole seconds, 1 to %d.", app.MaxSettleSeconds))
		return false
	}
	p.SettleSeconds = n
	return true
}

// savePreference remembers whether closing the window keeps watching: the user's own choice,
// on a source the organisation set too.
func (s *watchSection) savePreference() {
	if s.keep == nil || !s.keepChosen {
		return
	}
	choice := closeToTrayQuit
	if s.keep.Checked {
		choice = closeToTrayKeep
	}
	s.f.v.u.app.Preferences().SetString(closeToTrayPref, choice)
}

// onWatchChanged shows what is watched again: in the tray menu and in an open source form.
func (u *UI) onWatchChanged() {
	u.tray.refresh()
	if s := u.watch.section; s != nil && s.f.v.form == s.f {
		s.show()
	}
}
