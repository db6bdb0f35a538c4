// Package fileuri reads file:// URIs, as file managers copy files and as desktops hand them
// over, into the paths they name on this computer.
package fileuri

import (
	"net/url"
	"path/filepath"
	"strings"
)

// Path returns the local path a file:// URI names: host empty or "localhost", path
// percent-decoded, a Windows drive path ("file:///C:/x") with its drive letter.
func Path(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || !strings.EqualFold(u.Scheme, "file") || u.Opaque != "" {
		return "", false
	}
	if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
		return "", false
	}
	p := u.Path
	if p == "" {
		return "", false
	}
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' && isLetter(p[1]) { // /C:/Users/...
		p = p[1:]
	}
	return filepath.FromSlash(p), true
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
