package app

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"
)

// What a history search selects, defined once. Query.Matches answers it in Go (the window
// merges rows that change while it shows a page); History.Search, Count and ExportCSV answer
// it in SQL (planQuery), where LIKE answers the text rule when it can and this Go code, called
// by SQLite as textMatchSQL, where it cannot (textCondition).
//
// The text rule. Query.Text, without its leading and trailing spaces (unicode.IsSpace), matches
// a row when it occurs in the row's file name, URI or SHA-256 with case ignored by Unicode
// simple case folding: the letters strings.EqualFold treats as equal (CaseFolding.txt, C and
// S), compared one letter to one letter. So "müller" finds "Müller" and "MÜLLER";
// "σωκράτης" finds "Σωκράτης" and "ΣΩΚΡΆΤΗΣ" (σ, ς and Σ are one letter); "abc" finds a hash
// written "ABC"; text without case ("東京") is matched as it is. Nothing else is equated:
// ß matches ß and ẞ only, so "Straße" is found by "straße" or "STRAẞE" and not by "strasse"
// (and a file named "STRASSE" by "strasse", not by "straße"); accents count ("muller" does not
// find "Müller"); and no normalisation is done (a precomposed ü does not match u + U+0308).
// Full case folding (ß as "ss") would let "s" find every ß, and would need a trigram index of
// folded text, which the history does not have. Text is read character by character as SQLite
// reads it (decodeRune), which for UTF-8 is plain UTF-8.

// textMatchSQL is the SQL function Search calls for the text rule:
// redox_text_match(folded text, name, uri, sha256) is 1 when the row matches, else 0.
const textMatchSQL = "redox_text_match"

func init() {
	// Every connection the "sqlite" driver opens has the function: the history's own and the
	// read-only ones.
	sqlite.MustRegisterFunction(textMatchSQL, &sqlite.FunctionImpl{
		NArgs: 4, Deterministic: true, VolatileArgs: true, // the strings are not kept
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			text, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("%s: the search text is %T, not text", textMatchSQL, args[0])
			}
			for _, field := range args[1:] {
				if s, ok := field.(string); ok && containsFolded(s, text) {
					return int64(1), nil
				}
			}
			return int64(0), nil
		},
	})
}

// Matches reports whether r is a row q selects, as Search and Count would answer: the text
// rule above over the name, URI and SHA-256; one of Statuses (any when empty); Profile
// exactly (byte for byte); Since ≤ Created < Until, to the nanosecond. BeforeID and Limit are
// paging, not selection, and are ignored.
func (q Query) Matches(r Record) bool {
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status) {
		return false
	}
	if q.Profile != "" && r.Profile != q.Profile {
		return false
	}
	created := unixNanos(r.Created)
	if !q.Since.IsZero() && created < unixNanos(q.Since) || !q.Until.IsZero() && created >= unixNanos(q.Until) {
		return false
	}
	text := searchText(q.Text)
	return text == "" || containsFolded(r.Name, text) || containsFolded(r.URI, text) || containsFolded(r.SHA256, text)
}

// searchText is text as the text rule compares it: trimmed and case-folded.
func searchText(text string) string {
	text = strings.TrimSpace(text)
	folded := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		r, n := decodeRune(text[i:])
		folded = utf8.AppendRune(folded, foldRune(r))
		i += n
	}
	return string(folded)
}

// containsFolded reports whether s holds folded (a searchText) with case ignored.
func containsFolded(s, folded string) bool {
	if folded == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(folded)
	for i := 0; i < len(s); {
		r, n := decodeRune(s[i:])
		if foldRune(r) == first && hasFoldedPrefix(s[i:], folded) {
			return true
		}
		i += n
	}
	return false
}

// hasFoldedPrefix reports whether s begins with folded, case ignored.
func hasFoldedPrefix(s, folded string) bool {
	for _, want := range folded {
		if s == "" {
			return false
		}
		r, n := decodeRune(s)
		if foldRune(r) != want {
			return false
		}
		s = s[n:]
	}
	return true
}

// decodeRune reads the first character of s (not empty) as SQLite reads text
// (sqlite3Utf8Read; its LIKE and the trigram tokenizer read the same way), so that the Go and
// the SQL side see the same characters even in a name that is not UTF-8 (bytes from an old
// system). A byte below 0xC0 is one character: a stray continuation byte 0x80..0xBF is
// U+0080..U+00BF. A byte from 0xC0 up takes every continuation byte after it; a result below
// 0x80 or a surrogate is U+FFFD. Valid UTF-8 reads as utf8.DecodeRuneInString reads it.
// (The trigram tokenizer also reads U+FFFE and U+FFFF as U+FFFD: it only finds more rows.)
func decodeRune(s string) (r rune, size int) {
	lead := s[0]
	if lead < 0xC0 {
		return rune(lead), 1
	}
	c := uint32(lead) & leadBits(lead)
	size = 1
	for size < len(s) && s[size]&0xC0 == 0x80 {
		c = c<<6 | uint32(s[size]&0x3F)
		size++
	}
	if c < 0x80 || c&0xFFFFF800 == 0xD800 {
		return utf8.RuneError, size
	}
	return rune(c), size
}

// leadBits are the bits of a lead byte (0xC0 up) that SQLite keeps as the start of the
// character (its sqlite3Utf8Trans1 table).
func leadBits(lead byte) uint32 {
	switch {
	case lead < 0xE0:
		return 0x1F
	case lead < 0xF0:
		return 0x0F
	case lead < 0xF8:
		return 0x07
	case lead < 0xFC:
		return 0x03
	case lead < 0xFE:
		return 0x01
	}
	return 0
}

// foldRune maps r to one letter of its simple case-folding orbit (the letters
// unicode.SimpleFold cycles through), the same for every letter of the orbit: the lowest,
// and for ASCII the lower-case one. A letter without case maps to itself.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	if 'A' <= least && least <= 'Z' { // K (Kelvin) is k, ſ (long s) is s
		least += 'a' - 'A'
	}
	return least
}

// foldOrbit returns every letter that folds to the same as r, r among them, lowest first.
func foldOrbit(r rune) []rune {
	orbit := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		orbit = append(orbit, f)
	}
	slices.Sort(orbit)
	return orbit
}
