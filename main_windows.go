//go:build !headless

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// Only the window program, redox-uploader-window.exe, needs this. It is a GUI-subsystem
// program (-ldflags -H=windowsgui), so Windows opens no console window for it and gives it
// none. Scripts call the console program redox-uploader.exe, which prints like any other
// command-line tool; but the window program still takes the commands, so that nothing breaks
// that calls it with one. For such a command line (a subcommand, with global flags before it
// or not, or a mistake whose usage message must be read), before main runs, it attaches to the
// console of the shell that started it and points each standard stream that has no handle at
// that console. Streams the shell redirected (a file, a pipe) already have a valid handle and
// are left alone. The shell does not wait for a GUI program, so its next prompt may appear
// before the output.
func init() {
	if len(os.Args) < 2 || opensWindow(os.Args[1:]) {
		return
	}
	attachParentConsole()
}

// attachParentProcess is ATTACH_PARENT_PROCESS: the console of the process that started us.
const attachParentProcess = ^uintptr(0) // (DWORD)-1

func attachParentConsole() {
	stdin, stdout, stderr := !validStdHandle(windows.STD_INPUT_HANDLE),
		!validStdHandle(windows.STD_OUTPUT_HANDLE), !validStdHandle(windows.STD_ERROR_HANDLE)
	if !stdin && !stdout && !stderr {
		return // everything redirected: nothing to attach
	}
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return // no parent console (started from Explorer, a service): nowhere to print
	}
	if stdin {
		if f := openConsole("CONIN$", windows.STD_INPUT_HANDLE, "/dev/stdin"); f != nil {
			os.Stdin = f
		}
	}
	if stdout {
		if f := openConsole("CONOUT$", windows.STD_OUTPUT_HANDLE, "/dev/stdout"); f != nil {
			os.Stdout = f
		}
	}
	if stderr {
		if f := openConsole("CONOUT$", windows.STD_ERROR_HANDLE, "/dev/stderr"); f != nil {
			os.Stderr = f
		}
	}
}

// validStdHandle reports whether a standard stream already leads somewhere: a file, a pipe or
// a console the process was given.
func validStdHandle(which uint32) bool {
	h, err := windows.GetStdHandle(which)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// openConsole opens the attached console's input (CONIN$) or output (CONOUT$) and makes it
// the process's standard handle too, for anything that asks Windows rather than package os.
func openConsole(name string, which uint32, label string) *os.File {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	_ = windows.SetStdHandle(which, h)
	return os.NewFile(uintptr(h), label)
}
