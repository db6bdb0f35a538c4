package app

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// matchFixture journals one row for each name, oldest first, and returns them by name. The
// rows differ in status, source and day so that the filters have something to choose.
func matchFixture(t *testing.T, h *History, base time.Time) map[string]Record {
	t.Helper()
	rows := []Record{
		{Name: "Müller Befund.pdf", Status: StatusDone, Profile: "Radiology"},
		{Name: "MÜLLER_Labor.pdf", Status: StatusFailed, Profile: "Cardiology"},
		{Name: "müller-röntgen.jpg", Status: StatusDone, Profile: "radiology"},
		{Name: "Straße 12.pdf", Status: StatusDone, Profile: "Radiology"},
		{Name: "STRASSE 12.pdf", Status: StatusDuplicate, Profile: "Radiology"},
		{Name: "STRAẞE 14.pdf", Status: StatusDone, Profile: "Lab"},
		{Name: "Σωκράτης.pdf", Status: StatusDone, Profile: "Lab"},
		{Name: "ΣΩΚΡΆΤΗΣ.pdf", Status: StatusUnknown, Profile: "Radiology"},
		{Name: "σωκράτης-2.pdf", Status: StatusInterrupted, Profile: "Cardiology"},
		{Name: "東京 紹介状.pdf", Status: StatusDone, Profile: "Lab"},
		{Name: "Scan 300\u212a.tiff", Status: StatusDone, Profile: "Lab"}, // the Kelvin sign, not K
		{Name: "Иванов.pdf", Status: StatusFailed, Profile: "Radiology"},
		{Name: "ecg.pdf", Status: StatusDone, Profile: "Cardiology",
			URI: "https://blob.redoxengine.com/5d6c0b1e-7f0a-4b9e", SHA256: "ab12" + strings.Repeat("0", 60)},
		{Name: "Temp 37\xb0C.pdf", Status: StatusCancelled, Profile: "Lab"}, // a Latin-1 ° byte, not UTF-8
		{Name: "report.pdf", Status: StatusQueued, Profile: "Radiology"},
		{Name: "Röntgen Knie.pdf", Status: StatusUploading, Profile: "Lab"},
	}
	byName := map[string]Record{}
	for i, r := range rows {
		r.Source, r.Path = "legacy:k@h", "/data/"+r.Name
		r.Created = base.Add(time.Duration(i) * 24 * time.Hour)
		if r.SHA256 == "" {
			r.SHA256 = fmt.Sprintf("%064x", 0xf00+i)
		}
		byName[r.Name] = insertRecord(t, h, r)
	}
	return byName
}

// TestSearchAndMatchesAgree is the one table of what a search selects: every case gives the
// same rows from Query.Matches (Go) and from Search and Count (SQL), and the rows listed.
func TestSearchAndMatchesAgree(t *testing.T) {
	h := openTestHistory(t)
	base := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return base.Add(time.Duration(n) * 24 * time.Hour) }
	rows := matchFixture(t, h, base)
	allPDF := []string{"Müller Befund.pdf", "MÜLLER_Labor.pdf", "Straße 12.pdf", "STRASSE 12.pdf", "STRAẞE 14.pdf",
		"Σωκράτης.pdf", "ΣΩΚΡΆΤΗΣ.pdf", "σωκράτης-2.pdf", "東京 紹介状.pdf", "Иванов.pdf", "ecg.pdf",
		"Temp 37\xb0C.pdf", "report.pdf", "Röntgen Knie.pdf"}
	mueller := []string{"Müller Befund.pdf", "MÜLLER_Labor.pdf", "müller-röntgen.jpg"}
	sokrates := []string{"Σωκράτης.pdf", "ΣΩΚΡΆΤΗΣ.pdf", "σωκράτης-2.pdf"}

	for _, tc := range []struct {
		name string
		q    Query
		want []string
	}{
		{"all", Query{}, append(slices.Clone(allPDF), "müller-röntgen.jpg", "Scan 300\u212a.tiff")},
		{"lower case finds every case", Query{Text: "müller"}, mueller},
		{"upper case finds every case", Query{Text: "MÜLLER"}, mueller},
		{"mixed case", Query{Text: "Müller"}, mueller},
		{"short, beyond ASCII", Query{Text: "mü"}, mueller},
		{"one letter beyond ASCII", Query{Text: "Ü"}, mueller},
		{"spaces around are ignored", Query{Text: "  mÜller befund \t"}, []string{"Müller Befund.pdf"}},
		{"accents count", Query{Text: "muller"}, nil},
		{"ß finds ß and ẞ", Query{Text: "straße"}, []string{"Straße 12.pdf", "STRAẞE 14.pdf"}},
		{"ẞ finds ß and ẞ", Query{Text: "STRAẞE"}, []string{"Straße 12.pdf", "STRAẞE 14.pdf"}},
		{"ss is not ß", Query{Text: "STRASSE"}, []string{"STRASSE 12.pdf"}},
		{"ss is not ß, lower case", Query{Text: "strasse"}, []string{"STRASSE 12.pdf"}},
		{"one ß", Query{Text: "ß"}, []string{"Straße 12.pdf", "STRAẞE 14.pdf"}},
		{"Greek lower case", Query{Text: "σωκράτης"}, sokrates},
		{"Greek capitalised", Query{Text: "Σωκράτης"}, sokrates},
		{"Greek upper case", Query{Text: "ΣΩΚΡΆΤΗΣ"}, sokrates},
		{"final sigma is sigma", Query{Text: "ς"}, sokrates},
		{"Greek without its accent", Query{Text: "σωκρατης"}, nil},
		{"CJK", Query{Text: "東京"}, []string{"東京 紹介状.pdf"}},
		{"CJK, one letter", Query{Text: "状"}, []string{"東京 紹介状.pdf"}},
		{"Cyrillic", Query{Text: "иванов"}, []string{"Иванов.pdf"}},
		{"Kelvin sign is k", Query{Text: "300k"}, []string{"Scan 300\u212a.tiff"}},
		{"URI", Query{Text: "blob.redoxengine.com/5d6c"}, []string{"ecg.pdf"}},
		{"URI, any case", Query{Text: "5D6C0B1E-7F0A"}, []string{"ecg.pdf"}},
		{"SHA-256 prefix", Query{Text: "ab1200"}, []string{"ecg.pdf"}},
		{"SHA-256 prefix, upper case", Query{Text: "AB12"}, []string{"ecg.pdf"}},
		{"a byte that is not UTF-8 reads as SQLite reads it", Query{Text: "37°c"}, []string{"Temp 37\xb0C.pdf"}},
		{"no match", Query{Text: "nothing-like-this"}, nil},
		{"LIKE wildcards are literal", Query{Text: "_%"}, nil},
		{"status", Query{Statuses: []Status{StatusFailed}}, []string{"MÜLLER_Labor.pdf", "Иванов.pdf"}},
		{"statuses", Query{Statuses: []Status{StatusUnknown, StatusInterrupted}}, []string{"ΣΩΚΡΆΤΗΣ.pdf", "σωκράτης-2.pdf"}},
		{"text and status", Query{Text: "müller", Statuses: []Status{StatusDone}}, []string{"Müller Befund.pdf", "müller-röntgen.jpg"}},
		{"source, exactly", Query{Profile: "radiology"}, []string{"müller-röntgen.jpg"}},
		{"text and source", Query{Text: "MÜLLER", Profile: "Radiology"}, []string{"Müller Befund.pdf"}},
		{"since", Query{Since: day(12)}, []string{"ecg.pdf", "Temp 37\xb0C.pdf", "report.pdf", "Röntgen Knie.pdf"}},
		{"since, to the nanosecond", Query{Since: day(12).Add(time.Nanosecond)},
			[]string{"Temp 37\xb0C.pdf", "report.pdf", "Röntgen Knie.pdf"}},
		{"until", Query{Until: day(2)}, []string{"Müller Befund.pdf", "MÜLLER_Labor.pdf"}},
		{"date range and text", Query{Text: "Σ", Since: day(7), Until: day(8)}, []string{"ΣΩΚΡΆΤΗΣ.pdf"}},
		// Rows in flight are not in the trigram index (until final), and found all the same.
		{"in flight, queued", Query{Text: "REPORT"}, []string{"report.pdf"}},
		{"in flight and final", Query{Text: "röntgen"}, []string{"müller-röntgen.jpg", "Röntgen Knie.pdf"}},
		{"in flight, text and status", Query{Text: "pdf", Statuses: []Status{StatusQueued, StatusUploading}},
			[]string{"report.pdf", "Röntgen Knie.pdf"}},
		{"in flight, text and source", Query{Text: "knie", Profile: "Lab"}, []string{"Röntgen Knie.pdf"}},
		{"in flight, text, another source", Query{Text: "knie", Profile: "Radiology"}, nil},
		{"everything", Query{Text: "pdf", Statuses: []Status{StatusDone, StatusFailed}, Profile: "Lab", Since: day(6)},
			[]string{"Σωκράτης.pdf", "東京 紹介状.pdf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []int64
			for _, name := range tc.want {
				want = append(want, rows[name].ID)
			}
			slices.Sort(want)
			slices.Reverse(want) // newest first

			var matched []int64
			for _, r := range rows {
				if tc.q.Matches(r) {
					matched = append(matched, r.ID)
				}
			}
			slices.Sort(matched)
			slices.Reverse(matched)
			if !slices.Equal(matched, want) {
				t.Errorf("Matches selects %s\nwant %s", namesOf(rows, matched), namesOf(rows, want))
			}

			got := searchAll(t, h, tc.q, 2) // two a page: the text path pages too
			if !slices.Equal(got, want) {
				t.Errorf("Search selects %s\nwant %s", namesOf(rows, got), namesOf(rows, want))
			}
			if n, err := h.Count(t.Context(), tc.q); err != nil || n != len(want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(want))
			}
		})
	}
}

// searchAll reads every page of q, limit rows a page, and returns the IDs in order.
func searchAll(t *testing.T, h *History, q Query, limit int) []int64 {
	t.Helper()
	q.Limit, q.BeforeID = limit, 0
	var ids []int64
	for {
		page, err := h.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return ids
		}
		ids = append(ids, recordIDs(page)...)
		q.BeforeID = page[len(page)-1].ID
	}
}

func namesOf(rows map[string]Record, ids []int64) string {
	var names []string
	for _, id := range ids {
		for name, r := range rows {
			if r.ID == id {
				names = append(names, name)
			}
		}
	}
	return fmt.Sprintf("%q", names)
}

// TestSearchAgreesWithMatchesOnMixedText searches rows made of the letters where the trigram
// index, LIKE and the text rule differ (other cases beyond ASCII, letters the index does not
// fold, bytes that are not UTF-8) for many texts, and wants the same rows as Matches.
func TestSearchAgreesWithMatchesOnMixedText(t *testing.T) {
	h := openTestHistory(t)
	rng := rand.New(rand.NewPCG(10, 9))
	letters := []string{"a", "A", "k", "K", "\u212a", "s", "S", "ſ", "ß", "ẞ", "ü", "Ü", "σ", "ς", "Σ", "µ", "μ",
		"в", "В", "ᲀ", "т", "ᲄ", "ა", "Ა", "東", "-", " ", "_", "%", `"`, "\xb5", "\xb0", "\xfc", "\xc3"}
	randomText := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	var rows []Record
	for i := range 300 {
		r := Record{Name: randomText(1 + rng.IntN(8)), Status: StatusDone, Created: time.Unix(int64(i), 0)}
		if i%5 == 0 {
			r.URI = "https://blob.redoxengine.com/" + randomText(4)
		}
		rows = append(rows, insertRecord(t, h, r))
	}
	// Texts cut from the names and then changed in case, and texts made up.
	var texts []string
	for range 150 {
		name := []rune(rows[rng.IntN(len(rows))].Name)
		from := rng.IntN(len(name))
		cut := name[from : from+1+rng.IntN(min(4, len(name)-from))]
		for i, r := range cut {
			if rng.IntN(2) == 0 {
				cut[i] = unicode.SimpleFold(r)
			}
		}
		texts = append(texts, string(cut))
	}
	for range 150 {
		texts = append(texts, randomText(1+rng.IntN(4)))
	}
	found := 0
	for _, text := range texts {
		q := Query{Text: text}
		want := matchQuery(rows, q)
		found += len(want)
		got := searchAll(t, h, q, 50)
		if !slices.Equal(got, want) {
			t.Errorf("Search(%+q) = %v\nMatches gives %v", text, got, want)
		}
	}
	if found < len(texts) {
		t.Errorf("the texts matched only %d rows in all: the test tests little", found)
	}
}

// TestFoldRune: letters fold to the same letter exactly when unicode.SimpleFold puts them in
// one orbit, which is what strings.EqualFold compares.
func TestFoldRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		f := foldRune(r)
		for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
			if foldRune(o) != f {
				t.Fatalf("foldRune(%U) = %U but foldRune(%U) = %U: one orbit, two letters", r, f, o, foldRune(o))
			}
		}
		if f != r && !strings.EqualFold(string(f), string(r)) {
			t.Fatalf("foldRune(%U) = %U, not a case of it", r, f)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Müller MÜLLER", "mÜller mÜller"}, {"ß ẞ ss", "ß ß ss"}, {"σ ς Σ", "Σ Σ Σ"}, {"\u212a K ſ S", "k k s s"},
		{"東京", "東京"},
	} {
		if got := searchText(tc.in); got != tc.want {
			t.Errorf("searchText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDecodeRuneReadsAsSQLite checks decodeRune against SQLite's LIKE, which reads text as the
// trigram tokenizer does, on valid and broken UTF-8: the pattern of the characters decodeRune
// reads in a string matches it, and so does one "_" for each of them.
func TestDecodeRuneReadsAsSQLite(t *testing.T) {
	db := memoryDB(t)
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Z", "ü", "東", "😀", "\x80", "\xb5", "\xbf", "\xc3", "\xe6\x9d", "\xf0\x9f\x98",
		"\xed\xa0\x80", "\xef\xbf\xbe", "\xc0\x80", "\xfe", "\xff", "\xc3\xbc\x80\x80", "%", "_"}
	for range 2000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		var chars []rune
		for i := 0; i < len(s); {
			r, n := decodeRune(s[i:])
			chars = append(chars, r)
			i += n
		}
		if utf8.ValidString(s) && !slices.Equal(chars, []rune(s)) {
			t.Fatalf("decodeRune reads valid %q as %U", s, chars)
		}
		var pattern strings.Builder
		for _, r := range chars {
			if !utf8.ValidRune(r) { // a number beyond Unicode, which no UTF-8 writes
				pattern.WriteByte('_')
			} else {
				pattern.WriteString(likeEscaper.Replace(string(r)))
			}
		}
		var same, count bool
		err := db.QueryRowContext(t.Context(), `SELECT ?1 LIKE ?2 ESCAPE '\', ?1 LIKE ?3`,
			s, pattern.String(), strings.Repeat("_", len(chars))).Scan(&same, &count)
		if err != nil {
			t.Fatal(err)
		}
		if !same || !count {
			t.Fatalf("decodeRune reads %q as %U; SQLite's LIKE reads it otherwise (same characters %v, as many %v)",
				s, chars, same, count)
		}
	}
}

// TestIndexUnfolded derives, from the trigram tokenizer of the SQLite linked in, the letters
// whose orbit it does not fold to one letter, and wants indexUnfolded to list exactly those:
// a letter missing would lose search results, one too many only costs lookups.
func TestIndexUnfolded(t *testing.T) {
	db := memoryDB(t)
	for _, stmt := range []string{
		`CREATE VIRTUAL TABLE probe USING fts5 (text, tokenize = 'trigram')`,
		`CREATE VIRTUAL TABLE probe_terms USING fts5vocab (probe, 'instance')`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	// One row "#a#b#c#...": the term at offset 2i is "#" + the tokenizer's fold of letter i + "#".
	var cased []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.SimpleFold(r) != r {
			cased = append(cased, r)
		}
	}
	var text strings.Builder
	for _, r := range cased {
		text.WriteString("#" + string(r))
	}
	text.WriteString("#")
	if _, err := db.ExecContext(t.Context(), `INSERT INTO probe (text) VALUES (?)`, text.String()); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(t.Context(), `SELECT term, offset FROM probe_terms`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	folded := map[rune]rune{}
	for rows.Next() {
		var term string
		var offset int
		if err := rows.Scan(&term, &offset); err != nil {
			t.Fatal(err)
		}
		if offset%2 == 0 {
			folded[cased[offset/2]] = []rune(term)[1]
		}
	}
	if len(folded) != len(cased) {
		t.Fatalf("read the fold of %d letters of %d", len(folded), len(cased))
	}
	var unfolded []rune
	for _, r := range cased {
		for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
			if folded[o] != folded[r] {
				unfolded = append(unfolded, r)
				break
			}
		}
	}
	var listed []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.Is(indexUnfolded, r) {
			listed = append(listed, r)
		}
	}
	if !slices.Equal(listed, unfolded) {
		t.Errorf("indexUnfolded lists %d letters; the tokenizer leaves these %d unfolded, as ranges:\n%s",
			len(listed), len(unfolded), runeRanges(unfolded))
	}
}

// runeRanges writes sorted runes as the ranges of a unicode.RangeTable.
func runeRanges(rs []rune) string {
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j+1 < len(rs) && rs[j+1] == rs[j]+1 {
			j++
		}
		fmt.Fprintf(&b, "{0x%04x, 0x%04x, 1}, ", rs[i], rs[j])
		i = j + 1
	}
	return b.String()
}

// memoryDB is an in-memory SQLite database on one connection.
func memoryDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}
