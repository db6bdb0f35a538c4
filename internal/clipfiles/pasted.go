package clipfiles

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"time"
)

// DecodeImage decodes the image bytes c.Image holds, in the format c.ImageType names.
func DecodeImage(data []byte, mimeType string) (image.Image, error) {
	var img image.Image
	var err error
	switch mimeType {
	case targetPNG:
		img, err = png.Decode(bytes.NewReader(data))
	case targetJPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
	default:
		return nil, fmt.Errorf("decoding a pasted image: the format %q is not read", mimeType)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding a pasted %s image of %d bytes: %w", mimeType, len(data), err)
	}
	return img, nil
}

// PastedImageName is the file name a pasted image is saved under, from the time it was
// pasted: "Pasted image 2026-11-26 14.03.22.png" (the form screenshot tools use).
func PastedImageName(t time.Time) string {
	return "Pasted image " + t.Format("2006-01-02 15.04.05") + ".png"
}

// SavePNG writes img as a PNG named name in dir, readable by the user only, and returns its
// path. A file of that name already there is kept: the new one gets " (2)", " (3)"... added.
func SavePNG(dir, name string, img image.Image) (string, error) {
	base := name[:len(name)-len(filepath.Ext(name))]
	for n := 1; n < 1000; n++ {
		path := filepath.Join(dir, name)
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s (%d).png", base, n))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("saving the pasted image: %w", err)
		}
		err = png.Encode(f, img)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return "", fmt.Errorf("saving the pasted image as %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("saving the pasted image: too many files named %q in %s", name, dir)
}
