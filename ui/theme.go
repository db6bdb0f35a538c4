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

// focusColours replace Fyne's focus colour, a light blue wash that the blue of the main buttons
// (Add a file…, a question's yes, Copy URI) hides: the button with the keyboard looked like the
// others (a contrast of 1.01:1 with itself unfocused). A wash of white on the dark variant and
// of black on the light one shows on every button: at least 1.7:1 on the blue, 2.3:1 on grey.
var focusColours = map[fyne.ThemeVariant]color.Color{
	theme.VariantDark:  color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x55},
	theme.VariantLight: color.NRGBA{A: 0x55},
}

// readable wraps base (Fyne's theme, or a test theme) in readableTheme.
func readable(base fyne.Theme) fyne.Theme { return readableTheme{base} }

func (t readableTheme) Color(name fyne.ThemeColorName, variant fyne.ThemeVariant) color.Color {
	if c, ok := lightStatusColours[name]; ok && variant == theme.VariantLight {
		return c
	}
	if c, ok := focusColours[variant]; ok && name == theme.ColorNameFocus {
		return c
	}
	return t.Theme.Color(name, variant)
}
