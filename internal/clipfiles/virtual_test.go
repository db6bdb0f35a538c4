package clipfiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// groupDescriptor builds a FILEGROUPDESCRIPTORW as Outlook puts one on the clipboard.
func groupDescriptor(items ...fileDescriptor) []byte {
	b := make([]byte, 4+len(items)*descriptorSize)
	le := binary.LittleEndian
	le.PutUint32(b, uint32(len(items)))
	for i, it := range items {
		d := b[4+i*descriptorSize:]
		flags := uint32(fdAttributes)
		if it.isDir {
			le.PutUint32(d[36:], fileAttributeFolder)
		}
		if it.hasSize {
			flags |= fdFileSize
			le.PutUint32(d[64:], uint32(it.size>>32))
			le.PutUint32(d[68:], uint32(it.size))
		}
		le.PutUint32(d, flags)
		for j, u := range utf16.Encode([]rune(it.name)) {
			le.PutUint16(d[72+2*j:], u)
		}
	}
	return b
}

func TestParseFileGroupDescriptorW(t *testing.T) {
	want := []fileDescriptor{
		{name: "Überweisung Müller.pdf", size: 5<<32 | 7, hasSize: true},
		{name: "Αποτελέσματα 檢查 😀.pdf", size: -1},
		{name: `Scans\2026`, size: -1, isDir: true},
	}
	got, err := parseFileGroupDescriptorW(groupDescriptor(want...))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("item %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range [][]byte{nil, {1, 0}, {2, 0, 0, 0}, groupDescriptor(want[0])[:descriptorSize]} {
		if _, err := parseFileGroupDescriptorW(bad); err == nil {
			t.Errorf("%d bytes claiming %d files: no error", len(bad), len(bad))
		}
	}
}

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("ä", 300)
	for _, tc := range []struct{ in, want string }{
		{"Überweisung Müller.pdf", "Überweisung Müller.pdf"},
		{"Αποτελέσματα 檢查.pdf", "Αποτελέσματα 檢查.pdf"},
		{`C:\Users\x\Referral.pdf`, "Referral.pdf"},
		{"../../etc/passwd", "passwd"},
		{`a<b>c:d"e|f?g*h.pdf`, "a_b_c_d_e_f_g_h.pdf"},
		{"line\r\nbreak\x00.pdf", "line__break_.pdf"},
		{"report.pdf. . ", "report.pdf"},
		{"CON.txt", "_CON.txt"},
		{"com1", "_com1"},
		{"COM10.txt", "COM10.txt"},
		{"", "Attachment"},
		{"...", "Attachment"},
		{"???", "Attachment"},
		{long + ".pdf", strings.Repeat("ä", 196) + ".pdf"},
	} {
		if got := safeFileName(tc.in); got != tc.want {
			t.Errorf("safeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestVirtualFolderWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Pasted")
	v := &virtualFolder{dir: dir}
	data := bytes.Repeat([]byte("PDF"), 1000)
	first, err := v.write("Überweisung Müller.pdf", bytes.NewReader(data), 3000)
	if err != nil {
		t.Fatal(err)
	}
	second, err := v.write("Überweisung Müller.pdf", bytes.NewReader(data[:10]), 3000)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{first, second} {
		if filepath.Base(p) != "Überweisung Müller.pdf" {
			t.Errorf("saved as %s: not the attachment's own name", p)
		}
		if rel, err := filepath.Rel(dir, p); err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("saved as %s, outside %s", p, dir)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, fi.Mode().Perm())
		}
		di, _ := os.Stat(filepath.Dir(p))
		if di.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %v, want 0700", filepath.Dir(p), di.Mode().Perm())
		}
	}
	if got, _ := os.ReadFile(first); !bytes.Equal(got, data) {
		t.Errorf("the first file holds %d bytes, want the %d given", len(got), len(data))
	}
	if first == second {
		t.Error("two attachments of one name were saved at one path")
	}

	_, err = v.write("Big.pdf", bytes.NewReader(data), 2999)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("3000 bytes with a cap of 2999: got %v, want ErrTooLarge", err)
	}
	if _, serr := os.Stat(filepath.Join(v.folder, "Big.pdf")); !os.IsNotExist(serr) {
		t.Errorf("the file over the cap was kept: %v", serr)
	}
}
