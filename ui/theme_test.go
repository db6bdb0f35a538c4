package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// contrast is the WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white).
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	l1, l2 := lum(a), lum(b)
	return (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05)
}

// TestStatusColoursAreReadable: status text ("Done", "Failed", warnings) and the white text on
// buttons of those colours reach WCAG AA's 4.5:1 in both variants.
func TestStatusColoursAreReadable(t *testing.T) {
	th := readable(theme.DefaultTheme())
	pairs := []struct {
		fg, bg fyne.ThemeColorName
	}{
		{theme.ColorNameSuccess, theme.ColorNameBackground},
		{theme.ColorNameError, theme.ColorNameBackground},
		{theme.ColorNameWarning, theme.ColorNameBackground},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		{theme.ColorNameForegroundOnError, theme.ColorNameError},
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, p := range pairs {
			if c := contrast(th.Color(p.fg, v), th.Color(p.bg, v)); c < 4.5 {
				t.Errorf("variant %d: %s on %s has a contrast of %.1f:1, want at least 4.5:1", v, p.fg, p.bg, c)
			}
		}
	}
	// The rest of the theme is Fyne's own.
	if got, want := th.Color(theme.ColorNamePrimary, theme.VariantLight), theme.DefaultTheme().Color(theme.ColorNamePrimary, theme.VariantLight); got != want {
		t.Errorf("primary colour changed: %v, want %v", got, want)
	}
}

// TestFocusShowsOnEveryButton: the button with the keyboard stands out from itself without it,
// the blue ones too (Fyne's focus colour, a blue wash, left them at 1.01:1).
func TestFocusShowsOnEveryButton(t *testing.T) {
	th := readable(theme.DefaultTheme())
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, bg := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameButton} {
			under := overColour(th.Color(theme.ColorNameBackground, v), th.Color(bg, v))
			focused := overColour(under, th.Color(theme.ColorNameFocus, v))
			if c := contrast(focused, under); c < 1.5 {
				t.Errorf("variant %d: a focused button of colour %s has a contrast of %.2f:1 with itself unfocused, want at least 1.5:1", v, bg, c)
			}
		}
	}
}

// overColour is over painted on under, as Fyne's button blends its focus colour.
func overColour(under, over color.Color) color.Color {
	ur, ug, ub, ua := under.RGBA()
	or, og, ob, oa := over.RGBA() // alpha-premultiplied
	keep := 1 - float64(oa)/0xffff
	mix := func(o, u uint32) uint16 { return uint16(float64(o) + float64(u)*keep) }
	return color.RGBA64{R: mix(or, ur), G: mix(og, ug), B: mix(ob, ub), A: mix(oa, ua)}
}
