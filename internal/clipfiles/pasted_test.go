package clipfiles

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPastedImageName(t *testing.T) {
	got := PastedImageName(time.Date(2026, 11, 26, 9, 3, 7, 0, time.Local))
	if want := "Pasted image 2026-11-26 09.03.07.png"; got != want {
		t.Errorf("PastedImageName = %q, want %q", got, want)
	}
}

// SavePNG writes the same pixels, readable by the user only, and never over an earlier paste.
func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	src := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	src.Set(1, 1, color.NRGBA{200, 10, 30, 128})
	name := "Pasted image 2026-11-26 09.03.07.png"
	first, err := SavePNG(dir, name, src)
	if err != nil {
		t.Fatal(err)
	}
	second, err := SavePNG(dir, name, src)
	if err != nil {
		t.Fatal(err)
	}
	if first != filepath.Join(dir, name) || second != filepath.Join(dir, "Pasted image 2026-11-26 09.03.07 (2).png") {
		t.Errorf("saved as %q then %q", first, second)
	}
	fi, err := os.Stat(first)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v, %v; want mode 0600", fi, err)
	}
	data, _ := os.ReadFile(first)
	got, err := DecodeImage(data, "image/png")
	if err != nil {
		t.Fatal(err)
	}
	checkPixels(t, got, src)
}

// A JPEG on the clipboard is decoded (and so saved as a PNG); anything else is an error.
func TestDecodeImage(t *testing.T) {
	var j bytes.Buffer
	if err := jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	var p bytes.Buffer
	png.Encode(&p, image.NewGray(image.Rect(0, 0, 4, 4)))
	for _, tt := range []struct {
		data    []byte
		mime    string
		wantErr bool
	}{
		{j.Bytes(), "image/jpeg", false},
		{p.Bytes(), "image/png", false},
		{j.Bytes(), "image/png", true},
		{p.Bytes(), "image/bmp", true},
	} {
		img, err := DecodeImage(tt.data, tt.mime)
		if (err != nil) != tt.wantErr || (err == nil && img.Bounds().Dx() != 4) {
			t.Errorf("DecodeImage(%s) = %v, %v; want error %v", tt.mime, img, err, tt.wantErr)
		}
	}
}
