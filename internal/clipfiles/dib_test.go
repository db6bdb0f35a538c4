package clipfiles

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"image/png"
	"testing"
)

// dib builds a CF_DIB of 2×2 pixels: (0,0) red, (1,0) green, (0,1) blue, (1,1) white.
func dib(bits int, topDown bool, alpha byte) []byte {
	pix := map[[2]int]color.NRGBA{{0, 0}: {255, 0, 0, 255}, {1, 0}: {0, 255, 0, 255}, {0, 1}: {0, 0, 255, 255}, {1, 1}: {255, 255, 255, 255}}
	var b bytes.Buffer
	h := int32(2)
	if topDown {
		h = -2
	}
	binary.Write(&b, binary.LittleEndian, struct {
		Size          uint32
		Width, Height int32
		Planes, Bits  uint16
		Compression   uint32
		Rest          [20]byte
	}{40, 2, h, 1, uint16(bits), 0, [20]byte{}})
	stride := (2*bits/8 + 3) &^ 3
	for i := range 2 {
		y := 1 - i // bottom-up: the last row first
		if topDown {
			y = i
		}
		row := make([]byte, stride)
		for x := range 2 {
			c := pix[[2]int{x, y}]
			copy(row[x*bits/8:], []byte{c.B, c.G, c.R})
			if bits == 32 {
				row[x*4+3] = alpha
			}
		}
		b.Write(row)
	}
	return b.Bytes()
}

func TestDIBToPNG(t *testing.T) {
	want := map[[2]int]color.NRGBA{{0, 0}: {255, 0, 0, 255}, {1, 0}: {0, 255, 0, 255}, {0, 1}: {0, 0, 255, 255}, {1, 1}: {255, 255, 255, 255}}
	for _, tt := range []struct {
		name string
		dib  []byte
	}{
		{"24-bit bottom-up", dib(24, false, 0)},
		{"32-bit, alpha bytes 0 (a screenshot)", dib(32, false, 0)},
		{"32-bit top-down, opaque", dib(32, true, 255)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, err := dibToPNG(tt.dib)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			for at, c := range want {
				if got := color.NRGBAModel.Convert(img.At(at[0], at[1])); got != c {
					t.Errorf("pixel %v = %v, want %v", at, got, c)
				}
			}
		})
	}
	for _, bad := range [][]byte{nil, dib(24, false, 0)[:50], append(dib(24, false, 0)[:14:14], 8, 0)} {
		if _, err := dibToPNG(bad); err == nil {
			t.Errorf("dibToPNG of %d bad bytes: no error", len(bad))
		}
	}
}
