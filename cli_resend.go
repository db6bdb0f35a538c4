package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

func runResend(ctx context.Context, args []string, env cliEnv) int {
	fs := newFlagSet("resend", "ID [--force]", env)
	force := fs.Bool("force", false, "send the file even if it changed since the upload being resent")
	asJSON := fs.Bool("json", false, "print a JSON object instead of PATH<TAB>URI")
	dataDir := dataDirFlag(fs)
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		return usageError(env, "resend: name one upload by its id (the first column of 'redox-uploader history')")
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id < 1 {
		return usageError(env, "resend: %q is not an upload id; ids are the numbers in the first column of 'redox-uploader history'", rest[0])
	}

	core, err := openCore(dataDir, env)
	if err != nil {
		return coreError(env, err)
	}
	defer closeCore(core, env)
	sub := core.Queue.Subscribe() // before Resend, so no event of the new row is missed
	defer sub.Close()
	newID, err := core.Resend(ctx, id, *force)
	if err != nil {
		return resendError(ctx, core, env, id, err)
	}
	cancelled := false
	for {
		select {
		case e := <-sub.C:
			if e.Record.ID == newID && e.Kind == app.EventRetrying {
				printRetry(e, e.Record.Path, env)
			}
			if e.Record.ID == newID && e.Final() {
				if !printOutcome(e.Record, *asJSON, env) {
					return exitFailed
				}
				return exitOK
			}
		case <-ctx.Done():
			if !cancelled {
				cancelled = true
				core.Queue.Cancel(newID)
			}
			ctx = context.Background() // keep reading until the row is journaled
		}
	}
}

// resendError explains why a resend was refused, in plain words, and returns exitFailed.
func resendError(ctx context.Context, core *app.Core, env cliEnv, id int64, err error) int {
	var (
		changed *app.ChangedSinceUploadError
		fileErr *client.Error
	)
	switch {
	case errors.Is(err, app.ErrRecordNotFound):
		fmt.Fprintf(env.stderr, "redox-uploader: there is no upload %d in the history. 'redox-uploader history' lists them with their ids.\n", id)
	case errors.As(err, &changed):
		fmt.Fprintf(env.stderr, "redox-uploader: %s has changed since it was sent on %s.\n", visible.Name(changed.Original.Path),
			changed.Original.Created.Local().Format("2 Jan 2006 15:04"))
		fmt.Fprintln(env.stderr, "Run again with --force to send the new version.")
	case errors.As(err, &fileErr) && fileErr.Path != "":
		fmt.Fprintf(env.stderr, "redox-uploader: %s: %s\n", visible.Name(fileErr.Path), visible.Line(fileErr.Message))
	default:
		printError(env, err.Error())
		if r, gerr := core.History.Get(ctx, id); gerr == nil && r.Profile == adHocProfileName {
			if _, perr := core.Profile(r.Profile); perr != nil {
				fmt.Fprintf(env.stderr, "It was uploaded with connection flags, not a saved profile: upload it again with the same flags, "+
					"or save those flags as a profile named %q (redox-uploader profile add %s FLAGS) to resend it by id.\n",
					adHocProfileName, quoteArg(adHocProfileName))
			}
		}
	}
	return exitFailed
}
