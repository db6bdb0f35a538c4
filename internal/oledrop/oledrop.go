// Package oledrop makes a window an OLE drop target on Windows, so that it takes what a stock
// GLFW window cannot: virtual files (Outlook attachments, files in a zip folder, a browser's
// downloads) as well as ordinary files (CF_HDROP). What is dropped is read with clipfiles, as
// a paste is. Elsewhere Register does nothing.
package oledrop

import (
	"errors"

	"redoxuploader/internal/clipfiles"
)

// ErrUnsupported: this system has no OLE drop target; the window keeps its own drop.
var ErrUnsupported = errors.New("OLE drop targets are Windows only")

// OnDrop receives what was dropped (c.Made: the virtual files saved, for the caller to remove
// once uploaded) or why it could not be read. It is called on the window's thread and must
// return quickly.
type OnDrop func(c clipfiles.Content, err error)
