// Command redox-uploader uploads files to Redox: a desktop window for clinical staff and, on the
// same core, subcommands for scripts (see cli.go). It is built twice. Built with the "headless"
// tag and without cgo it is redox-uploader, the command line: it links no graphics libraries,
// so it starts in milliseconds, and without a command it starts the window program installed
// beside it (launcher.go). Built as it is, it is redox-uploader-window: the window, which takes
// the same commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "redoxuploader/internal/localefix" // before Fyne initialises; see the package
)

// main runs the command the command line names (Ctrl+C cancels it cleanly) or opens the
// window; runCLI decides which (see parseCommandLine).
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		window: func(args []string) int {
			stop() // the window has its own way to close; Ctrl+C in a terminal ends it as before
			return runWindow(args)
		}}
	code := runCLI(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}
