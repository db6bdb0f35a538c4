package ui

import (
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// nameLabel shows a file name that may be too long for its width shortened in the middle
// (shortenMiddle), as wide as fits, so that names of a series, which differ at the end, still
// look different. Set the name with SetName; Text is what is shown.
type nameLabel struct {
	widget.Label
	name string
}

func newNameLabel(bold bool) *nameLabel {
	l := &nameLabel{}
	l.TextStyle.Bold = bold
	l.Truncation = fyne.TextTruncateEllipsis // only if even the shortest form is too wide
	l.ExtendBaseWidget(l)
	return l
}

// SetName shows name, shortened to the label's width.
func (l *nameLabel) SetName(name string) {
	l.name = name
	l.fit(l.Size().Width)
}

// Resize shortens the name again for the new width.
func (l *nameLabel) Resize(size fyne.Size) {
	l.Label.Resize(size)
	l.fit(size.Width)
}

// fit shows the longest shortenMiddle of the name that fits in width; the whole name while the
// label has no width yet.
func (l *nameLabel) fit(width float32) {
	text := l.name
	if width > 0 {
		th := l.Theme()
		room := width - 2*th.Size(theme.SizeNameInnerPadding)
		size := th.Size(theme.SizeNameText)
		fits := func(s string) bool { return fyne.MeasureText(s, size, l.TextStyle).Width <= room }
		if !fits(text) {
			lo, hi := 1, utf8.RuneCountInString(text)-1 // the longest that fits is in [lo, hi]
			for lo < hi {
				mid := (lo + hi + 1) / 2
				if fits(shortenMiddle(l.name, mid)) {
					lo = mid
				} else {
					hi = mid - 1
				}
			}
			text = shortenMiddle(l.name, lo)
		}
	}
	if text != l.Text {
		l.Label.SetText(text)
	}
}
