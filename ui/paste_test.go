package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
	"redoxuploader/internal/clipfiles"
)

// pasteTestUI is a window on the sandbox whose clipboard holds c (or fails with err), and
// whose pasted images are named for 26 Nov 2026 09:03:07.
func pasteTestUI(t *testing.T, c clipfiles.Content, err error) *testUI {
	tu := newTestUI(t, true)
	tu.paste.read = func(context.Context) (clipfiles.Content, error) { return c, err }
	tu.paste.now = func() time.Time { return time.Date(2026, 11, 26, 9, 3, 7, 0, time.Local) }
	return tu
}

// waitText waits until the window (its dialogs included) shows text.
func (tu *testUI) waitText(t *testing.T, text string) string {
	t.Helper()
	var markup string
	tu.waitFor(t, "“"+text+"”", func() bool {
		markup = test.RenderToMarkup(tu.win.Canvas())
		return strings.Contains(markup, text)
	})
	return markup
}

func TestPasteFilesQueuesThemAndRefusesOthers(t *testing.T) {
	a, b := writeTestFile(t, "Scan 12 March.pdf", 3000), writeTestFile(t, "Écho 100%.png", 4000)
	tu := pasteTestUI(t, clipfiles.Content{Files: []string{a, b}, Refused: []string{"https://example.org/x.pdf"}}, nil)
	fyne.DoAndWait(tu.onPaste)
	rows := tu.waitQueued(t, 2)
	for i, name := range []string{"Scan 12 March.pdf", "Écho 100%.png"} {
		if rows[i].rec.Name != name || rows[i].rec.Status != app.StatusDone {
			t.Errorf("row %d: %+v, want %q uploaded", i, rows[i].rec, name)
		}
	}
	if markup := tu.waitText(t, "Only files from this computer can be uploaded"); !strings.Contains(markup, "example.org") {
		t.Error("the message does not name the refused item")
	}
}

func TestPasteTextOnlySaysThereIsNoFile(t *testing.T) {
	tu := pasteTestUI(t, clipfiles.Content{Text: true}, nil)
	fyne.DoAndWait(tu.onPaste)
	tu.waitText(t, "The clipboard holds only text, so there is nothing to upload.")
}

func TestPasteOwnerNotAnsweringIsPlain(t *testing.T) {
	tu := pasteTestUI(t, clipfiles.Content{}, errors.Join(errors.New("reading the clipboard as TARGETS"), clipfiles.ErrTimeout))
	fyne.DoAndWait(tu.onPaste)
	markup := tu.waitText(t, "The program you copied from did not answer in time.")
	if !strings.Contains(markup, "Details for IT") {
		t.Error("no technical detail behind Details for IT")
	}
}

// testPicture is a small image with colours in every channel, and its PNG.
func testPicture(t *testing.T) (image.Image, []byte) {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			img.Set(x, y, color.NRGBA{uint8(x * 6), uint8(y * 8), uint8(x + y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return img, b.Bytes()
}

// pastePicture pastes testPicture into a window on the sandbox and waits for the question
// whether to upload it; it returns the window, the picture and where it was saved.
func pastePicture(t *testing.T) (tu *testUI, src image.Image, saved string) {
	t.Helper()
	src, data := testPicture(t)
	tu = pasteTestUI(t, clipfiles.Content{Image: data, ImageType: "image/png"}, nil)
	fyne.DoAndWait(tu.onPaste)
	tu.waitText(t, "Upload this picture from the clipboard?")
	return tu, src, filepath.Join(tu.core.Paths.Data, pastedFolder, "Pasted image 2026-11-26 09.03.07.png")
}

// A pasted picture is saved as a PNG with the same pixels, in a folder of the user's only,
// shown for confirmation, sent on Enter, and removed once it is on Redox.
func TestPasteImageConfirmedWithEnterIsUploaded(t *testing.T) {
	tu, src, saved := pastePicture(t)
	got, sum := readPNG(t, saved)
	if !samePicture(got, src) {
		t.Error("the saved PNG's pixels differ from the clipboard's picture")
	}
	for path, want := range map[string]os.FileMode{saved: 0o600, filepath.Dir(saved): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v, %v; want mode %v", path, fi, err, want)
		}
	}
	if len(tu.queued()) != 0 {
		t.Fatal("the picture was queued before it was confirmed")
	}
	fyne.DoAndWait(func() { tu.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	rows := tu.waitQueued(t, 1)
	if r := rows[0].rec; r.Name != filepath.Base(saved) || r.Status != app.StatusDone || r.SHA256 != sum {
		t.Errorf("row %+v; want %s uploaded with SHA-256 %s", r, filepath.Base(saved), sum)
	}
	tu.waitFor(t, "the uploaded picture removed", func() bool { _, err := os.Stat(saved); return errors.Is(err, os.ErrNotExist) })
}

func TestPasteImageCancelledWithEscapeIsRemoved(t *testing.T) {
	tu, _, saved := pastePicture(t)
	if _, err := os.Stat(saved); err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(func() { tu.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if _, err := os.Stat(saved); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the cancelled picture is still there: %v", err)
	}
	fyne.DoAndWait(func() {
		if top := tu.win.Canvas().Overlays().Top(); top != nil {
			t.Error("the dialog is still open after Escape")
		}
	})
	if n := len(tu.queued()); n != 0 {
		t.Errorf("%d rows queued after Cancel", n)
	}
}

// Nothing of a pasted picture outlives the window: the folder goes when it closes, and what a
// crash left goes at the next start.
func TestPastedImagesRemovedAtCloseAndStart(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, pastedFolder, "Pasted image 2026-11-25 17.00.00.png")
	os.MkdirAll(filepath.Dir(left), 0o700)
	if err := os.WriteFile(left, []byte("left by a crash"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, data := testPicture(t)
	tu := newTestUIIn(t, dir, true)
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("what a crash left is still there at start: %v", err)
	}
	tu.paste.read = func(context.Context) (clipfiles.Content, error) {
		return clipfiles.Content{Image: data, ImageType: "image/png"}, nil
	}
	fyne.DoAndWait(tu.onPaste)
	tu.waitText(t, "Upload this picture from the clipboard?")
	tu.closeWindow(t)
	if _, err := os.Stat(filepath.Join(dir, pastedFolder)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the pasted images' folder is still there after the window closed: %v", err)
	}
}

func readPNG(t *testing.T, path string) (image.Image, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", path, err)
	}
	sum := sha256.Sum256(data)
	return img, hex.EncodeToString(sum[:])
}

func samePicture(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}
