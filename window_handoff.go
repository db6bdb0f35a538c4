//go:build !headless

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"redoxuploader/internal/handoff"
	"redoxuploader/ui"
)

// One window per data folder (package handoff): a start of the window while one is already
// open for the same data folder (Send to, Open with, a shortcut, the command line) hands its
// files to that window, which adds them and comes to the front, and ends.

// notOnSandboxMessage says why files given with --sandbox were not handed to the open window.
const notOnSandboxMessage = "Redox Uploader is already open, and not on the sandbox, so the files given with --sandbox were " +
	"not added to it and nothing was sent. To practise with them, choose the sandbox as the source in the open window " +
	"(or \"Try the sandbox\") and add the files there, or close that window and start again with --sandbox."

// handOver starts the window for the data folder of cf with files and --sandbox: it makes this
// process that window (owner, to be served once the window is built) or hands the files to the
// window already open (handed: this process is done). Relative file names are made absolute
// here, where they were given. Any other outcome is an error: handoff.ErrNotOnSandbox, which
// the person must be told, or why the files could not be handed over (this process then opens a
// window of its own, as before there was a hand-over).
func handOver(cf *coreFlags, env cliEnv, files []string, sandbox bool) (owner *handoff.Listener, handed bool, err error) {
	paths, err := corePaths(cf, env)
	if err != nil {
		return nil, false, err
	}
	if err := paths.Ensure(); err != nil {
		return nil, false, err
	}
	place, err := handoff.PlaceFor(paths.Data, env.getenv)
	if err != nil {
		return nil, false, err
	}
	abs := make([]string, len(files))
	for i, f := range files {
		if abs[i], err = filepath.Abs(f); err != nil {
			return nil, false, fmt.Errorf("finding the file %s: %w", f, err)
		}
	}
	return handoff.Start(context.Background(), place, handoff.Request{Files: abs, Sandbox: sandbox},
		handoff.WithBeforeSend(allowForeground))
}

// serveHandOvers gives the files of later starts to u's window, and stops taking them as the
// window closes, so that the next start opens a window of its own.
func serveHandOvers(owner *handoff.Listener, u *ui.UI, log *slog.Logger) {
	owner.Serve(func(r handoff.Request) error {
		err := u.OpenHanded(r.Files, r.Sandbox)
		switch {
		case errors.Is(err, ui.ErrWindowClosed):
			return fmt.Errorf("%w: %w", handoff.ErrClosing, err)
		case errors.Is(err, ui.ErrNotOnSandbox):
			log.Info("files handed over for the sandbox not added: the window is on a real source", "files", len(r.Files))
			return fmt.Errorf("%w: %w", handoff.ErrNotOnSandbox, err)
		case err != nil:
			return err
		}
		log.Info("files handed over by another start", "files", len(r.Files), "sandbox", r.Sandbox)
		return nil
	})
	go func() {
		<-u.Closed()
		if err := owner.Close(); err != nil {
			log.Warn("closing the socket later starts hand their files to", "err", err)
		}
	}()
}
