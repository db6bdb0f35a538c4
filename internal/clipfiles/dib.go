package clipfiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math/bits"
)

// This file reads a device-independent bitmap (DIB) as Windows puts it on the clipboard
// (CF_DIB: a screenshot from PrintScreen or the Snipping Tool, a picture copied in Paint).
// It is plain Go, built and tested on every system; only the clipboard reading is Windows'.

// Compression values of a DIB header.
const (
	biRGB            = 0
	biBitfields      = 3
	biAlphaBitfields = 6
)

// Limits of what is read: a clipboard bitmap is a screen or a picture, not a poster.
const (
	dibMaxSide   = 1 << 16 // pixels, either way
	dibMaxPixels = 1 << 26 // 64 megapixels (8K × 8K): 256 MiB once decoded
)

// dibToPNG converts a CF_DIB (a BITMAPINFOHEADER or a later header, its colour masks or
// palette, then the pixels) to PNG bytes with the same pixels.
func dibToPNG(dib []byte) ([]byte, error) {
	img, err := decodeDIB(dib)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("converting a bitmap to PNG: %w", err)
	}
	return b.Bytes(), nil
}

// dibHeader is what is read of a DIB's header: enough to find and read its pixels.
type dibHeader struct {
	size          int // the header's own size: 40 (BITMAPINFOHEADER), 52, 56, 108 (V4), 124 (V5)
	width, height int // height is positive; topDown says which row comes first
	topDown       bool
	bits          int
	compression   uint32
	colorsUsed    int
	masks         [4]uint32 // red, green, blue, alpha: where each channel's bits are
	tableAt       int       // where the colour table (then the pixels) begins: after the header and any masks following it
}

// decodeDIB reads a CF_DIB into an image. It reads uncompressed bitmaps of 1, 4 and 8 bits a
// pixel (palettised) and 16, 24 and 32 bits (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS), bottom-up
// or top-down. Anything else, or a header or pixels cut short, is an error, never a panic.
func decodeDIB(dib []byte) (*image.NRGBA, error) {
	h, err := readDIBHeader(dib)
	if err != nil {
		return nil, err
	}
	offset := h.tableAt
	var palette [][4]byte // blue, green, red, unused
	paletteLen := h.colorsUsed
	if h.bits <= 8 && paletteLen == 0 {
		paletteLen = 1 << h.bits
	}
	if paletteLen > len(dib)/4 || offset+4*paletteLen > len(dib) {
		return nil, fmt.Errorf("a bitmap whose colour table of %d colours is cut short", paletteLen)
	}
	if h.bits <= 8 { // for more bits a colour table is only a hint for old displays: skipped
		palette = make([][4]byte, paletteLen)
		for i := range palette {
			copy(palette[i][:], dib[offset+4*i:])
		}
	}
	offset += 4 * paletteLen
	stride := (h.width*h.bits + 31) / 32 * 4 // each row is padded to 4 bytes
	if need := stride * h.height; len(dib)-offset < need {
		return nil, fmt.Errorf("a %d×%d bitmap of %d bits with %d bytes of pixels, not %d", h.width, h.height, h.bits, len(dib)-offset, need)
	}
	pix := dib[offset:]
	img := image.NewNRGBA(image.Rect(0, 0, h.width, h.height))
	channels := [4]channel{newChannel(h.masks[0]), newChannel(h.masks[1]), newChannel(h.masks[2]), newChannel(h.masks[3])}
	for y := range h.height {
		row := pix[stride*(h.height-1-y):] // bottom-up: the last row first
		if h.topDown {
			row = pix[stride*y:]
		}
		out := img.Pix[img.PixOffset(0, y):]
		for x := range h.width {
			o := out[4*x : 4*x+4 : 4*x+4]
			if palette != nil {
				c := [4]byte{} // an index past the table: black
				if i := paletteIndex(row, x, h.bits); i < len(palette) {
					c = palette[i]
				}
				o[0], o[1], o[2], o[3] = c[2], c[1], c[0], 255
				continue
			}
			v := pixelValue(row, x, h.bits)
			o[0], o[1], o[2] = channels[0].value(v), channels[1].value(v), channels[2].value(v)
			o[3] = 255
			if channels[3].mask != 0 {
				o[3] = channels[3].value(v)
			}
		}
	}
	if channels[3].mask != 0 && palette == nil && allTransparent(img) {
		// Most 32-bit screenshots leave the fourth byte 0: it is unused, not "transparent",
		// and showing it as transparent would lose the picture.
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
	}
	return img, nil
}

// readDIBHeader reads and checks a DIB's header, and gives it the masks its format implies.
func readDIBHeader(dib []byte) (dibHeader, error) {
	if len(dib) < 40 {
		return dibHeader{}, fmt.Errorf("a bitmap header of %d bytes, shorter than the 40 of a BITMAPINFOHEADER", len(dib))
	}
	le := binary.LittleEndian
	h := dibHeader{
		size:        int(le.Uint32(dib[0:])),
		width:       int(int32(le.Uint32(dib[4:]))),
		height:      int(int32(le.Uint32(dib[8:]))),
		bits:        int(le.Uint16(dib[14:])),
		compression: le.Uint32(dib[16:]),
		colorsUsed:  int(le.Uint32(dib[32:])),
	}
	if h.size < 40 || h.size > len(dib) {
		return dibHeader{}, fmt.Errorf("a bitmap header of %d bytes in %d bytes of data", h.size, len(dib))
	}
	h.tableAt = h.size
	if h.height < 0 {
		h.height, h.topDown = -h.height, true
	}
	if h.width <= 0 || h.height == 0 || h.width > dibMaxSide || h.height > dibMaxSide || int64(h.width)*int64(h.height) > dibMaxPixels {
		return dibHeader{}, fmt.Errorf("a bitmap of %d×%d pixels is not read (at most %d×%d, %d megapixels)",
			h.width, h.height, dibMaxSide, dibMaxSide, dibMaxPixels>>20)
	}
	if h.colorsUsed < 0 || h.colorsUsed > 1<<16 || (h.bits <= 8 && h.colorsUsed > 1<<h.bits) {
		return dibHeader{}, fmt.Errorf("a %d-bit bitmap with a colour table of %d colours", h.bits, h.colorsUsed)
	}
	switch {
	case h.bits == 1 || h.bits == 4 || h.bits == 8:
		if h.compression != biRGB {
			return dibHeader{}, fmt.Errorf("a compressed %d-bit bitmap (compression %d) is not read", h.bits, h.compression)
		}
	case h.bits == 16 || h.bits == 24 || h.bits == 32:
		switch {
		case h.compression == biRGB && h.bits == 16:
			h.masks = [4]uint32{0x7C00, 0x03E0, 0x001F, 0} // 5 bits each
		case h.compression == biRGB:
			h.masks = [4]uint32{0xFF0000, 0xFF00, 0xFF, 0}
			if h.bits == 32 {
				h.masks[3] = 0xFF000000 // the fourth byte: alpha, unless every one is 0
			}
		case (h.compression == biBitfields || h.compression == biAlphaBitfields) && h.bits != 24:
			n := 3
			if h.compression == biAlphaBitfields || h.size >= 56 {
				n = 4 // BITMAPV3INFOHEADER and later carry an alpha mask
			}
			at := 40 // the masks follow a BITMAPINFOHEADER, or are its last fields in a later one
			if at+4*n > len(dib) {
				return dibHeader{}, errors.New("a bitmap whose colour masks are cut short")
			}
			for i := range n {
				h.masks[i] = le.Uint32(dib[at+4*i:])
			}
			if h.size == 40 {
				h.tableAt = at + 4*n // the masks follow a plain BITMAPINFOHEADER
			}
		default:
			return dibHeader{}, fmt.Errorf("a %d-bit bitmap with compression %d is not read", h.bits, h.compression)
		}
	default:
		return dibHeader{}, fmt.Errorf("a bitmap of %d bits a pixel is not read", h.bits)
	}
	return h, nil
}

// paletteIndex is pixel x's colour number in a row of 1, 4 or 8 bits a pixel (the leftmost
// pixel in a byte's highest bits).
func paletteIndex(row []byte, x, bits int) int {
	perByte := 8 / bits
	b := row[x/perByte]
	shift := 8 - bits*(x%perByte+1)
	return int(b>>shift) & (1<<bits - 1)
}

// pixelValue is pixel x's little-endian value in a row of 16, 24 or 32 bits a pixel.
func pixelValue(row []byte, x, bits int) uint32 {
	p := row[x*bits/8:]
	switch bits {
	case 16:
		return uint32(p[0]) | uint32(p[1])<<8
	case 24:
		return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16
	default:
		return binary.LittleEndian.Uint32(p)
	}
}

// channel reads one colour out of a pixel's value through its mask, scaled to 8 bits.
type channel struct {
	mask  uint32
	shift int
	max   uint32 // the largest value the mask holds, shifted down
}

func newChannel(mask uint32) channel {
	if mask == 0 {
		return channel{}
	}
	shift := bits.TrailingZeros32(mask)
	return channel{mask: mask, shift: shift, max: mask >> shift}
}

func (c channel) value(v uint32) byte {
	if c.mask == 0 {
		return 0
	}
	n := (v & c.mask) >> c.shift
	if c.max == 0xFF {
		return byte(n)
	}
	return byte((uint64(n)*255 + uint64(c.max)/2) / uint64(c.max))
}

// allTransparent reports whether every pixel of img has alpha 0.
func allTransparent(img *image.NRGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0 {
			return false
		}
	}
	return true
}
