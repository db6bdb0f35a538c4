package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's dialogs ignore Enter and Escape, and open with nothing focused: only Tab, Tab, Space
// closed them. The window's dialogs are built here instead, on Fyne's, with keys that answer.

// showDialog shows content under title, size wide (and high, when not 0), with one button, or
// two when yes is set: Escape answers no, Enter the default button (yes when there is one), and
// a button that has the keyboard (after Tab) takes Enter and Space itself. then, when not nil,
// gets the answer on the Fyne goroutine once the dialog has closed: false for no, Escape or any
// other way of closing it. Call it on the Fyne goroutine.
func (u *UI) showDialog(title string, content fyne.CanvasObject, size fyne.Size, no, yes string, then func(bool)) {
	u.showKeyedDialog(&dialogKeys{}, title, content, size, no, yes, then)
}

// showKeyedDialog is showDialog with keys made beforehand, for keyButtons of the content's own
// (newKeyButton), which then hand Escape to the dialog too.
func (u *UI) showKeyedDialog(keys *dialogKeys, title string, content fyne.CanvasObject, size fyne.Size, no, yes string, then func(bool)) {
	dlg := dialog.NewCustomWithoutButtons(title, content, u.win)
	keys.canvas, keys.dialog = u.win.Canvas(), dlg
	answer := false
	keys.escape = dlg.Hide
	noButton := newKeyButton(keys, no, dlg.Hide)
	buttons := []fyne.CanvasObject{noButton}
	keys.enter = dlg.Hide
	if yes != "" {
		noButton.Icon = theme.CancelIcon()
		yesButton := newKeyButton(keys, yes, func() {
			answer = true
			dlg.Hide()
		})
		yesButton.Icon, yesButton.Importance = theme.ConfirmIcon(), widget.HighImportance
		buttons = append(buttons, yesButton)
		keys.enter = yesButton.OnTapped
	} else {
		noButton.Importance = widget.HighImportance // the one button is the default: it looks it
	}
	dlg.SetButtons(buttons)
	dlg.SetOnClosed(func() {
		keys.release()
		if then != nil {
			then(answer)
		}
	})
	dlg.Resize(size)
	dlg.Show()
	keys.take()
}

// dialogKeys answers Enter and Escape for the dialog on top of canvas, through the window's key
// handler (which gets the keys while nothing in the dialog has the keyboard), and puts the
// handler it replaced back when the dialog closes.
type dialogKeys struct {
	canvas        fyne.Canvas
	dialog        dialog.Dialog
	enter, escape func()

	prev     func(*fyne.KeyEvent)
	overlays int  // the window's overlays while this dialog is the top one
	closed   bool // the dialog has closed: keys go to prev
}

// take installs the key handler; call it once the dialog shows.
func (k *dialogKeys) take() {
	k.overlays = len(k.canvas.Overlays().List())
	k.prev = k.canvas.OnTypedKey()
	k.canvas.Unfocus() // nothing in the dialog has the keyboard: the window's handler gets the keys
	k.canvas.SetOnTypedKey(k.typedKey)
}

// release puts the previous key handler back, unless a dialog opened over this one is still
// showing: that one's handler is then the window's, and puts back this one's, which now hands
// every key on to prev.
func (k *dialogKeys) release() {
	k.closed = true
	if len(k.canvas.Overlays().List()) < k.overlays {
		k.canvas.SetOnTypedKey(k.prev)
	}
}

func (k *dialogKeys) typedKey(ev *fyne.KeyEvent) {
	if !k.closed && len(k.canvas.Overlays().List()) == k.overlays && k.answers(ev.Name) {
		return
	}
	if k.prev != nil {
		k.prev(ev)
	}
}

// answers does what key means to the dialog, if anything, and says whether it did.
func (k *dialogKeys) answers(key fyne.KeyName) bool {
	switch key {
	case fyne.KeyEscape:
		k.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		k.enter()
	default:
		return false
	}
	return true
}

// detailsToggle is a dialog's "Details for IT": a button that shows or hides detail under it
// (hidden at first), and, unlike an accordion, hands Escape to the dialog once it has the
// keyboard.
func detailsToggle(keys *dialogKeys, detail fyne.CanvasObject) fyne.CanvasObject {
	detail.Hide()
	var b *keyButton
	b = newKeyButton(keys, "Details for IT", func() {
		if detail.Visible() {
			detail.Hide()
			b.SetIcon(theme.MenuExpandIcon())
		} else {
			detail.Show()
			b.SetIcon(theme.MenuDropDownIcon())
		}
		keys.dialog.Refresh() // grows or shrinks to the new content
	})
	b.Icon, b.Importance, b.Alignment = theme.MenuExpandIcon(), widget.LowImportance, widget.ButtonAlignLeading
	return container.NewVBox(b, detail)
}

// keyButton is a dialog's button: once it has the keyboard (Tab), Escape still closes the
// dialog, and Enter taps the button, as Space does.
type keyButton struct {
	widget.Button
	keys *dialogKeys
}

func newKeyButton(keys *dialogKeys, text string, tapped func()) *keyButton {
	b := &keyButton{keys: keys}
	b.Text, b.OnTapped = text, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		b.keys.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	default:
		b.Button.TypedKey(ev)
	}
}
