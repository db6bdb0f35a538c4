package clipfiles

import (
	"bytes"
	"strings"

	"redoxuploader/internal/fileuri"
)

// ParseURIList reads a text/uri-list (RFC 2483): one URI a line, CRLF or LF, lines starting
// with # are comments, blank lines ignored. file:// URIs on this computer (no host, or
// "localhost") become paths, percent-decoded; everything else is returned in refused as given.
func ParseURIList(data []byte) (files, refused []string) {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if path, ok := fileuri.Path(line); ok {
			files = append(files, path)
		} else {
			refused = append(refused, line)
		}
	}
	return files, refused
}

// ParseGnomeCopiedFiles reads x-special/gnome-copied-files (GNOME Files, Nemo, Caja, and
// others): a first line "copy" or "cut", then one URI a line. A cut is read as a copy: the
// app only reads the files and never moves them.
func ParseGnomeCopiedFiles(data []byte) (files, refused []string) {
	data = bytes.TrimRight(data, "\x00") // some writers end it with a NUL
	first, rest, _ := strings.Cut(string(data), "\n")
	switch strings.TrimSpace(first) {
	case "copy", "cut":
	default:
		rest = string(data) // no verb: a plain list
	}
	return ParseURIList([]byte(rest))
}
