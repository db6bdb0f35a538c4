package handoff

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadRequest: whatever a sender writes, the window never panics, answers with an error of
// a request, or takes a request whose files are all absolute, NUL-free paths.
func FuzzReadRequest(f *testing.F) {
	good, _ := encodeRequest(Request{Files: []string{abs("a b.pdf"), abs("Ärzte", "c.pdf")}, Sandbox: true})
	for _, seed := range []string{string(good), `{"version":1}`, `{"version":1,"files":null}`, `{"version":1,"files":["rel"]}`,
		`{"version":2}`, `{"version":1,"files":["/a"],"x":1}`, `{"version":1,"files":["/a\u0000"]}`, "", "{", "\x00\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		req, err := readRequest(strings.NewReader(msg))
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v is none of a request's", err)
			}
			return
		}
		for _, p := range req.Files {
			if !filepath.IsAbs(p) || strings.ContainsRune(p, 0) {
				t.Fatalf("took the file %q", p)
			}
		}
	})
}
