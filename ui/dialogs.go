package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	native "github.com/sqweek/dialog"
	"redoxuploader/app"

	"redoxuploader/internal/visible"
)

// Dialogs are the operating system's file dialogs. They block, so the UI calls them from their
// own goroutine; tests replace them.
type Dialogs struct {
	OpenFile func(title string) (string, error)         // "" when the user cancels
	SaveFile func(suggestedName string) (string, error) // "" when the user cancels
}

// NativeDialogs uses the platform's own file dialogs.
func NativeDialogs() Dialogs {
	cancelled := func(path string, err error) (string, error) {
		if errors.Is(err, native.ErrCancelled) {
			return "", nil
		}
		return path, err
	}
	return Dialogs{
		OpenFile: func(title string) (string, error) {
			return cancelled(native.File().Title(title).Load())
		},
		SaveFile: func(name string) (string, error) {
			return cancelled(native.File().Title("Export the upload history").Filter("CSV file", "csv").SetStartFile(name).Save())
		},
	}
}

// openFile asks for a file to open with the native dialog, off the Fyne goroutine; "" when
// the person cancels, when the window closes first (see ask), or when the picker could not
// open, which it says.
func (u *UI) openFile(ctx context.Context, title string) string {
	path, err := ask(ctx, func() (string, error) { return u.dialogs.OpenFile(title) })
	if err != nil {
		u.showError("The file picker could not open", err)
		return ""
	}
	return path
}

// openFolder asks for a folder with the native dialog (UI.pickFolder), off the Fyne goroutine;
// "" as openFile.
func (u *UI) openFolder(ctx context.Context, title string) string {
	dir, err := ask(ctx, func() (string, error) { return u.pickFolder(title) })
	if err != nil {
		u.showError("The folder picker could not open", err)
		return ""
	}
	return dir
}

// saveFile asks where to save a file with the native dialog, off the Fyne goroutine; "" when
// the person cancels, or when the window closes first (see ask).
func (u *UI) saveFile(ctx context.Context, suggestedName string) (string, error) {
	return ask(ctx, func() (string, error) { return u.dialogs.SaveFile(suggestedName) })
}

// showError shows err's plain message, with the technical detail behind "Details for IT"; safe
// from any goroutine. Enter and Escape close it, as they do every dialog of showDialog. Like
// every dialog and the status line, it shows the names the text quotes through package visible,
// so none hides its true form. Once the window has closed, no dialog is shown: work it ended may
// still report how it ended.
func (u *UI) showError(title string, err error) {
	if u.bg.done() {
		return
	}
	detail := ""
	var d interface{ Detail() string } // *client.Error, or a journaled row's error
	if errors.As(err, &d) {
		detail = d.Detail()
	}
	fyne.Do(func() {
		msg := widget.NewLabel(visible.Text(app.SurfaceWindow.Explain(err)))
		msg.Wrapping = fyne.TextWrapWord
		content := container.NewVBox(msg)
		keys := &dialogKeys{}
		if detail != "" && detail != err.Error() {
			d := widget.NewLabel(visible.Text(detail))
			d.Wrapping = fyne.TextWrapWord
			d.TextStyle = fyne.TextStyle{Monospace: true}
			content.Add(detailsToggle(keys, d))
		}
		u.showKeyedDialog(keys, visible.Line(title), content, fyne.NewSize(520, 0), "Close", "", nil)
	})
}

// showMessage shows a plain note; safe from any goroutine.
func (u *UI) showMessage(title, text string) {
	if u.bg.done() {
		return
	}
	fyne.Do(func() {
		msg := widget.NewLabel(visible.Text(text))
		msg.Wrapping = fyne.TextWrapWord
		u.showDialog(visible.Line(title), msg, fyne.NewSize(460, 0), "OK", "", nil)
	})
}

// confirm asks a yes/no question and calls then with the answer on the Fyne goroutine; safe
// from any goroutine. Enter answers yes, Escape no.
func (u *UI) confirm(title, text, yes string, then func(bool)) {
	u.confirmWith(title, text, yes, "Cancel", then)
}

// confirmWith is confirm with its own label for the "no" button.
func (u *UI) confirmWith(title, text, yes, no string, then func(bool)) {
	if u.bg.done() {
		return
	}
	fyne.Do(func() {
		msg := widget.NewLabel(visible.Text(text))
		msg.Wrapping = fyne.TextWrapWord
		u.showDialog(visible.Line(title), msg, fyne.NewSize(460, 0), no, yes, then)
	})
}

// copyText puts text on the clipboard and says so in the status line.
func (u *UI) copyText(text, what string) {
	u.app.Clipboard().SetContent(text)
	u.status.SetText(visible.Line(what + " copied."))
}
