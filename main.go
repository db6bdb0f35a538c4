// Command redox-uploader uploads files to Redox: a desktop window for clinical staff and, on the
// same core, headless subcommands for scripts (see cli.go).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
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
	runWindow()
}

// runWindow opens the desktop window. Until the upload window lands it only points to the
// command line, which already does the work.
func runWindow() {
	a := app.NewWithID(appID)
	w := a.NewWindow("Redox Uploader")
	w.SetContent(container.NewPadded(widget.NewLabel(
		"The drag-and-drop window is not built yet.\n\n" +
			"Upload from a terminal meanwhile:\n" +
			"  redox-uploader upload --sandbox FILE...   (practice, nothing leaves this computer)\n" +
			"  redox-uploader help                         (all commands)")))
	w.Resize(fyne.NewSize(560, 220))
	w.ShowAndRun()
}
