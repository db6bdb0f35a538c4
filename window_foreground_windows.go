//go:build !headless

package main

import "golang.org/x/sys/windows"

// asfwAny is ASFW_ANY: any process may take the foreground once.
const asfwAny = ^uintptr(0) // (DWORD)-1

// allowForeground passes this process's right to the foreground on before it hands its files to
// the open window. Windows lets only the foreground process (this one, just started by the
// person from Explorer or a shortcut) bring a window to the front; without this the open window
// could only flash its taskbar button. The right lasts until it is used or the person types or
// clicks.
func allowForeground() {
	_, _, _ = windows.NewLazySystemDLL("user32.dll").NewProc("AllowSetForegroundWindow").Call(asfwAny)
}
