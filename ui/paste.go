package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/internal/clipfiles"
	"redoxuploader/internal/visible"
)

// pastedFolder is the folder, inside the app's data folder (the user's only), that pasted
// images are saved in before they are sent, and pasted virtual files (Windows: Outlook
// attachments), each paste in a folder of its own. It is removed when the window closes, and at the
// next start if the app did not close.
const pastedFolder = "Pasted images"

// paster is Paste (Ctrl+V, Edit → Paste): files copied in a file manager are added as a drop
// adds them; an image is saved as a PNG and sent once the person confirms it.
type paster struct {
	u    *UI
	dir  string                                           // where pasted images are saved
	read func(context.Context) (clipfiles.Content, error) // the platform's clipboard
	now  func() time.Time                                 // names the pasted image
	mu   sync.Mutex                                       // guards made
	made map[string]bool                                  // pasted images saved and not yet removed
}

func newPaster(u *UI) *paster {
	dir := filepath.Join(u.core.Paths.Data, pastedFolder)
	return &paster{
		u:   u,
		dir: dir,
		read: func(ctx context.Context) (clipfiles.Content, error) {
			return clipfiles.Read(ctx, clipfiles.Options{VirtualDir: dir})
		},
		now:  time.Now,
		made: map[string]bool{},
	}
}

// onPaste reads the clipboard off the Fyne goroutine and adds what it holds.
func (u *UI) onPaste() {
	u.bg.Go(u.paste.paste)
}

// paste adds what the clipboard holds, or says why there is nothing to add.
func (p *paster) paste(ctx context.Context) {
	c, err := p.read(ctx)
	switch {
	case err != nil:
		p.u.showError("The clipboard could not be read", &clipboardError{err})
	case len(c.Files) > 0 || len(c.Refused) > 0:
		p.track(c.Made)
		p.u.addDropped(c.Files, c.Refused)
	case len(c.Image) > 0:
		p.pasteImage(c)
	case c.Text:
		p.u.showMessage("There is no file on the clipboard",
			"The clipboard holds only text, so there is nothing to upload. To upload a file, copy it in your file manager "+
				"(or copy a picture or a screenshot), then paste it here with Ctrl+V.")
	default:
		p.u.showMessage("The clipboard is empty",
			"There is nothing on the clipboard to upload. Copy a file in your file manager, or a picture, then paste it here with Ctrl+V.")
	}
}

// pasteImage saves the clipboard's image as a PNG and asks before sending it.
func (p *paster) pasteImage(c clipfiles.Content) {
	img, err := clipfiles.DecodeImage(c.Image, c.ImageType)
	if err != nil {
		p.u.showError("The picture on the clipboard could not be read", &clipboardError{err})
		return
	}
	path, err := p.save(img)
	if err != nil {
		p.u.showError("The pasted picture could not be saved", &clipboardError{err})
		return
	}
	p.confirm(path, img)
}

// save writes img as "Pasted image DATE TIME.png" in the private folder.
func (p *paster) save(img image.Image) (string, error) {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return "", fmt.Errorf("making the folder for pasted images: %w", err)
	}
	if err := os.Chmod(p.dir, 0o700); err != nil {
		return "", fmt.Errorf("making the folder for pasted images private: %w", err)
	}
	path, err := clipfiles.SavePNG(p.dir, clipfiles.PastedImageName(p.now()), img)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.made[path] = true
	p.mu.Unlock()
	return path, nil
}

// confirm shows the saved picture with Upload and Cancel; Enter uploads, Escape cancels.
func (p *paster) confirm(path string, img image.Image) {
	if p.u.bg.done() {
		p.remove(path)
		return
	}
	size := ""
	if fi, err := os.Stat(path); err == nil {
		size = ", " + sizeText(fi.Size())
	}
	fyne.Do(func() {
		thumb := canvas.NewImageFromImage(img)
		thumb.FillMode = canvas.ImageFillContain
		thumb.ScaleMode = canvas.ImageScaleSmooth
		thumb.SetMinSize(fyne.NewSize(360, 240))
		b := img.Bounds()
		about := &widget.Label{Text: visible.Line(fmt.Sprintf("%s (%d × %d pixels%s)", filepath.Base(path), b.Dx(), b.Dy(), size)),
			Wrapping: fyne.TextWrapWord}
		question := widget.NewLabel("Upload this picture from the clipboard? (Enter uploads it, Escape cancels.)")
		var dlg dialog.Dialog
		c := p.u.win.Canvas()
		prevKey := c.OnTypedKey()
		answered := false
		answer := func(upload bool) {
			if answered {
				return
			}
			answered = true
			c.SetOnTypedKey(prevKey)
			dlg.Hide()
			if upload {
				p.u.addFiles([]string{path})
			} else {
				p.remove(path)
			}
		}
		upload := &widget.Button{Text: "Upload", Importance: widget.HighImportance, OnTapped: func() { answer(true) }}
		cancel := &widget.Button{Text: "Cancel", OnTapped: func() { answer(false) }}
		content := container.NewBorder(question, about, nil, nil, thumb)
		dlg = dialog.NewCustomWithoutButtons("Upload the pasted picture?", content, p.u.win)
		dlg.(*dialog.CustomDialog).SetButtons([]fyne.CanvasObject{cancel, upload})
		dlg.SetOnClosed(func() { answer(false) }) // closed another way: as Cancel
		c.Unfocus()
		c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
			switch ev.Name {
			case fyne.KeyReturn, fyne.KeyEnter:
				answer(true)
			case fyne.KeyEscape:
				answer(false)
			}
		})
		dlg.Show()
	})
}

// track notes files the clipboard reader saved (virtual files), to be removed as pasted
// images are.
func (p *paster) track(paths []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, path := range paths {
		p.made[path] = true
	}
}

// remove deletes a pasted image or virtual file the app saved, never another file, and the
// folder a virtual file was saved in once it is empty.
func (p *paster) remove(path string) {
	p.mu.Lock()
	mine := p.made[path]
	delete(p.made, path)
	p.mu.Unlock()
	if mine {
		os.Remove(path)
		if dir := filepath.Dir(path); dir != p.dir {
			os.Remove(dir) // only if empty
		}
	}
}

// uploadEnded removes a pasted image or virtual file once it is on Redox (done, or already there). One that
// failed or was cancelled stays, for "Upload again", until the window closes.
func (p *paster) uploadEnded(r app.Record) {
	if r.Status == app.StatusDone || r.Status == app.StatusDuplicate {
		p.remove(r.Path)
	}
}

// removeAll removes the folder of pasted images: at start (what a crash left) and at close.
func (p *paster) removeAll() {
	p.mu.Lock()
	clear(p.made)
	p.mu.Unlock()
	if err := os.RemoveAll(p.dir); err != nil {
		p.u.core.Log.Warn("the pasted images could not be removed", "err", err)
	}
}

// clipboardError is a clipboard problem in plain words, with the technical cause for IT.
type clipboardError struct{ err error }

func (e *clipboardError) Error() string {
	if errors.Is(e.err, clipfiles.ErrTimeout) {
		return "The program you copied from did not answer in time. Copy the file or picture again, then paste it here."
	}
	if errors.Is(e.err, clipfiles.ErrUnsupported) {
		return "Files and pictures cannot be pasted on this computer. Drag them onto the window, or use Add a file… or Add a folder…."
	}
	return "What is on the clipboard could not be used. Copy the file or picture again, or save it and drag it onto the window."
}
func (e *clipboardError) Detail() string { return e.err.Error() }
func (e *clipboardError) Unwrap() error  { return e.err }
