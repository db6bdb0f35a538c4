package app

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// How Search answers the text rule in SQL, each step narrowing the rows the next one reads:
// the trigram index finds the rows holding a few trigrams of the text (three letters or more),
// LIKE keeps those holding the text with ASCII case ignored, and the rule itself
// (textMatchSQL, the Go code of Query.Matches) decides the few rows LIKE cannot; see
// textCondition.

const (
	// minTrigramText is the shortest text the trigram index can find.
	minTrigramText = 3
	// maxCoverTrigrams is how many trigrams of the text the index looks up; see trigramMatch.
	maxCoverTrigrams = 4
)

// trigramMatch returns an FTS5 query of the trigram index (uploads_fts) that every row holding
// folded (a searchText) by the text rule matches, or ok false for text of fewer than three
// letters, which the index cannot find. It looks up a few trigrams of the text, the first, the
// last and some evenly between, which is several times faster than a phrase of all of them:
// the rows found hold those trigrams, and textCondition drops the few without the text.
func trigramMatch(folded string) (match string, ok bool) {
	runes := []rune(folded)
	if len(runes) < minTrigramText {
		return "", false
	}
	starts := len(runes) - minTrigramText + 1
	n := min(maxCoverTrigrams, (len(runes)+minTrigramText-1)/minTrigramText)
	terms := make([]string, n)
	for i := range n {
		at := 0
		if n > 1 {
			at = i * (starts - 1) / (n - 1)
		}
		terms[i] = trigramTerm(runes[at : at+minTrigramText])
	}
	return strings.Join(terms, " AND "), true
}

// trigramTerm is the FTS5 query for the rows holding the trigram tri with case ignored by the
// text rule. The index's tokenizer folds case itself, by SQLite's table, which puts the ASCII
// letters and most others in the same orbits as the text rule: such a letter is looked up as it
// is. For the letters it does not (indexUnfolded), each letter of the orbit is looked up:
// "нов" is ("нов" OR "нᲂв" OR ...).
func trigramTerm(tri []rune) string {
	variants := []string{""}
	for _, r := range tri {
		letters := []rune{r}
		if unicode.Is(indexUnfolded, r) {
			letters = foldOrbit(r)
		}
		next := make([]string, 0, len(variants)*len(letters))
		for _, v := range variants {
			for _, l := range letters {
				next = append(next, v+string(l))
			}
		}
		variants = next
	}
	if len(variants) == 1 {
		return ftsPhrase(variants[0])
	}
	for i, v := range variants {
		variants[i] = ftsPhrase(v)
	}
	return "(" + strings.Join(variants, " OR ") + ")"
}

// textCondition is the SQL condition that keeps the rows holding folded (a searchText) in
// their name, URI or SHA-256 by the text rule, with its arguments. LIKE keeps the rows holding
// it with ASCII case ignored: every one of them matches the rule, and when each letter of the
// text either has no other case or only ASCII ones, so does every match (LIKE is the rule).
// Otherwise LIKE misses the matches that hold another case of a letter beyond ASCII ("ü" for
// "Ü", "ς" for "σ", the Kelvin sign K for "k", the long ſ for "s"). Only a row with a character
// of more than one byte can hold one (a byte that is not UTF-8 reads as one of U+0080..U+00BF
// or U+FFFD; of those only µ has other cases, and µ is the letter folded text holds for them),
// so those rows that LIKE did not keep get the rule itself.
func textCondition(folded string) (cond string, args []any) {
	var pattern strings.Builder
	pattern.WriteByte('%')
	likeIsRule := true
	for _, r := range folded {
		likeIsRule = likeIsRule && likeFoldsAsRule(r)
		pattern.WriteString(likeEscaper.Replace(string(r)))
	}
	pattern.WriteByte('%')
	like := pattern.String()
	cond = `(u.name LIKE ? ESCAPE '\' OR u.uri LIKE ? ESCAPE '\' OR u.sha256 LIKE ? ESCAPE '\')`
	if likeIsRule {
		return cond, []any{like, like, like}
	}
	// length counts characters, octet_length bytes.
	return "(" + cond + ` OR ((length(u.name) <> octet_length(u.name) OR length(u.uri) <> octet_length(u.uri)
		OR length(u.sha256) <> octet_length(u.sha256)) AND ` + textMatchSQL + "(?, u.name, u.uri, u.sha256)))",
		[]any{like, like, like, folded}
}

// likeFoldsAsRule reports whether LIKE, which folds the ASCII letters only, matches r as the
// text rule does: r has no other case, or r and its other cases are all ASCII.
func likeFoldsAsRule(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if r >= utf8.RuneSelf || f >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// likeEscaper escapes LIKE's wildcards and its escape character (backslash, with ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ftsPhrase quotes text as one FTS5 phrase: inside double quotes only a double quote is
// special, and it is doubled.
func ftsPhrase(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}

// indexUnfolded are the letters whose simple case-folding orbit (see foldRune) the trigram
// tokenizer of the SQLite linked in does not fold to one letter: its case table predates them
// (Georgian Mtavruli, Cherokee small letters, the Cyrillic ᲀ..ᲈ variants and their orbits В,
// в, Д, д..., Latin Extended-D...). TestIndexUnfolded derives the list from the tokenizer and
// prints the new table if SQLite or Go's Unicode tables change it.
var indexUnfolded = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x025c, 0x025c, 1}, {0x0261, 0x0261, 1}, {0x026a, 0x026a, 1}, {0x026c, 0x026c, 1},
		{0x0282, 0x0282, 1}, {0x0287, 0x0287, 1}, {0x029d, 0x029e, 1}, {0x037f, 0x037f, 1},
		{0x03f3, 0x03f3, 1}, {0x0412, 0x0412, 1}, {0x0414, 0x0414, 1}, {0x041e, 0x041e, 1},
		{0x0421, 0x0422, 1}, {0x042a, 0x042a, 1}, {0x0432, 0x0432, 1}, {0x0434, 0x0434, 1},
		{0x043e, 0x043e, 1}, {0x0441, 0x0442, 1}, {0x044a, 0x044a, 1}, {0x0462, 0x0463, 1},
		{0x0528, 0x052f, 1}, {0x10d0, 0x10fa, 1}, {0x10fd, 0x10ff, 1}, {0x13a0, 0x13f5, 1},
		{0x13f8, 0x13fd, 1}, {0x1c80, 0x1c88, 1}, {0x1c90, 0x1cba, 1}, {0x1cbd, 0x1cbf, 1},
		{0x1d8e, 0x1d8e, 1}, {0x2c2f, 0x2c2f, 1}, {0x2c5f, 0x2c5f, 1}, {0xa64a, 0xa64b, 1},
		{0xa698, 0xa69b, 1}, {0xa794, 0xa794, 1}, {0xa796, 0xa79f, 1}, {0xa7ab, 0xa7ae, 1},
		{0xa7b0, 0xa7ca, 1}, {0xa7d0, 0xa7d1, 1}, {0xa7d6, 0xa7d9, 1}, {0xa7f5, 0xa7f6, 1},
		{0xab53, 0xab53, 1}, {0xab70, 0xabbf, 1},
	},
	R32: []unicode.Range32{
		{0x104b0, 0x104d3, 1}, {0x104d8, 0x104fb, 1}, {0x10570, 0x1057a, 1}, {0x1057c, 0x1058a, 1},
		{0x1058c, 0x10592, 1}, {0x10594, 0x10595, 1}, {0x10597, 0x105a1, 1}, {0x105a3, 0x105b1, 1},
		{0x105b3, 0x105b9, 1}, {0x105bb, 0x105bc, 1}, {0x10c80, 0x10cb2, 1}, {0x10cc0, 0x10cf2, 1},
		{0x118a0, 0x118df, 1}, {0x16e40, 0x16e7f, 1}, {0x1e900, 0x1e943, 1},
	},
}
