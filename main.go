// Command redox-uploader uploads files to Redox: a desktop window for clinical staff and, on the
// same core, headless subcommands for scripts (see cli.go). Built with the "headless" tag it
// has no window and links no graphics libraries, for servers.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "redoxuploader/internal/localefix" // before Fyne initialises; see the package
)

// appID is the reverse-DNS identity Fyne keys preferences and storage on; never change it.
const appID = "com.redoxuploader.desktop"

func main() {
	if len(os.Args) > 1 && isSubcommand(os.Args[1]) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := runCLI(ctx, os.Args[1:], cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
		stop()
		os.Exit(code)
	}
	os.Exit(runWindow(os.Args[1:]))
}
