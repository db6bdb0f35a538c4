//go:build !windows

package main

import (
	"os"
	"syscall"
)

// exeSuffix ends the name of a program file: nothing on Unix.
const exeSuffix = ""

// startWindowProgram replaces this process with the window program (execve): same process,
// same arguments after the program's path, same environment, so a desktop entry, Open With or
// a terminal that started redox-uploader now holds the window and sees its exit status. It
// returns only if that failed.
func startWindowProgram(path string, args []string) error {
	return syscall.Exec(path, append([]string{path}, args...), os.Environ())
}
