// Package clipfiles reads what the system clipboard holds in the forms an uploader can use:
// files copied in a file manager, an image (a screenshot), or only text. Fyne's clipboard
// carries text alone, so this talks to the platform's clipboard itself (X11 here; the
// platform files say which). It knows nothing of the app.
package clipfiles

import (
	"context"
	"errors"
	"time"
)

// Content is what the clipboard held when it was read. At most one of Files/Refused, Image
// and Text is set, in that order of preference: files first, then an image, then text.
type Content struct {
	Files   []string // local paths of the files copied, in the order given
	Refused []string // copied items that are not local files (web links...), as given
	// Made lists the files among Files that the read itself wrote: virtual files (Windows:
	// Outlook attachments, files in a zip folder) saved in Options.VirtualDir. The caller
	// removes each once it is uploaded, and the whole of VirtualDir at its next start.
	Made  []string
	Image []byte // an image's bytes, in the format ImageType names
	// ImageType is the image's MIME type: "image/png" or "image/jpeg".
	ImageType string
	Text      bool // the clipboard holds text and nothing else the app can use
}

// Empty reports whether the clipboard held nothing the app can use, not even text.
func (c Content) Empty() bool {
	return len(c.Files) == 0 && len(c.Refused) == 0 && len(c.Image) == 0 && !c.Text
}

// Options tune a read. The zero value is ready to use.
type Options struct {
	Display  string        // X11: the display to read ("" for $DISPLAY)
	Timeout  time.Duration // how long the clipboard's owner has to answer; default 3 s
	MaxBytes int           // the largest item read; default 64 MiB
	// VirtualDir is the private folder (the user's only) that virtual files are saved in,
	// each read in a folder of its own. "" leaves virtual files out: they are named in
	// Content.Refused.
	VirtualDir string
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	return o
}

// ErrUnsupported: this build cannot read the platform's clipboard beyond text.
var ErrUnsupported = errors.New("reading files and images from the clipboard is not supported on this system")

// ErrTimeout: the program that owns the clipboard did not answer in time.
var ErrTimeout = errors.New("the program that holds the clipboard did not answer in time")

// Read returns what the clipboard holds now. It blocks for at most opts.Timeout for each
// item it asks the clipboard's owner for; ctx ends it sooner between steps.
func Read(ctx context.Context, opts Options) (Content, error) {
	return read(ctx, opts.withDefaults())
}
