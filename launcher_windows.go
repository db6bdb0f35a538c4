package main

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// exeSuffix ends the name of a program file: ".exe" on Windows.
const exeSuffix = ".exe"

// startWindowProgram starts the window program, a GUI program, on its own: detached from this
// console (its standard streams lead nowhere; it shows problems in a message box) and in a
// process group of its own, so Ctrl+C in the console does not reach it. It returns once the
// window program has started: a Command Prompt gets its prompt back at once, as it does for
// any windowed program.
func startWindowProgram(path string, args []string) error {
	cmd := exec.Command(path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
