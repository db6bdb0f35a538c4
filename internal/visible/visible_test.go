package visible

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestName(t *testing.T) {
	tests := []struct {
		in, name, line string
	}{
		{"rtl\u202efdp.exe", "rtl<U+202E>fdp.exe", "rtl<U+202E>fdp.exe"},
		{"\u202a\u202b\u202c\u202d\u202e", "<U+202A><U+202B><U+202C><U+202D><U+202E>", ""},
		{"\u2066\u2067\u2068\u2069", "<U+2066><U+2067><U+2068><U+2069>", ""},
		{"a\u200eb\u200fc\u061cd", "a<U+200E>b<U+200F>c<U+061C>d", ""},
		{"zero\u200bwidth\u200c\u200d\u2060\ufeff", "zero<U+200B>width<U+200C><U+200D><U+2060><U+FEFF>", ""},
		{"soft\u00adhyphen", "soft<U+00AD>hyphen", ""},
		{"tag\U000E0041", "tag<U+E0041>", ""},
		{"line\u2028para\u2029", "line<U+2028>para<U+2029>", ""},
		{"hangul\u3164filler\u115f", "hangul<U+3164>filler<U+115F>", ""},
		{"two\nlines\r\tx", "two<U+000A>lines<U+000D><U+0009>x", "two lines  x"},
		{"nul\x00del\x7fnel\u0085", "nul<U+0000>del<U+007F>nel<U+0085>", "nul<U+0000>del<U+007F>nel<U+0085>"},
		{"bad\xffutf8\xc3", "bad<0xFF>utf8<0xC3>", "bad<0xFF>utf8<0xC3>"},
		// Shown as they are: letters of every script (right-to-left ones included), spaces,
		// emoji with their modifiers and variation selectors, a real replacement character.
		{"Ünïcødé résumé.pdf", "", ""},
		{"报告 2026.pdf", "", ""},
		{"تقرير المريض.pdf", "", ""},
		{"שלום.pdf", "", ""},
		{"thumbs 👍🏽 ❤️.png", "", ""},
		{"no\u00a0break and\u3000wide", "", ""},
		{"already <U+202E> escaped", "", ""},
		{"replacement \ufffd char", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		name, line := tt.name, tt.line
		if name == "" {
			name = tt.in
		}
		if line == "" {
			line = name
		}
		if text := strings.ReplaceAll(name, "<U+000A>", "\n"); Text(tt.in) != text {
			t.Errorf("Text(%+q) = %q, want %q", tt.in, Text(tt.in), text)
		}
		if got := Name(tt.in); got != name {
			t.Errorf("Name(%+q) = %q, want %q", tt.in, got, name)
		}
		if got := Line(tt.in); got != line {
			t.Errorf("Line(%+q) = %q, want %q", tt.in, got, line)
		}
	}
}

func TestJSON(t *testing.T) {
	in := map[string]string{"file": "rtl\u202efdp.exe", "tag": "x\U000E0041y", "plain": "报告 👍🏽 ❤️", "sep": "a\u2028b\nc"}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(data)
	for _, want := range []string{`rtl\u202efdp.exe`, `x\udb40\udc41y`, `"报告 👍🏽 ❤️"`, `a\u2028b\nc`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JSON = %s, lacks %s", out, want)
		}
	}
	if strings.IndexFunc(string(out), Hidden) >= 0 {
		t.Errorf("JSON = %q still holds hidden characters", out)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if back[k] != v {
			t.Errorf("%s decodes to %q, want %q", k, back[k], v)
		}
	}
	plain := []byte(`{"file":"scan.pdf"}`)
	if got := JSON(plain); &got[0] != &plain[0] {
		t.Error("JSON copied text that needed no change")
	}
}

// FuzzName: whatever the input, Name's result is valid UTF-8 without a hidden character, and
// escaping it again changes nothing.
func FuzzName(f *testing.F) {
	for _, s := range []string{"rtl\u202efdp.exe", "a\nb", "\xff\xfe", "👍🏽", "<U+202E>", "\U000E0041"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, got := range []string{Name(s), Line(s), strings.ReplaceAll(Text(s), "\n", "")} {
			if !utf8.ValidString(got) {
				t.Fatalf("escape(%q) = %q is not UTF-8", s, got)
			}
			if strings.IndexFunc(got, Hidden) >= 0 {
				t.Fatalf("escape(%q) = %q still holds a hidden character", s, got)
			}
		}
		if n := Name(s); Name(n) != n || Line(n) != n || Text(n) != n {
			t.Fatalf("Name(%q) = %q is not stable", s, n)
		}
	})
}
