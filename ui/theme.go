package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// readableTheme is Fyne's theme with status colours dark enough to read on the light
// background. Fyne's light variant writes "Done" in #43f436 on white (a contrast of 1.6:1) and
// errors in #f44336 (3.7:1); these reach the 4.5:1 that small text needs (WCAG AA). The dark
// variant already does, and is left as it is.
type readableTheme struct{ fyne.Theme }

// lightStatusColours replace the light variant's status colours. The same colours fill the
// background of buttons and badges of that importance, under white text, which they suit too.
var lightStatusColours = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameSuccess: color.NRGBA{R: 0x1b, G: 0x7a, B: 0x33, A: 0xff}, // green, 5.4:1 on white
	theme.ColorNameError:   color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}, // red, 5.6:1
	theme.ColorNameWarning: color.NRGBA{R: 0x9a, G: 0x52, B: 0x00, A: 0xff}, // amber, 5.9:1
}

// readable wraps base (Fyne's theme, or a test theme) in readableTheme.
func readable(base fyne.Theme) fyne.Theme { return readableTheme{base} }

func (t readableTheme) Color(name fyne.ThemeColorName, variant fyne.ThemeVariant) color.Color {
	if c, ok := lightStatusColours[name]; ok && variant == theme.VariantLight {
		return c
	}
	return t.Theme.Color(name, variant)
}
