// Package visible shows untrusted text — file names, paths, source names, URIs, messages that
// quote them — so that what a person reads is what is there. Characters that are invisible or
// that reorder the text around them (a right-to-left override makes "rtl\u202Efdp.exe" read
// "rtlexe.pdf") are shown as escapes such as <U+202E>. Stored data keeps the true text; only
// what is displayed or exported goes through here.
package visible

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Hidden reports whether r is a character Name shows as an escape: a control character (C0,
// DEL, C1: tab and newline included), an invisible format character (Unicode category Cf:
// the bidirectional marks, embeddings, overrides and isolates U+200E, U+200F, U+061C,
// U+202A–U+202E, U+2066–U+2069; zero-width space, joiners and no-break space U+200B–U+200D,
// U+2060, U+FEFF; soft hyphen; tag characters), a line or paragraph separator (U+2028,
// U+2029), or another default-ignorable code point (Hangul fillers and the like). Letters of
// every script, spaces, punctuation and emoji (with their variation selectors) are not hidden.
func Hidden(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Other_Default_Ignorable_Code_Point)
}

// Name returns s as it should be shown when it names something (a file, a path, a source, a
// URI): each hidden character (see Hidden) as <U+XXXX> (upper-case hex, at least four digits)
// and each byte that is not UTF-8 as <0xXX>; everything else unchanged. The result is one
// line of printable text, and Name(Name(s)) == Name(s). Text without hidden characters comes
// back as it is.
func Name(s string) string {
	return escape(s, asName)
}

// Line returns text that may quote a name (a message, a row of a report) for one line of
// output: line breaks and tabs become spaces, as before, and every other hidden character is
// escaped as Name does. Line(Name(s)) == Name(s).
func Line(s string) string {
	return escape(s, asLine)
}

// Text returns text that may quote a name and may span lines (a dialog's message, a CSV
// cell): line breaks (\n) stay, and every other hidden character is escaped as Name does.
func Text(s string) string {
	return escape(s, asText)
}

// mode is what escape does with line breaks and tabs.
type mode int

const (
	asName mode = iota // escaped like every hidden character
	asLine             // \n, \r and \t become spaces
	asText             // \n stays; \r and \t are escaped
)

func escape(s string, m mode) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return Hidden(r) && !(m == asText && r == '\n') }) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "<0x%02X>", s[i])
		case m == asLine && (r == '\n' || r == '\r' || r == '\t'):
			b.WriteByte(' ')
		case m == asText && r == '\n':
			b.WriteByte('\n')
		case Hidden(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// JSON returns the JSON text data with every hidden character outside ASCII written as a
// JSON escape (\u202e; a pair of them above U+FFFF): the text decodes to exactly the same
// values, and a person reading it sees where such characters are. encoding/json and log/slog
// already escape ASCII control characters, U+2028 and U+2029. data must hold whole UTF-8
// characters (a whole JSON value, or a whole log line).
func JSON(data []byte) []byte {
	i := 0
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		if r >= utf8.RuneSelf && Hidden(r) {
			break
		}
		i += size
	}
	if i == len(data) {
		return data
	}
	out := make([]byte, 0, len(data)+12)
	out = append(out, data[:i]...)
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r >= utf8.RuneSelf && Hidden(r) && r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		case r >= utf8.RuneSelf && Hidden(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return out
}
