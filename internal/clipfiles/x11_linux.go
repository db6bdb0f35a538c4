//go:build linux && cgo

package clipfiles

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long clip_now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

// clip_wait waits until deadline (ms, CLOCK_MONOTONIC) for an event of type on window w;
// 0 when one came, -1 on time-out.
static int clip_wait(Display *d, Window w, int type, XEvent *ev, long deadline) {
	for (;;) {
		while (XPending(d) > 0) {
			XNextEvent(d, ev);
			if (ev->type == type && ev->xany.window == w) return 0;
		}
		long left = deadline - clip_now_ms();
		if (left <= 0) return -1;
		struct pollfd p = { ConnectionNumber(d), POLLIN, 0 };
		poll(&p, 1, (int)left);
	}
}

// clip_take reads and deletes property prop of w; its bytes (format 8, 16 or 32 as Xlib
// returns them: 32-bit items as longs) are appended to *buf. -2 when more than max bytes.
static int clip_take(Display *d, Window w, Atom prop, Atom *type, int *format,
                     unsigned char **buf, unsigned long *len, unsigned long max, unsigned long *got) {
	unsigned char *data = NULL;
	unsigned long n = 0, after = 0;
	if (XGetWindowProperty(d, w, prop, 0, 0x1fffffff, True, AnyPropertyType, type, format, &n, &after, &data) != Success)
		return -1;
	unsigned long size = n * (*format == 32 ? sizeof(long) : (unsigned long)(*format / 8));
	*got = size;
	if (*len + size > max) { if (data) XFree(data); return -2; }
	if (size > 0) {
		unsigned char *nb = realloc(*buf, *len + size);
		if (!nb) { XFree(data); return -3; }
		memcpy(nb + *len, data, size);
		*buf = nb;
		*len += size;
	}
	if (data) XFree(data);
	return 0;
}

// clip_convert asks the owner of selection sel for target and reads the answer into *buf,
// following INCR transfers. 0 on success; -1 time-out; -2 too large; -3 out of memory;
// -4 the owner refused the target; -5 no owner.
static int clip_convert(Display *d, Window w, Atom sel, Atom target, long timeout_ms,
                        unsigned char **buf, unsigned long *len, unsigned long max, Atom *type) {
	Atom prop = XInternAtom(d, "REDOX_UPLOADER_CLIP", False);
	Atom incr = XInternAtom(d, "INCR", False);
	XEvent ev;
	int format = 0, rc;
	unsigned long got = 0;
	if (XGetSelectionOwner(d, sel) == None) return -5;
	XDeleteProperty(d, w, prop);
	XConvertSelection(d, sel, target, prop, w, CurrentTime);
	XFlush(d);
	if (clip_wait(d, w, SelectionNotify, &ev, clip_now_ms() + timeout_ms) != 0) return -1;
	if (ev.xselection.property == None) return -4;
	rc = clip_take(d, w, prop, type, &format, buf, len, max, &got);
	if (rc != 0) return rc;
	XFlush(d); // the delete tells an INCR owner to start sending
	if (*type != incr) return 0;
	free(*buf); *buf = NULL; *len = 0; // the INCR item is the size, not the data
	for (;;) {
		long deadline = clip_now_ms() + timeout_ms; // per chunk
		for (;;) {
			if (clip_wait(d, w, PropertyNotify, &ev, deadline) != 0) return -1;
			if (ev.xproperty.atom == prop && ev.xproperty.state == PropertyNewValue) break;
		}
		rc = clip_take(d, w, prop, type, &format, buf, len, max, &got);
		XFlush(d);
		if (rc != 0) return rc;
		if (got == 0) return 0;
	}
}

static Window clip_window(Display *d) {
	Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
	XSelectInput(d, w, PropertyChangeMask);
	return w;
}

static Atom clip_atom_at(unsigned char *buf, unsigned long i) { return ((Atom *)buf)[i]; }
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"unsafe"
)

// x11 is one connection to an X server, for one read of its CLIPBOARD selection.
type x11 struct {
	d    *C.Display
	w    C.Window
	opts Options
}

// read asks the X server's CLIPBOARD owner which formats it offers (TARGETS), picks the best
// (choose) and reads it.
func read(ctx context.Context, opts Options) (Content, error) {
	runtime.LockOSThread() // one Xlib connection, used from one thread
	defer runtime.UnlockOSThread()
	var name *C.char
	if opts.Display != "" {
		name = C.CString(opts.Display)
		defer C.free(unsafe.Pointer(name))
	}
	d := C.XOpenDisplay(name)
	if d == nil {
		return Content{}, fmt.Errorf("reading the clipboard: cannot open the X display %q", opts.Display)
	}
	defer C.XCloseDisplay(d)
	x := &x11{d: d, w: C.clip_window(d), opts: opts}
	defer C.XDestroyWindow(d, x.w)

	targets, err := x.targets()
	if err != nil || ctx.Err() != nil {
		return Content{}, errors.Join(err, ctx.Err())
	}
	c := choose(targets)
	if c.kind == kindNone {
		return Content{}, nil
	}
	if c.kind == kindText {
		return Content{Text: true}, nil // the text itself is not needed
	}
	data, err := x.convert(c.target)
	if err != nil {
		return Content{}, err
	}
	return contentOf(c, data), nil
}

// contentOf turns the bytes of the chosen format into a Content.
func contentOf(c choice, data []byte) Content {
	switch {
	case c.target == targetGnomeFiles:
		files, refused := ParseGnomeCopiedFiles(data)
		return Content{Files: files, Refused: refused}
	case c.kind == kindFiles:
		files, refused := ParseURIList(data)
		return Content{Files: files, Refused: refused}
	case c.kind == kindImage:
		return Content{Image: data, ImageType: c.target}
	}
	return Content{}
}

// targets returns the names of the formats the clipboard's owner offers; none when the
// clipboard is empty.
func (x *x11) targets() ([]string, error) {
	buf, typ, err := x.convertRaw("TARGETS")
	if errors.Is(err, errNoOwner) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(buf.p))
	if typ != C.XA_ATOM {
		return nil, fmt.Errorf("reading the clipboard: TARGETS came as type %d, not ATOM", typ)
	}
	n := buf.n / C.ulong(unsafe.Sizeof(C.Atom(0)))
	names := make([]string, 0, n)
	for i := C.ulong(0); i < n; i++ {
		if s := C.XGetAtomName(x.d, C.clip_atom_at(buf.p, i)); s != nil {
			names = append(names, C.GoString(s))
			C.XFree(unsafe.Pointer(s))
		}
	}
	return names, nil
}

// convert returns the clipboard's content in the format target.
func (x *x11) convert(target string) ([]byte, error) {
	buf, _, err := x.convertRaw(target)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(buf.p))
	return C.GoBytes(unsafe.Pointer(buf.p), C.int(buf.n)), nil
}

var errNoOwner = errors.New("no program holds the clipboard")

type cbuf struct {
	p *C.uchar
	n C.ulong
}

// convertRaw asks for target (XConvertSelection) and reads the answer, INCR included. The
// caller frees buf.p (also when it is nil).
func (x *x11) convertRaw(target string) (cbuf, C.Atom, error) {
	sel := x.atom("CLIPBOARD")
	t := x.atom(target)
	var buf cbuf
	var typ C.Atom
	rc := C.clip_convert(x.d, x.w, sel, t, C.long(x.opts.Timeout.Milliseconds()), &buf.p, &buf.n, C.ulong(x.opts.MaxBytes), &typ)
	var err error
	switch rc {
	case 0:
		return buf, typ, nil
	case -1:
		err = ErrTimeout
	case -2:
		err = fmt.Errorf("the clipboard item is larger than %d MiB", x.opts.MaxBytes>>20)
	case -3:
		err = errors.New("out of memory")
	case -4:
		err = errors.New("the program that holds the clipboard refused the format")
	case -5:
		err = errNoOwner
	default:
		err = fmt.Errorf("error %d", int(rc))
	}
	C.free(unsafe.Pointer(buf.p))
	return cbuf{}, 0, fmt.Errorf("reading the clipboard as %s: %w", target, err)
}

func (x *x11) atom(name string) C.Atom {
	s := C.CString(name)
	defer C.free(unsafe.Pointer(s))
	return C.XInternAtom(x.d, s, C.False)
}
