package clipfiles

import (
	"slices"
	"testing"
)

func TestParseURIList(t *testing.T) {
	tests := []struct {
		name          string
		in            string
		files, refuse []string
	}{
		{"one file", "file:///home/nurse/report.pdf\n", []string{"/home/nurse/report.pdf"}, nil},
		{"CRLF, comments and blank lines", "# copied by a file manager\r\nfile:///a.pdf\r\n\r\nfile:///b.pdf\r\n", []string{"/a.pdf", "/b.pdf"}, nil},
		{"no newline at the end", "file:///a.pdf", []string{"/a.pdf"}, nil},
		{"spaces", "file:///home/n/Scan%2012%20March.pdf", []string{"/home/n/Scan 12 March.pdf"}, nil},
		{"UTF-8", "file:///home/n/%C3%89chographie%20%E2%80%94%20r%C3%A9sum%C3%A9.pdf", []string{"/home/n/Échographie — résumé.pdf"}, nil},
		{"a percent sign", "file:///home/n/100%25%20done.pdf", []string{"/home/n/100% done.pdf"}, nil},
		{"a hash in the name", "file:///home/n/Ward%20%233.pdf", []string{"/home/n/Ward #3.pdf"}, nil},
		{"localhost", "file://localhost/srv/x.pdf", []string{"/srv/x.pdf"}, nil},
		{"a web link is refused", "https://example.org/x.pdf\nfile:///a.pdf", []string{"/a.pdf"}, []string{"https://example.org/x.pdf"}},
		{"another computer's file is refused", "file://fileserver/share/x.pdf", nil, []string{"file://fileserver/share/x.pdf"}},
		{"bad percent-encoding is refused", "file:///a%zz.pdf", nil, []string{"file:///a%zz.pdf"}},
		{"a Windows drive", "file:///C:/Users/n/x.pdf", []string{"C:/Users/n/x.pdf"}, nil},
		{"only comments", "# nothing\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, refused := ParseURIList([]byte(tt.in))
			if !slices.Equal(files, tt.files) || !slices.Equal(refused, tt.refuse) {
				t.Errorf("ParseURIList(%q) = %q, %q; want %q, %q", tt.in, files, refused, tt.files, tt.refuse)
			}
		})
	}
}

func TestParseGnomeCopiedFiles(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		files []string
	}{
		{"copy", "copy\nfile:///home/n/a%20b.pdf\nfile:///home/n/c.png", []string{"/home/n/a b.pdf", "/home/n/c.png"}},
		{"cut is read as copy", "cut\nfile:///home/n/a.pdf\n", []string{"/home/n/a.pdf"}},
		{"ending with a NUL", "copy\nfile:///home/n/a.pdf\x00", []string{"/home/n/a.pdf"}},
		{"no verb", "file:///home/n/a.pdf", []string{"/home/n/a.pdf"}},
		{"a file named copy is not the verb's line", "copy\nfile:///home/n/copy", []string{"/home/n/copy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, refused := ParseGnomeCopiedFiles([]byte(tt.in))
			if !slices.Equal(files, tt.files) || len(refused) != 0 {
				t.Errorf("ParseGnomeCopiedFiles(%q) = %q, %q; want %q and nothing refused", tt.in, files, refused, tt.files)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name    string
		offered []string
		want    choice
	}{
		{"a file manager's copy", []string{"TARGETS", "text/uri-list", "x-special/gnome-copied-files", "UTF8_STRING"}, choice{targetGnomeFiles, kindFiles}},
		{"a uri-list", []string{"TARGETS", "UTF8_STRING", "text/uri-list"}, choice{targetURIList, kindFiles}},
		{"a picture file copied: the file wins", []string{"image/png", "text/uri-list"}, choice{targetURIList, kindFiles}},
		{"a screenshot", []string{"TARGETS", "image/jpeg", "image/png", "image/bmp"}, choice{targetPNG, kindImage}},
		{"a JPEG only", []string{"image/jpeg"}, choice{targetJPEG, kindImage}},
		{"text", []string{"TARGETS", "UTF8_STRING", "STRING"}, choice{"UTF8_STRING", kindText}},
		{"nothing usable", []string{"TARGETS", "application/x-foo"}, choice{}},
		{"empty", nil, choice{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := choose(tt.offered); got != tt.want {
				t.Errorf("choose(%q) = %+v, want %+v", tt.offered, got, tt.want)
			}
		})
	}
}
