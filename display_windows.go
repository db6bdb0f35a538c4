//go:build !headless

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// A window that cannot open is explained in a message box: started from the Start menu or
// Explorer, the program has no console, so standard error reaches no one.
func init() {
	reportDisplayProblem = func(p windowProblem) {
		fmt.Fprintln(os.Stderr, p) // for a caller that redirected it
		showMessageBox("Redox Uploader", p.String())
	}
}

// showMessageBox shows an error message box and waits until it is closed; a variable so tests
// can capture it.
var showMessageBox = func(title, text string) {
	t, err1 := windows.UTF16PtrFromString(title)
	m, err2 := windows.UTF16PtrFromString(text)
	if err1 != nil || err2 != nil {
		return // a NUL in the text: never from our own messages
	}
	windows.MessageBox(0, m, t, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
}
