package clipfiles

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math/bits"
	"strings"
	"testing"
)

// The test bitmaps are 5 pixels wide (so no row of 1, 4, 8, 16 or 24 bits fills a multiple
// of 4 bytes: every row has padding) and 4 high (so a flipped picture differs, even in two colours), each pixel a
// different colour.
const testW, testH = 5, 4

// testColors are the pictures' colours, channels 0 or 255 only, so that 16-bit bitmaps (5 or
// 6 bits a channel) hold them exactly.
var testColors = []color.NRGBA{
	{0, 0, 0, 255}, {255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255},
	{255, 255, 0, 255}, {0, 255, 255, 255}, {255, 0, 255, 255}, {255, 255, 255, 255},
}

// testPicture is the source every bitmap is made from: pixel (x, y) has colour number
// colorAt(x, y), and alpha a different value per pixel when withAlpha.
func testPicture(colors int, withAlpha bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, testW, testH))
	for y := range testH {
		for x := range testW {
			c := testColors[colorAt(x, y, colors)]
			if withAlpha {
				c.A = byte(10 + 16*(y*testW+x))
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func colorAt(x, y, colors int) int { return (x + 3*y) % colors }

// dibSpec says how a test bitmap is written.
type dibSpec struct {
	headerSize  int // 40, 108 (V4) or 124 (V5)
	bits        int
	compression uint32
	masks       [4]uint32 // BI_BITFIELDS: red, green, blue (and alpha) masks written
	topDown     bool
	paletteLen  int  // ≤ 8 bits: the colours in the table (biClrUsed; 0 writes all 1<<bits)
	skipTable   int  // > 8 bits: a colour table of this many entries, which a reader skips
	fourthByte  byte // 32-bit BI_RGB: written as every pixel's fourth byte unless alphaFrom
	alphaFrom   bool // 32-bit: the source's alpha is written through the alpha mask
}

// buildDIB writes src as a CF_DIB the way spec says: written here pixel by pixel, plainly,
// independently of the reader.
func buildDIB(spec dibSpec, src *image.NRGBA) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	height := int32(h)
	if spec.topDown {
		height = -height
	}
	clrUsed := spec.paletteLen + spec.skipTable
	header := make([]byte, spec.headerSize)
	le.PutUint32(header[0:], uint32(spec.headerSize))
	le.PutUint32(header[4:], uint32(int32(w)))
	le.PutUint32(header[8:], uint32(height))
	le.PutUint16(header[12:], 1)
	le.PutUint16(header[14:], uint16(spec.bits))
	le.PutUint32(header[16:], spec.compression)
	le.PutUint32(header[32:], uint32(clrUsed))
	if spec.headerSize >= 108 {
		for i, m := range spec.masks {
			le.PutUint32(header[40+4*i:], m)
		}
	}
	b.Write(header)
	switch {
	case spec.headerSize == 40 && spec.compression == biBitfields:
		for _, m := range spec.masks[:3] {
			binary.Write(&b, le, m)
		}
	case spec.headerSize == 40 && spec.compression == biAlphaBitfields:
		for _, m := range spec.masks {
			binary.Write(&b, le, m)
		}
	}
	if spec.bits <= 8 {
		n := spec.paletteLen
		if n == 0 {
			n = 1 << spec.bits
		}
		for i := range n {
			c := testColors[i%len(testColors)]
			b.Write([]byte{c.B, c.G, c.R, 0})
		}
	}
	for range spec.skipTable {
		b.Write([]byte{1, 2, 3, 0}) // a colour table a reader must skip, not read as pixels
	}
	stride := ((w*spec.bits+7)/8 + 3) / 4 * 4
	for i := range h {
		y := h - 1 - i // bottom-up: the last row first
		if spec.topDown {
			y = i
		}
		row := make([]byte, stride)
		for x := range w {
			c := src.NRGBAAt(x, y)
			switch spec.bits {
			case 1, 4, 8:
				index := 0
				for testColors[index] != c {
					index++
				}
				perByte := 8 / spec.bits
				row[x/perByte] |= byte(index << (8 - spec.bits*(x%perByte+1)))
			case 24:
				copy(row[3*x:], []byte{c.B, c.G, c.R})
			default:
				masks := spec.masks
				if spec.compression == biRGB && spec.bits == 32 {
					masks = [4]uint32{0xFF0000, 0xFF00, 0xFF, 0xFF000000}
				}
				if spec.compression == biRGB && spec.bits == 16 {
					masks = [4]uint32{0x7C00, 0x3E0, 0x1F, 0}
				}
				var v uint32
				for ch, value := range []byte{c.R, c.G, c.B, c.A} {
					if ch == 3 && !spec.alphaFrom {
						value = spec.fourthByte
					}
					v |= pack(value, masks[ch])
				}
				if spec.bits == 32 && !spec.alphaFrom && (masks[0]|masks[1]|masks[2])>>24 == 0 {
					v = v&0xFFFFFF | uint32(spec.fourthByte)<<24 // the byte no colour mask covers
				}
				for k := range spec.bits / 8 {
					row[x*spec.bits/8+k] = byte(v >> (8 * k))
				}
			}
		}
		b.Write(row)
	}
	return b.Bytes()
}

// pack puts an 8-bit channel value into mask's bits.
func pack(value byte, mask uint32) uint32 {
	if mask == 0 {
		return 0
	}
	shift := bits.TrailingZeros32(mask)
	max := uint64(mask >> shift)
	return uint32(uint64(value)*max/255) << shift
}

var bgrx = [4]uint32{0xFF0000, 0xFF00, 0xFF, 0}

// dibCases are bitmaps as programs put them on the clipboard, and the picture each holds.
func dibCases() []struct {
	name string
	dib  []byte
	want *image.NRGBA
} {
	pic := testPicture(len(testColors), false)
	alpha := testPicture(len(testColors), true)
	pal := func(n int) *image.NRGBA { return testPicture(n, false) }
	return []struct {
		name string
		dib  []byte
		want *image.NRGBA
	}{
		{"24-bit bottom-up, rows padded (PrintScreen)", buildDIB(dibSpec{headerSize: 40, bits: 24}, pic), pic},
		{"24-bit top-down (negative height)", buildDIB(dibSpec{headerSize: 40, bits: 24, topDown: true}, pic), pic},
		{"24-bit with a colour table to skip", buildDIB(dibSpec{headerSize: 40, bits: 24, skipTable: 3}, pic), pic},
		{"24-bit, BITMAPV5HEADER", buildDIB(dibSpec{headerSize: 124, bits: 24}, pic), pic},
		{"32-bit BI_RGB, fourth bytes 0: opaque (a screenshot)", buildDIB(dibSpec{headerSize: 40, bits: 32}, pic), pic},
		{"32-bit BI_RGB, fourth bytes 255", buildDIB(dibSpec{headerSize: 40, bits: 32, fourthByte: 255}, pic), pic},
		{"32-bit BI_RGB with alpha", buildDIB(dibSpec{headerSize: 40, bits: 32, alphaFrom: true}, alpha), alpha},
		{"32-bit BI_RGB top-down", buildDIB(dibSpec{headerSize: 40, bits: 32, topDown: true}, pic), pic},
		{"32-bit BI_BITFIELDS BGRX, fourth bytes ignored", buildDIB(dibSpec{headerSize: 40, bits: 32, compression: biBitfields, masks: bgrx, fourthByte: 0x7F}, pic), pic},
		{"32-bit BI_BITFIELDS RGBX (masks honoured)", buildDIB(dibSpec{headerSize: 40, bits: 32, compression: biBitfields, masks: [4]uint32{0xFF, 0xFF00, 0xFF0000, 0}}, pic), pic},
		{"32-bit BI_BITFIELDS, BITMAPV5HEADER with alpha (CF_DIBV5)", buildDIB(dibSpec{headerSize: 124, bits: 32, compression: biBitfields, masks: [4]uint32{0xFF0000, 0xFF00, 0xFF, 0xFF000000}, alphaFrom: true}, alpha), alpha},
		{"32-bit BI_BITFIELDS, BITMAPV4HEADER, alpha all 0: opaque", buildDIB(dibSpec{headerSize: 108, bits: 32, compression: biBitfields, masks: [4]uint32{0xFF0000, 0xFF00, 0xFF, 0xFF000000}}, pic), pic},
		{"32-bit BI_ALPHABITFIELDS with alpha", buildDIB(dibSpec{headerSize: 40, bits: 32, compression: biAlphaBitfields, masks: [4]uint32{0xFF0000, 0xFF00, 0xFF, 0xFF000000}, alphaFrom: true}, alpha), alpha},
		{"16-bit BI_RGB (5-5-5)", buildDIB(dibSpec{headerSize: 40, bits: 16}, pic), pic},
		{"16-bit BI_BITFIELDS (5-6-5), top-down", buildDIB(dibSpec{headerSize: 40, bits: 16, compression: biBitfields, masks: [4]uint32{0xF800, 0x7E0, 0x1F, 0}, topDown: true}, pic), pic},
		{"8-bit palettised, short colour table", buildDIB(dibSpec{headerSize: 40, bits: 8, paletteLen: 8}, pal(8)), pal(8)},
		{"8-bit palettised, full colour table", buildDIB(dibSpec{headerSize: 40, bits: 8}, pal(8)), pal(8)},
		{"4-bit palettised", buildDIB(dibSpec{headerSize: 40, bits: 4}, pal(8)), pal(8)},
		{"1-bit", buildDIB(dibSpec{headerSize: 40, bits: 1}, pal(2)), pal(2)},
	}
}

func TestDecodeDIB(t *testing.T) {
	for _, tt := range dibCases() {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeDIB(tt.dib)
			if err != nil {
				t.Fatal(err)
			}
			checkPixels(t, got, tt.want)
		})
	}
}

// checkPixels fails t unless got and want have the same size and pixels.
func checkPixels(t *testing.T, got image.Image, want *image.NRGBA) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	bad := 0
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			if g, w := color.NRGBAModel.Convert(got.At(x, y)), want.NRGBAAt(x, y); g != w {
				if bad++; bad <= 5 {
					t.Errorf("pixel (%d, %d) = %v, want %v", x, y, g, w)
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("and %d more pixels differ", bad-5)
	}
}

func TestDIBToPNG(t *testing.T) {
	pic := testPicture(len(testColors), false)
	data, err := dibToPNG(buildDIB(dibSpec{headerSize: 40, bits: 24}, pic))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	checkPixels(t, img, pic)
}

// TestDecodeDIBCutShort: every bitmap cut anywhere short of its end is refused, never read
// past its end.
func TestDecodeDIBCutShort(t *testing.T) {
	for _, tt := range dibCases() {
		for n := range len(tt.dib) {
			if _, err := decodeDIB(tt.dib[:n]); err == nil {
				t.Errorf("%s: cut to %d of %d bytes: no error", tt.name, n, len(tt.dib))
			}
		}
	}
}

func TestDecodeDIBRefused(t *testing.T) {
	pic := testPicture(len(testColors), false)
	// with is a valid 24-bit bitmap (or the one given) with the header field at changed.
	with := func(at int, value uint32, dib ...byte) []byte {
		if dib == nil {
			dib = buildDIB(dibSpec{headerSize: 40, bits: 24}, pic)
		}
		binary.LittleEndian.PutUint32(dib[at:], value)
		return dib
	}
	with16 := func(at int, value uint16) []byte {
		b := with(0, 40)
		binary.LittleEndian.PutUint16(b[at:], value)
		return b
	}
	for _, tt := range []struct {
		name, dib, want string
	}{
		{"empty", "", "shorter than the 40"},
		{"a header larger than the data", string(with(0, 4096)), "header of 4096 bytes"},
		{"an OS/2 BITMAPCOREHEADER", string(with(0, 12)), "header of 12 bytes"},
		{"a header size past 2 GiB", string(with(0, 0x80000000)), "header of"},
		{"width 0", string(with(4, 0)), "0×4 pixels"},
		{"a negative width", string(with(4, 0xFFFFFFFB)), "-5×4 pixels"},
		{"height 0", string(with(8, 0)), "5×0 pixels"},
		{"the most negative height", string(with(8, 0x80000000)), "pixels is not read"},
		{"too wide", string(with(4, 1<<17)), "pixels is not read"},
		{"too many pixels", string(with(8, 1<<12, with(4, 1<<15)...)), "32768×4096 pixels is not read"},
		{"2 bits a pixel", string(with16(14, 2)), "2 bits a pixel"},
		{"0 bits a pixel", string(with16(14, 0)), "0 bits a pixel"},
		{"RLE8", string(with(16, 1, buildDIB(dibSpec{headerSize: 40, bits: 8}, testPicture(8, false))...)), "compressed 8-bit bitmap (compression 1)"},
		{"24-bit BI_BITFIELDS", string(with(16, biBitfields)), "24-bit bitmap with compression 3"},
		{"JPEG inside", string(with(16, 4)), "compression 4"},
		{"a colour table larger than 8 bits allow", string(with(32, 257)), "colour table of 257"},
		{"a colour table past the data", string(with(32, 1000)), "colour table of 1000 colours is cut short"},
		{"a colour count past 2 GiB", string(with(32, 0xFFFFFFFF)), "colour table of 4294967295"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeDIB([]byte(tt.dib))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to say %q", err, tt.want)
			}
		})
	}
}

// FuzzDecodeDIB: no bitmap, however made, panics the reader or gives a picture of another size
// than its header says.
func FuzzDecodeDIB(f *testing.F) {
	for _, tt := range dibCases() {
		f.Add(tt.dib)
	}
	f.Fuzz(func(t *testing.T, dib []byte) {
		img, err := decodeDIB(dib)
		if err != nil {
			return
		}
		h, err := readDIBHeader(dib)
		if err != nil {
			t.Fatalf("decoded, but its header is refused: %v", err)
		}
		if img.Bounds() != image.Rect(0, 0, h.width, h.height) {
			t.Fatalf("a %v picture from a %d×%d header", img.Bounds(), h.width, h.height)
		}
	})
}

// BenchmarkDIBToPNG: a full-HD screenshot (24 bits, bottom-up) read and encoded as PNG, as a
// paste does before the picture is shown.
func BenchmarkDIBToPNG(b *testing.B) {
	src := image.NewNRGBA(image.Rect(0, 0, 1920, 1080))
	for i := range src.Pix {
		src.Pix[i] = byte(i / 4 % 251) // a screen's broad areas and edges, roughly
		if i%4 == 3 {
			src.Pix[i] = 255
		}
	}
	dib := buildDIB(dibSpec{headerSize: 40, bits: 24}, src)
	b.SetBytes(int64(len(dib)))
	for b.Loop() {
		if _, err := dibToPNG(dib); err != nil {
			b.Fatal(err)
		}
	}
}
