package clipfiles

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Virtual files are what Outlook (attachments), browsers and zip folders offer on Windows in
// place of saved files: a FileGroupDescriptorW naming them and, per file, FileContents with its
// bytes. The reader writes each to a private folder, under its own name, and lists it in
// Content.Files and Content.Made.

// fileDescriptor is what a FILEDESCRIPTORW says of one virtual file.
type fileDescriptor struct {
	name    string // as given: may hold a relative path ("folder\file.txt")
	size    int64  // -1 when not given
	isDir   bool
	hasSize bool
}

// The layout of FILEGROUPDESCRIPTORW: a UINT count, then FILEDESCRIPTORW records of 592 bytes:
// flags at 0, attributes at 36, size (high, low) at 64 and 68, the name (260 UTF-16 units) at 72.
const (
	descriptorSize      = 592
	fdAttributes        = 0x04
	fdFileSize          = 0x40
	fileAttributeFolder = 0x10
)

// parseFileGroupDescriptorW reads a FILEGROUPDESCRIPTORW.
func parseFileGroupDescriptorW(b []byte) ([]fileDescriptor, error) {
	if len(b) < 4 {
		return nil, errors.New("a file group descriptor shorter than its count")
	}
	le := binary.LittleEndian
	n := int(le.Uint32(b))
	if n < 0 || n > (len(b)-4)/descriptorSize {
		return nil, fmt.Errorf("a file group descriptor of %d bytes cannot hold %d files", len(b), n)
	}
	out := make([]fileDescriptor, n)
	for i := range out {
		d := b[4+i*descriptorSize : 4+(i+1)*descriptorSize]
		flags := le.Uint32(d)
		units := make([]uint16, 260)
		for j := range units {
			units[j] = le.Uint16(d[72+2*j:])
		}
		if end := indexZero(units); end >= 0 {
			units = units[:end]
		}
		out[i] = fileDescriptor{name: string(utf16.Decode(units)), size: -1}
		if flags&fdAttributes != 0 {
			out[i].isDir = le.Uint32(d[36:])&fileAttributeFolder != 0
		}
		if flags&fdFileSize != 0 {
			out[i].hasSize = true
			out[i].size = int64(le.Uint32(d[64:]))<<32 | int64(le.Uint32(d[68:]))
		}
	}
	return out, nil
}

func indexZero(units []uint16) int {
	for i, u := range units {
		if u == 0 {
			return i
		}
	}
	return -1
}

// safeFileName is name made usable as a file name on Windows and Linux, keeping what a person
// reads: the last path element only, no control characters or <>:"/\|?*, no trailing dots or
// spaces, no device name (CON, NUL, COM1...), at most 200 characters with the extension kept.
// Nothing usable left gives "Attachment".
func safeFileName(name string) string {
	if i := strings.LastIndexAny(name, `\/`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"/\|?*`, r) || r == utf8.RuneError {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.TrimRight(name, ". "))
	if name == "" || strings.Trim(name, "_") == "" {
		return "Attachment"
	}
	stem, ext := name, filepath.Ext(name)
	stem = stem[:len(stem)-len(ext)]
	if len([]rune(ext)) > 20 {
		stem, ext = name, ""
	}
	if r := []rune(stem); len(r)+len([]rune(ext)) > 200 {
		stem = strings.TrimRight(string(r[:200-len([]rune(ext))]), ". ")
	}
	switch base := strings.ToUpper(strings.TrimSpace(stem)); {
	case base == "CON" || base == "PRN" || base == "AUX" || base == "NUL",
		len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '0' && base[3] <= '9':
		stem = "_" + stem
	}
	return stem + ext
}

// ErrTooLarge: a virtual file is larger than Options.MaxBytes; nothing of it is kept.
var ErrTooLarge = errors.New("the file is larger than the most the clipboard reader takes")

// virtualFolder writes the virtual files of one paste or drop into a folder of its own, made
// inside dir on first use, readable by the user only: two attachments of one name in two pastes
// never meet, and each keeps its own name.
type virtualFolder struct {
	dir    string // the private folder the app gives (Options.VirtualDir)
	folder string // this read's folder inside it, once made
}

// write copies at most max bytes of r into a file named safeFileName(name) and returns its path.
// More than max bytes: the file is removed and ErrTooLarge returned.
func (v *virtualFolder) write(name string, r io.Reader, max int64) (string, error) {
	if v.folder == "" {
		if err := os.MkdirAll(v.dir, 0o700); err != nil {
			return "", fmt.Errorf("making the folder for pasted files: %w", err)
		}
		folder, err := os.MkdirTemp(v.dir, "files-")
		if err != nil {
			return "", fmt.Errorf("making a folder for pasted files: %w", err)
		}
		v.folder = folder
	}
	path := filepath.Join(v.folder, safeFileName(name))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // two attachments of one name in one paste: a folder each
		sub, serr := os.MkdirTemp(v.folder, "same-name-")
		if serr != nil {
			return "", fmt.Errorf("making a folder for pasted files: %w", serr)
		}
		path = filepath.Join(sub, safeFileName(name))
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	}
	if err != nil {
		return "", fmt.Errorf("saving the pasted file %q: %w", name, err)
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		os.Remove(path)
		return "", fmt.Errorf("saving the pasted file %q: %w", name, err)
	case n > max:
		os.Remove(path)
		return "", fmt.Errorf("%q: %w (%d MiB)", name, ErrTooLarge, max>>20)
	}
	return path, nil
}
