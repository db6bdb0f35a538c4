package fileuri

import (
	"path/filepath"
	"testing"
)

func TestPath(t *testing.T) {
	for _, tt := range []struct {
		uri, want string
		ok        bool
	}{
		{"file:///home/nurse/Scan%2012%20March.pdf", filepath.FromSlash("/home/nurse/Scan 12 March.pdf"), true},
		{"file://localhost/tmp/a.pdf", filepath.FromSlash("/tmp/a.pdf"), true},
		{"file:///C:/Users/nurse/a.pdf", filepath.FromSlash("C:/Users/nurse/a.pdf"), true},
		{"file://fileserver/share/a.pdf", "", false}, // another computer's
		{"https://example.org/a.pdf", "", false},
		{"/home/nurse/a.pdf", "", false},
		{"file:", "", false},
	} {
		got, ok := Path(tt.uri)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Path(%q) = %q, %v; want %q, %v", tt.uri, got, ok, tt.want, tt.ok)
		}
	}
}
