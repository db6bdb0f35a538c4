//go:build !windows

package oledrop

import "redoxuploader/internal/clipfiles"

// Register does nothing outside Windows.
func Register(hwnd uintptr, opts clipfiles.Options, onDrop OnDrop) (revoke func(), err error) {
	return func() {}, ErrUnsupported
}
