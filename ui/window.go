package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/internal/visible"
)

// build lays out the window: the source picker and actions on top, the Upload and History
// tabs (or the welcome screen) in the middle, a status line at the bottom.
func (u *UI) build() {
	u.sources = newSourcePicker(u)
	u.queue = newQueueView(u)
	u.history = newHistoryView(u)
	u.status = &widget.Label{Text: "Drop files anywhere on this window to upload them.", Truncation: fyne.TextTruncateEllipsis}

	add := &widget.Button{Text: addFileLabel, Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: u.onAddFiles}
	settings := &widget.Button{Text: "Settings", Icon: theme.SettingsIcon(), OnTapped: u.showSettings}
	top := []fyne.CanvasObject{container.NewBorder(nil, nil, u.sources.content(), container.NewHBox(add, u.addFolderButton(), settings))}
	if err := u.core.ReadOnly(); err != nil { // a full disk or a read-only folder: say so before anyone drops a file
		top = append(top, readOnlyBanner(err))
	}
	if pol := u.core.Policy(); pol != nil && pol.Problem != nil { // what could not be read is locked: say why
		u.policyBanner = newPolicyBanner(pol.Problem, func() { u.win.Content().Refresh() })
		top = append(top, u.policyBanner.content())
	}

	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Upload", theme.UploadIcon(), u.queue.content()),
		container.NewTabItemWithIcon("History", theme.HistoryIcon(), u.history.content()),
	)
	u.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "History" {
			u.history.reload()
		}
	}
	u.body = container.NewStack(widget.NewLabel("Loading your Redox sources…"))
	u.win.SetContent(container.NewBorder(container.NewPadded(stacked(top)), container.NewPadded(u.status), nil, nil, u.body))
	// Paste carries no shortcut: Fyne runs a menu item's shortcut before the text field that has
	// the keyboard, so Ctrl+V in a secret's field or the search box would send the file on the
	// clipboard instead of pasting text. Ctrl+V outside text fields is addShortcuts'.
	u.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("Edit",
		fyne.NewMenuItem("Paste", u.onPaste)), fyne.NewMenu("Help",
		fyne.NewMenuItem("Copy diagnostics", u.onCopyDiagnostics),
		fyne.NewMenuItem("Open log folder", u.onOpenLogFolder),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("About Redox Uploader", u.showAbout))))
	u.acceptOLEDrops() // Windows: Outlook attachments and other virtual files (drop_windows.go)
}

// stacked is the one object in objs, or objs one above the other.
func stacked(objs []fyne.CanvasObject) fyne.CanvasObject {
	if len(objs) == 1 {
		return objs[0]
	}
	return container.NewVBox(objs...)
}

// readOnlyBanner says, above everything, that the history can only be read, so files cannot be
// sent, why, and what to do.
func readOnlyBanner(err error) fyne.CanvasObject {
	text := &widget.Label{Text: visible.Text(err.Error()), Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance,
		TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, text)
}

// showBody shows the tabs once there is a source to upload to, and the welcome screen before.
func (u *UI) showBody(haveSources bool) {
	if haveSources {
		u.body.Objects = []fyne.CanvasObject{u.tabs}
	} else {
		u.body.Objects = []fyne.CanvasObject{newWelcome(u)}
	}
	u.body.Refresh()
}

// addShortcuts: Ctrl+O add a file, Ctrl+Shift+O a folder, Ctrl+F search history, Ctrl+C copy the selected history
// row's URI, Ctrl+R resend it, Ctrl+V paste files or a picture (paste.go), Ctrl+, settings.
// (The settings dialog handles Escape itself.) None of them acts while a dialog is open: a
// Ctrl+V meant for the dialog must not send a file behind it, nor Ctrl+R resend one.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	add := func(s fyne.Shortcut, fn func()) {
		c.AddShortcut(s, func(fyne.Shortcut) {
			if c.Overlays().Top() == nil {
				fn()
			}
		})
	}
	on := func(key fyne.KeyName, fn func()) {
		add(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, fn)
	}
	on(fyne.KeyO, u.onAddFiles)
	add(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}, u.onAddFolder)
	on(fyne.KeyF, func() {
		u.tabs.SelectIndex(1)
		u.history.focusSearch()
	})
	on(fyne.KeyR, func() {
		if u.tabs.SelectedIndex() == 1 {
			u.history.resendSelected()
		}
	})
	on(fyne.KeyComma, u.showSettings)
	// Ctrl+C is Fyne's copy shortcut: entries keep it for text; elsewhere it copies the URI.
	add(&fyne.ShortcutCopy{}, func() {
		if u.tabs.SelectedIndex() == 1 {
			u.history.copySelectedURI()
		}
	})
	// Ctrl+V is Fyne's paste shortcut: entries keep it for text; elsewhere it pastes files.
	add(&fyne.ShortcutPaste{}, u.onPaste)
}

// onAddFiles opens the native file picker off the Fyne goroutine.
func (u *UI) onAddFiles() {
	u.bg.Go(func(ctx context.Context) {
		if path := u.openFile(ctx, "Add a file to upload to Redox"); path != "" {
			u.addFiles([]string{path})
		}
	})
}

// onDropped takes files and folders dropped anywhere on the window. Items that are not local
// files (a link from a browser, say) are named in a message; the rest are queued.
func (u *UI) onDropped(_ fyne.Position, items []fyne.URI) {
	var paths, refused []string
	for _, it := range items {
		if it.Scheme() == "file" && it.Path() != "" {
			paths = append(paths, it.Path())
			continue
		}
		refused = append(refused, it.String())
	}
	u.addDropped(paths, refused)
}

// addDropped queues the local files paths, as a drop or a paste gives them, and names in a
// message the items refused that are not local files; safe from any goroutine.
func (u *UI) addDropped(paths, refused []string) {
	if len(refused) > 0 {
		named := make([]string, len(refused))
		for i, s := range refused {
			named[i] = describeURI(s)
		}
		u.showMessage("Only files from this computer can be uploaded",
			fmt.Sprintf("%s %s not a file on this computer (for example a web link or an e-mail attachment that was not saved). "+
				"Save it to a folder first, then drop the saved file here.", strings.Join(named, ", "), isAre(len(named))))
	}
	if len(paths) > 0 {
		u.addFiles(paths)
	}
}

func describeURI(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Scheme + "://" + u.Host + "/…"
	}
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return "“" + s + "”"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
