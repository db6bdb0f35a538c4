package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"redoxuploader/internal/visible"
)

// Redox Uploader ships as two programs in one folder. redox-uploader, the command line that
// scripts call in loops, is the headless build: no graphics libraries to load, so it starts in
// a few milliseconds. redox-uploader-window is the window (and takes the same commands). Given
// no command, the command line hands its arguments to the window program beside it: this file
// finds that program; launcher_unix.go and launcher_windows.go start it.

// windowProgram is the file name of the window program, without ".exe".
const windowProgram = "redox-uploader-window"

// windowLauncher starts the window program installed beside this one.
type windowLauncher struct {
	executable func() (string, error) // this program's file: os.Executable
	exeSuffix  string                 // ".exe" on Windows
	// start runs the window program at path with args. On Unix it replaces this process and
	// returns only if that failed; on Windows it returns once the program has started.
	start  func(path string, args []string) error
	stderr io.Writer
}

// newWindowLauncher is the launcher of this process.
func newWindowLauncher() windowLauncher {
	return windowLauncher{executable: os.Executable, exeSuffix: exeSuffix, start: startWindowProgram, stderr: os.Stderr}
}

// launch starts the window program with args, the window's flags and files, and returns the
// exit status: exitOK once it started (on Unix it never returns then), exitUsage when it is
// not installed beside this program, exitFailed when it is there but cannot be started.
func (l windowLauncher) launch(args []string) int {
	path, err := l.windowProgramPath()
	if err != nil {
		l.report(cannotStartMessage(windowProgram), err)
		return exitFailed
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		l.report(missingWindowMessage(path), nil)
		return exitUsage
	}
	if err := l.start(path, args); err != nil {
		l.report(cannotStartMessage(path), err)
		return exitFailed
	}
	return exitOK
}

// windowProgramPath is the window program's path: in the folder of this program's real file,
// following symbolic links (a link in /usr/local/bin to the unpacked folder finds the window
// program in that folder).
func (l windowLauncher) windowProgramPath() (string, error) {
	exe, err := l.executable()
	if err != nil {
		return "", fmt.Errorf("finding this program's own file: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), windowProgram+l.exeSuffix), nil
}

// report prints a message for the person, then the detail for IT after a blank line.
func (l windowLauncher) report(message string, detail error) {
	p := windowProblem{Message: message}
	if detail != nil {
		p.Detail = visible.Line(detail.Error())
	}
	fmt.Fprintln(l.stderr, p)
}

// missingWindowMessage says, in one paragraph, that the window program is not where it should
// be, where it was looked for, and that the commands work without it.
func missingWindowMessage(path string) string {
	return fmt.Sprintf("Redox Uploader cannot open its window: the window program, %s, is not in the same folder as this one "+
		"(looked for %s). Install Redox Uploader again from its full package, which holds both programs, or ask IT. "+
		"Everything the window does can also be done with the commands, which work without the window program: "+
		"run 'redox-uploader help' to see them.", filepath.Base(path), visible.Name(path))
}

// cannotStartMessage says that the window program is there but would not start.
func cannotStartMessage(path string) string {
	return fmt.Sprintf("Redox Uploader cannot open its window: its window program, %s, did not start. "+
		"Install Redox Uploader again, or ask IT. The commands work without the window program: "+
		"run 'redox-uploader help' to see them.", visible.Name(path))
}
