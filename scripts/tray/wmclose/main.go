//go:build linux

// Command wmclose asks an X11 window to close, as a window manager's close button does: it
// sends the window a WM_PROTOCOLS client message with WM_DELETE_WINDOW, which the program may
// answer as it likes (ask, hide, or close). Under Xvfb without a window manager this is the
// honest close; xdotool's windowclose destroys the window instead. Test-only, for
// scripts/tray-test.sh and scripts/wine-tray-test.sh.
//
// Usage: wmclose WINDOW-ID
package main

/*
#cgo pkg-config: x11
#include <stdlib.h>
#include <X11/Xlib.h>

// sendDelete sends WM_DELETE_WINDOW to win on the display $DISPLAY names; 0 on success, 1 when
// the display cannot be opened, 2 when the window does not take WM_DELETE_WINDOW, 3 when the
// event could not be sent.
static int sendDelete(Window win) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 1;
	Atom protocols = XInternAtom(d, "WM_PROTOCOLS", False);
	Atom del = XInternAtom(d, "WM_DELETE_WINDOW", False);
	Atom *list = NULL;
	int n = 0, takes = 0;
	if (XGetWMProtocols(d, win, &list, &n)) {
		for (int i = 0; i < n; i++) if (list[i] == del) takes = 1;
		XFree(list);
	}
	if (!takes) { XCloseDisplay(d); return 2; }
	XEvent ev = {0};
	ev.xclient.type = ClientMessage;
	ev.xclient.window = win;
	ev.xclient.message_type = protocols;
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = del;
	ev.xclient.data.l[1] = CurrentTime;
	Status ok = XSendEvent(d, win, False, NoEventMask, &ev);
	XSync(d, False);
	XCloseDisplay(d);
	return ok ? 0 : 3;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wmclose WINDOW-ID")
		os.Exit(2)
	}
	id, err := strconv.ParseUint(os.Args[1], 0, 32)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wmclose: %q is not a window ID\n", os.Args[1])
		os.Exit(2)
	}
	switch C.sendDelete(C.Window(id)) {
	case 0:
		return
	case 1:
		fmt.Fprintln(os.Stderr, "wmclose: cannot open the display $DISPLAY names")
	case 2:
		fmt.Fprintf(os.Stderr, "wmclose: window %s does not accept WM_DELETE_WINDOW\n", os.Args[1])
	default:
		fmt.Fprintln(os.Stderr, "wmclose: the close request could not be sent")
	}
	os.Exit(1)
}
