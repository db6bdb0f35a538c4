//go:build !headless

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"redoxuploader/app"
	"redoxuploader/internal/handoff"
	_ "redoxuploader/internal/sessionbus/noautolaunch" // no D-Bus auto-launch, even by GTK's initialiser
	"redoxuploader/ui"
)

// appID is the reverse-DNS identity Fyne keys preferences and storage on; never change it.
const appID = "com.redoxuploader.desktop"

// runWindow opens the desktop window on the app core: `redox-uploader [--sandbox]
// [--data-dir DIR] [FILE...]`. Files given (Open With, a drop on the app icon) are added at once.
// When a window is already open for the data folder, the files go to that window instead,
// which comes to the front, and this process ends (window_handoff.go).
func runWindow(args []string) int {
	env := cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	fs := newFlagSet("", "[--sandbox] [--data-dir DIR] [FILE...]", env)
	sandbox := fs.Bool("sandbox", false, "start on the built-in sandbox (nothing leaves this computer)")
	dataDir := dataDirFlag(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	owner, handed, handOverErr := handOver(dataDir, env, fs.Args(), *sandbox) // see window_handoff.go
	switch {
	case handed:
		return exitOK
	case errors.Is(handOverErr, handoff.ErrNotOnSandbox):
		reportDisplayProblem(windowProblem{Message: notOnSandboxMessage})
		return exitFailed
	}
	if owner != nil {
		defer owner.Close() // also closed by finish, first: Close may be called more than once
	}
	if problem := checkDisplay(os.Getenv); problem != nil {
		reportDisplayProblem(*problem)
		return exitFailed
	}
	core, err := openCoreFor(app.SurfaceWindow, dataDir, env)
	if err != nil {
		fmt.Fprintln(os.Stderr, "redox-uploader:", err)
		return exitFailed
	}
	if handOverErr != nil {
		core.Log.Warn("one window per data folder is not in force: this window opened on its own and takes no files from later starts", "err", handOverErr)
	}
	var finishOnce sync.Once
	finish := func() { // the journal, then the hand-over socket: after the window, or without it (quitWatch)
		finishOnce.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := core.Close(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "redox-uploader:", err)
			}
			if owner != nil {
				owner.Close()
			}
		})
	}
	quit := watchQuit(windowQuitGrace, time.After, finish, os.Exit)
	u := ui.New(fyneapp.NewWithID(appID), core, ui.Options{Sandbox: *sandbox, Files: fs.Args(), Version: versionLine(),
		OnQuit: quit.ask})
	if owner != nil {
		serveHandOvers(owner, u, core.Log)
	}
	u.ShowAndRun()
	quit.windowClosed()
	finish()
	return exitOK
}
