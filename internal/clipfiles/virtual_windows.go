//go:build windows

package clipfiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// virtualFiles saves the virtual files d offers (FileGroupDescriptorW names them, FileContents
// item i holds file i, as an IStream or global memory) in a folder of their own inside
// opts.VirtualDir. A file that cannot be had (a folder, an e-mail offered only as storage, one
// larger than opts.MaxBytes, one its program will not give) is named in Refused; the others
// are in Files and Made.
func virtualFiles(d dataObject, descriptor uint16, opts Options) (Content, error) {
	b, err := globalData(d, descriptor, 16<<20)
	if err != nil {
		return Content{}, err
	}
	items, err := parseFileGroupDescriptorW(b)
	if err != nil {
		return Content{}, fmt.Errorf("reading the clipboard's file names: %w", err)
	}
	var c Content
	contents := registeredFormat("FileContents")
	folder := &virtualFolder{dir: opts.VirtualDir}
	for i, it := range items {
		if it.isDir {
			continue // a zip folder's folders: their files come as items of their own
		}
		if opts.VirtualDir == "" || (it.hasSize && it.size > int64(opts.MaxBytes)) {
			c.Refused = append(c.Refused, safeFileName(it.name))
			continue
		}
		path, err := saveVirtual(d, contents, int32(i), it, folder, int64(opts.MaxBytes))
		var unreadable *hresultError
		switch {
		case errors.Is(err, ErrTooLarge) || errors.As(err, &unreadable):
			c.Refused = append(c.Refused, safeFileName(it.name))
		case err != nil:
			for _, p := range c.Made {
				os.Remove(p)
			}
			return Content{}, err
		default:
			c.Files = append(c.Files, path)
			c.Made = append(c.Made, path)
		}
	}
	return c, nil
}

// saveVirtual writes the contents of item i, as a stream or global memory, into folder.
func saveVirtual(d dataObject, contents uint16, i int32, it fileDescriptor, folder *virtualFolder, max int64) (string, error) {
	m, err := d.get(contents, i, tymedIStream|tymedHGlobal)
	if err != nil {
		return "", err
	}
	defer releaseMedium(m)
	var r io.Reader
	switch m.tymed {
	case tymedIStream:
		r = streamReader(m.data)
	case tymedHGlobal:
		b, err := globalBytes(m.data, max+1)
		if err != nil {
			return "", fmt.Errorf("%q: %w", it.name, ErrTooLarge)
		}
		if it.hasSize && it.size <= int64(len(b)) { // global memory may be rounded up
			b = b[:it.size]
		}
		r = bytes.NewReader(b)
	default:
		return "", &hresultError{fmt.Sprintf("FileContents item %d as medium %d", i, m.tymed), 0x80040069} // DV_E_TYMED
	}
	if it.hasSize { // a stream may offer more than the file: Outlook's do not, but be exact
		r = io.LimitReader(r, it.size)
	}
	return folder.write(it.name, r, max)
}
