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

// runResend sends the file of an earlier upload again, to the same source, and prints its URI.
func runResend(ctx context.Context, args []string, env cliEnv) error {
	fs := newFlagSet("resend", "ID [--force]", env)
	force := fs.Bool("force", false, "send the file even if it changed since the upload being resent")
	asJSON := fs.Bool("json", false, "print a JSON object instead of PATH<TAB>URI")
	dataDir := dataDirFlag(fs)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("resend: name one upload by its id (the first column of 'redox-uploader history')")
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id < 1 {
		return usagef("resend: %q is not an upload id; ids are the numbers in the first column of 'redox-uploader history'", rest[0])
	}

	core, err := openCore(dataDir, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	out := sendingOutput(&env)
	sub := core.Queue.SubscribeTo(app.OutcomeOrRetry) // before Resend, so no event of the new row is missed
	defer sub.Close()
	newID, err := core.Resend(ctx, id, *force)
	if err != nil {
		return resendRefusal(ctx, core, id, err)
	}
	cancelled := false
	for {
		select {
		case e := <-sub.C:
			if e.Record.ID == newID && e.Kind == app.EventRetrying {
				printRetry(e, e.Record.Path, env)
			}
			if e.Record.ID == newID && e.Final() {
				ok := printOutcome(e.Record, *asJSON, env)
				if err := out.problem(); err != nil {
					return err
				}
				if !ok {
					return errFailed
				}
				return nil
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

// resendRefusal words why the resend of upload id was refused, in plain words, with what to do.
func resendRefusal(ctx context.Context, core *app.Core, id int64, err error) error {
	var (
		changed *app.ChangedSinceUploadError
		fileErr *client.Error
	)
	switch {
	case errors.Is(err, app.ErrRecordNotFound):
		return app.Sentencef("there is no upload %d in the history. 'redox-uploader history' lists them with their ids.", id)
	case errors.As(err, &changed):
		return withNextSteps(app.Sentencef("%s.", changed.Changed(visible.Name(changed.Original.Path))),
			"Run again with --force to send the new version.")
	case errors.As(err, &fileErr) && fileErr.Path != "":
		return fmt.Errorf("%s: %s", visible.Name(fileErr.Path), fileErr.Message)
	}
	if r, gerr := core.History.Get(ctx, id); gerr == nil && r.Profile == adHocSourceName {
		if _, perr := core.Profile(r.Profile); perr != nil {
			return withNextSteps(err, fmt.Sprintf("It was uploaded with connection flags, not a saved source: upload it again with the same flags, "+
				"or save those flags as a source named %q (redox-uploader source add %s FLAGS) to resend it by id.",
				adHocSourceName, app.ShellQuote(adHocSourceName)))
		}
	}
	return err
}
