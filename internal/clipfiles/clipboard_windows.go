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

var (
	user32                     = windows.NewLazySystemDLL("user32.dll")
	kernel32                   = windows.NewLazySystemDLL("kernel32.dll")
	shell32                    = windows.NewLazySystemDLL("shell32.dll")
	procOpenClipboard          = user32.NewProc("OpenClipboard")
	procCloseClipboard         = user32.NewProc("CloseClipboard")
	procIsClipboardFormatAvail = user32.NewProc("IsClipboardFormatAvailable")
	procGetClipboardData       = user32.NewProc("GetClipboardData")
	procRegisterClipboardFmt   = user32.NewProc("RegisterClipboardFormatW")
	procGlobalLock             = kernel32.NewProc("GlobalLock")
	procGlobalUnlock           = kernel32.NewProc("GlobalUnlock")
	procGlobalSize             = kernel32.NewProc("GlobalSize")
	procDragQueryFileW         = shell32.NewProc("DragQueryFileW")
)

// Standard clipboard formats.
const (
	cfUnicodeText = 13
	cfHDROP       = 15
	cfDIB         = 8
	cfText        = 1
)

// read reads the Windows clipboard: files (CF_HDROP) first, then a picture ("PNG", which
// browsers and the Snipping Tool offer, else CF_DIB, a screenshot), then text. The clipboard
// is opened for as short a time as possible; another program holding it open is waited for
// up to opts.Timeout.
func read(ctx context.Context, opts Options) (Content, error) {
	if err := openClipboard(ctx, opts.Timeout); err != nil {
		return Content{}, err
	}
	defer procCloseClipboard.Call()
	if available(cfHDROP) {
		files, err := dropFiles()
		return Content{Files: files}, err
	}
	if png := registeredFormat("PNG"); png != 0 && available(png) {
		data, err := globalBytes(png, opts.MaxBytes)
		return Content{Image: data, ImageType: targetPNG}, err
	}
	if available(cfDIB) {
		dib, err := globalBytes(cfDIB, opts.MaxBytes)
		if err != nil {
			return Content{}, err
		}
		data, err := dibToPNG(dib)
		if err != nil {
			return Content{}, fmt.Errorf("reading the clipboard's bitmap: %w", err)
		}
		return Content{Image: data, ImageType: targetPNG}, nil
	}
	return Content{Text: available(cfUnicodeText) || available(cfText)}, nil
}

// openClipboard opens the clipboard, retrying while another program has it open.
func openClipboard(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		r, _, err := procOpenClipboard.Call(0)
		if r != 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("opening the clipboard: %w (%v)", ErrTimeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond): // another program has it open; no event says when it closes
		}
	}
}

func available(format uintptr) bool {
	r, _, _ := procIsClipboardFormatAvail.Call(format)
	return r != 0
}

func registeredFormat(name string) uintptr {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0
	}
	r, _, _ := procRegisterClipboardFmt.Call(uintptr(unsafe.Pointer(p)))
	return r
}

// globalBytes copies the clipboard's data in format out of its global memory.
func globalBytes(format uintptr, max int) ([]byte, error) {
	h, _, err := procGetClipboardData.Call(format)
	if h == 0 {
		return nil, fmt.Errorf("reading the clipboard (format %d): %w", format, err)
	}
	size, _, _ := procGlobalSize.Call(h)
	if int(size) > max {
		return nil, fmt.Errorf("the clipboard item is larger than %d MiB", max>>20)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		return nil, fmt.Errorf("reading the clipboard (format %d): %w", format, err)
	}
	defer procGlobalUnlock.Call(h)
	mem := *(*unsafe.Pointer)(unsafe.Pointer(&p)) // global memory, not Go's: kept by the clipboard while locked
	return append([]byte(nil), unsafe.Slice((*byte)(mem), size)...), nil
}

// dropFiles returns the paths of CF_HDROP (files copied in Explorer).
func dropFiles() ([]string, error) {
	h, _, err := procGetClipboardData.Call(cfHDROP)
	if h == 0 {
		return nil, fmt.Errorf("reading the clipboard's files: %w", err)
	}
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
