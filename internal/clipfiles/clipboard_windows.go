//go:build windows

package clipfiles

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Standard clipboard formats.
const (
	cfText        = 1
	cfDIB         = 8
	cfUnicodeText = 13
	cfHDROP       = 15
)

// clipboardBusy is CLIPBRD_E_CANT_OPEN: another program has the clipboard open.
const clipboardBusy = 0x800401D0

// read reads the Windows clipboard through OLE (OleGetClipboard), which sees what any program
// offers, including the virtual files of Outlook, browsers and zip folders. Another program
// holding the clipboard open is waited for up to opts.Timeout.
func read(ctx context.Context, opts Options) (Content, error) {
	var c Content
	err := withOLE(func() error {
		obj, err := oleClipboard(ctx, opts.Timeout)
		if err != nil {
			return err
		}
		defer release(uintptr(obj))
		c, err = readDataObject(obj, opts, func() ([]byte, error) {
			return plainClipboardData(ctx, cfDIB, opts)
		})
		return err
	})
	return c, err
}

// oleClipboard returns the clipboard's data object, retrying while another program has the
// clipboard open.
func oleClipboard(ctx context.Context, timeout time.Duration) (dataObject, error) {
	var obj uintptr
	err := whileBusy(ctx, timeout, func() (bool, error) {
		hr, _, _ := procOleGetClipboard.Call(uintptr(unsafe.Pointer(&obj)))
		switch hr {
		case sOK:
			return true, nil
		case clipboardBusy:
			return false, nil
		}
		return false, &hresultError{"OleGetClipboard", hr}
	})
	return dataObject(obj), err
}

// plainClipboardData copies format out of the Win32 clipboard (OpenClipboard,
// GetClipboardData), refusing more than opts.MaxBytes. It is what the OLE clipboard's data
// object does itself on Windows; Wine's gives standard formats other than text (CF_DIB from
// PrintScreen, a screenshot tool or Paint) in no medium at all (DV_E_TYMED), so they are read
// here.
func plainClipboardData(ctx context.Context, format uint16, opts Options) ([]byte, error) {
	err := whileBusy(ctx, opts.Timeout, func() (bool, error) {
		r, _, _ := procOpenClipboard.Call(0)
		return r != 0, nil
	})
	if err != nil {
		return nil, err
	}
	defer procCloseClipboard.Call()
	h, _, err := procGetClipboardData.Call(uintptr(format))
	if h == 0 {
		return nil, fmt.Errorf("reading the clipboard: GetClipboardData(format %d): %w", format, err)
	}
	return globalBytes(h, int64(opts.MaxBytes))
}

// whileBusy calls open until it says it is done or fails, every 20 ms while another program
// has the clipboard open (no event says when it closes it), for up to timeout.
func whileBusy(ctx context.Context, timeout time.Duration, open func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		done, err := open()
		switch {
		case done || err != nil:
			return err
		case time.Now().After(deadline):
			return fmt.Errorf("opening the clipboard: %w", ErrTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ReadDataObject reads a data object's files as Read reads the clipboard's: obj is an
// IDataObject pointer (what a drop target's Drop receives), valid for the call. It must be
// called on the thread, with OLE initialized, that obj was given on.
func ReadDataObject(obj uintptr, opts Options) (Content, error) {
	return readDataObject(dataObject(obj), opts.withDefaults(), nil)
}

// readDataObject reads what d holds: files (CF_HDROP) first, then virtual files
// (FileGroupDescriptorW and FileContents), then a picture ("PNG", which browsers and the
// Snipping Tool offer, else CF_DIB, a screenshot), then text. plainDIB, when d is the
// clipboard's, reads CF_DIB from the Win32 clipboard when d will not give it (nil for a drop).
func readDataObject(d dataObject, opts Options, plainDIB func() ([]byte, error)) (Content, error) {
	if d.has(cfHDROP, tymedHGlobal) {
		files, err := dropFiles(d)
		return Content{Files: files}, err
	}
	if descriptor := registeredFormat("FileGroupDescriptorW"); d.has(descriptor, tymedHGlobal) {
		return virtualFiles(d, descriptor, opts)
	}
	if png := registeredFormat("PNG"); d.has(png, tymedHGlobal) {
		data, err := globalData(d, png, opts.MaxBytes)
		return Content{Image: data, ImageType: targetPNG}, err
	}
	if d.has(cfDIB, tymedHGlobal) {
		dib, err := dibData(d, opts.MaxBytes, plainDIB)
		if err != nil {
			return Content{}, err
		}
		data, err := dibToPNG(dib)
		if err != nil {
			return Content{}, fmt.Errorf("reading the clipboard's bitmap: %w", err)
		}
		return Content{Image: data, ImageType: targetPNG}, nil
	}
	return Content{Text: d.has(cfUnicodeText, tymedHGlobal) || d.has(cfText, tymedHGlobal)}, nil
}

// dibData copies CF_DIB out of d or, when d will not give it (not: it is too large) and plainDIB
// is set, with plainDIB.
func dibData(d dataObject, max int, plainDIB func() ([]byte, error)) ([]byte, error) {
	dib, err := globalData(d, cfDIB, max)
	var refused *hresultError
	if !errors.As(err, &refused) || plainDIB == nil {
		return dib, err
	}
	dib, plainErr := plainDIB()
	if plainErr != nil {
		return nil, fmt.Errorf("%w; then %w", err, plainErr)
	}
	return dib, nil
}

// globalData copies format out of d's global memory, refusing more than max bytes.
func globalData(d dataObject, format uint16, max int) ([]byte, error) {
	m, err := d.get(format, -1, tymedHGlobal)
	if err != nil {
		return nil, fmt.Errorf("reading the clipboard: %w", err)
	}
	defer releaseMedium(m)
	return globalBytes(m.data, int64(max))
}

// globalBytes copies the bytes of the global memory h, at most max of them (more is an error).
func globalBytes(h uintptr, max int64) ([]byte, error) {
	size, _, _ := procGlobalSize.Call(h)
	if int64(size) > max {
		return nil, fmt.Errorf("the clipboard item is larger than %d MiB", max>>20)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		return nil, fmt.Errorf("reading the clipboard's memory: %w", err)
	}
	defer procGlobalUnlock.Call(h)
	return append([]byte(nil), unsafe.Slice((*byte)(pointer(p)), size)...), nil
}

// dropFiles returns the paths of CF_HDROP (files copied in Explorer).
func dropFiles(d dataObject) ([]string, error) {
	m, err := d.get(cfHDROP, -1, tymedHGlobal)
	if err != nil {
		return nil, fmt.Errorf("reading the clipboard's files: %w", err)
	}
	defer releaseMedium(m)
	h := m.data
	n, _, _ := procDragQueryFileW.Call(h, 0xFFFFFFFF, 0, 0)
	files := make([]string, 0, n)
	for i := uintptr(0); i < n; i++ {
		length, _, _ := procDragQueryFileW.Call(h, i, 0, 0)
		buf := make([]uint16, length+1)
		if r, _, _ := procDragQueryFileW.Call(h, i, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))); r == 0 {
			return files, errors.New("reading the clipboard's files: a name could not be read")
		}
		files = append(files, windows.UTF16ToString(buf))
	}
	return files, nil
}
