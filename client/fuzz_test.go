package client

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzPartFileName: whatever the path, the part header carries one clean line and reads back
// as the same name.
func FuzzPartFileName(f *testing.F) {
	for _, seed := range []string{"report.pdf", "a\r\nContent-Type: text/html\r\n\r\nx.pdf", `q"uote\.pdf`,
		"dir/sub/../x.png", "\x00\x7f\u0085.pdf", "名前.pdf", "\xff\xfe.pdf", "", "/", "..", " \t "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		name := PartFileName(path)
		if name == "" || strings.Contains(name, "/") || !utf8.ValidString(name) {
			t.Fatalf("PartFileName(%q) = %q", path, name)
		}
		for _, r := range name {
			if unicode.IsControl(r) {
				t.Fatalf("PartFileName(%q) = %q keeps control character %U", path, name, r)
			}
		}
		frame := newMultipartFrame(name)
		if n := bytes.Count(frame.head, []byte("\r\n")); n != 4 { // boundary, two headers, blank line
			t.Fatalf("head has %d line breaks, want 4: %q", n, frame.head)
		}
		_, params, _ := mime.ParseMediaType(frame.contentType)
		body := io.MultiReader(bytes.NewReader(frame.head), strings.NewReader("data"), bytes.NewReader(frame.tail))
		part, err := multipart.NewReader(body, params["boundary"]).NextPart()
		if err != nil {
			t.Fatalf("multipart does not parse for %q: %v", name, err)
		}
		_, disp, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil || disp["filename"] != name || disp["name"] != "file" || len(part.Header) != 2 {
			t.Fatalf("header %q reads back as %q (err %v); want %q", part.Header, disp, err, name)
		}
	})
}

// FuzzParseUploadReply: any reply either yields an absolute http(s) URI or an error.
func FuzzParseUploadReply(f *testing.F) {
	for _, seed := range []string{`{"URI":"https://blob.redoxengine.com/abc"}`, `{"URI":""}`, `{}`, `<html>`,
		`{"URI":"ftp://x"}`, `{"URI":"https://"}`, `{"URI":1}`, `{"uri":"http://h/x"}`, `null`, `{"URI":"https://blob.redo`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if ex := Excerpt(body); utf8.RuneCountInString(ex) > excerptRunes+1 || strings.ContainsAny(ex, "\r\n") {
			t.Fatalf("excerpt %q is not one capped line", ex)
		}
		uri, err := ParseUploadReply(body)
		if err != nil {
			if uri != "" {
				t.Fatalf("error %v with URI %q", err, uri)
			}
			return
		}
		u, perr := url.Parse(uri)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("accepted %q from %q", uri, body)
		}
	})
}
