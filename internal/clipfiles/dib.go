package clipfiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// dibToPNG converts a device-independent bitmap as Windows puts it on the clipboard (CF_DIB:
// a BITMAPINFOHEADER or a later header, then the pixels; screenshots are 24- or 32-bit,
// uncompressed or BI_BITFIELDS in the usual BGRA order) to PNG bytes.
func dibToPNG(dib []byte) ([]byte, error) {
	if len(dib) < 40 {
		return nil, errors.New("a bitmap header shorter than 40 bytes")
	}
	le := binary.LittleEndian
	headerSize := int(le.Uint32(dib[0:]))
	width := int(int32(le.Uint32(dib[4:])))
	height := int(int32(le.Uint32(dib[8:])))
	bits := int(le.Uint16(dib[14:]))
	compression := le.Uint32(dib[16:])
	const biRGB, biBitfields = 0, 3
	if headerSize < 40 || headerSize > len(dib) || width <= 0 || height == 0 || width > 1<<15 || height > 1<<15 || height < -(1<<15) {
		return nil, fmt.Errorf("a bitmap header that is not understood (size %d, %d×%d)", headerSize, width, height)
	}
	if (bits != 24 && bits != 32) || (compression != biRGB && !(compression == biBitfields && bits == 32)) {
		return nil, fmt.Errorf("a %d-bit bitmap with compression %d is not read", bits, compression)
	}
	offset := headerSize
	if compression == biBitfields && headerSize == 40 {
		offset += 12 // three colour masks follow the plain header
	}
	topDown := height < 0
	if topDown {
		height = -height
	}
	stride := (width*bits/8 + 3) &^ 3
	if len(dib) < offset+stride*height {
		return nil, fmt.Errorf("a %d×%d bitmap with only %d bytes of pixels", width, height, len(dib)-offset)
	}
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	alpha := bits == 32 && hasAlpha(dib[offset:], width, height, stride)
	for y := range height {
		row := dib[offset+stride*y:]
		if !topDown {
			row = dib[offset+stride*(height-1-y):]
		}
		for x := range width {
			p := row[x*bits/8:]
			c := color.NRGBA{R: p[2], G: p[1], B: p[0], A: 255}
			if alpha {
				c.A = p[3]
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("converting a bitmap to PNG: %w", err)
	}
	return b.Bytes(), nil
}

// hasAlpha: a 32-bit bitmap whose fourth bytes are all 0 has no alpha (most screenshots);
// showing it as transparent would lose the picture.
func hasAlpha(pix []byte, width, height, stride int) bool {
	for y := range height {
		for x := range width {
			if pix[stride*y+x*4+3] != 0 {
				return true
			}
		}
	}
	return false
}
