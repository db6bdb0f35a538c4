package main

import (
	"errors"
	"flag"
	"fmt"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// Commands return errors; exitStatus alone turns them into the exit status and what standard
// error says (cli/cli's habit). A command prints only what it achieved, and the failures of
// single files as they happen.

// Exit statuses of every command.
const (
	exitOK     = 0
	exitFailed = 1 // the work ran and something failed
	exitUsage  = 2 // the command line was wrong
)

// errFailed is the outcome of work that ran and failed in part, each failure already said where
// it happened (one line per file that was not uploaded): exit 1, and nothing more to print.
var errFailed = errors.New("some of the work failed; each failure was printed as it happened")

// A usageError is a mistake in the command line, found before any work: exit 2. Its message is
// printed on one line, followed by the changes it lists, one a line, or, when it lists none, by
// the hint to run help.
type usageError struct {
	msg     string
	changes []string // what to change, "--api-key: Enter the API key..."; nil for the hint
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a *usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// A flagError is a mistake in the command line that was printed already: one the flag package
// found (an unknown flag, a value that is not a number), in one line by parseFlags, or a
// command given no action, with its usage. Exit 2, nothing more to print.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// A nextStepsError is a failure followed by lines that say what the person can do about it.
type nextStepsError struct {
	err   error
	steps []string
}

func (e *nextStepsError) Error() string { return e.err.Error() }
func (e *nextStepsError) Unwrap() error { return e.err }

// withNextSteps adds to err lines, printed after its message, saying what to do about it.
func withNextSteps(err error, steps ...string) error {
	return &nextStepsError{err: err, steps: steps}
}

// helpHint follows the message of a usage mistake.
const helpHint = "Run 'redox-uploader help' for the commands and their flags."

// exitStatus is the one place that turns a command's error into its exit status, printing
// what is left to say on standard error:
//
//   - nil and flag.ErrHelp (the flags' help was printed): 0, nothing printed;
//   - a *flagError (printed already, with the usage): 2, nothing printed;
//   - a *usageError: 2, its message, then its changes or the hint to run help;
//   - errFailed (each failure printed as it happened): 1, nothing printed;
//   - any other error: 1, printed by printFailure, then its next steps, if any.
func exitStatus(err error, env cliEnv) int {
	var (
		usage   *usageError
		flagErr *flagError
	)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &flagErr):
		return exitUsage
	case errors.As(err, &usage):
		printError(env, usage.msg)
		for _, c := range usage.changes {
			fmt.Fprintln(env.stderr, "  "+visible.Line(c))
		}
		if len(usage.changes) == 0 {
			fmt.Fprintln(env.stderr, helpHint)
		}
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFailed
	}
	printFailure(env, err)
	var next *nextStepsError
	if errors.As(err, &next) {
		for _, step := range next.steps {
			fmt.Fprintln(env.stderr, visible.Line(step))
		}
	}
	return exitFailed
}

// printFailure prints err's message in the command line's words and, on the next line, the
// technical detail of the Redox or network failure in it (client.Detail), or the cause of a
// keychain that could not be used, for IT, when there is one. Details never hold a secret; the causes the app keeps out of its messages (SQLite's
// codes) go to the log, not here.
func printFailure(env cliEnv, err error) {
	printError(env, app.SurfaceCommandLine.Explain(err))
	d := client.Detail(err)
	if keychain := (*app.KeychainUnavailableError)(nil); errors.As(err, &keychain) {
		d = keychain.Detail() // the keychain's own words, kept out of the message
	}
	if d != "" && d != err.Error() {
		fmt.Fprintf(env.stderr, "    (%s)\n", visible.Line(d))
	}
}

// printError prints one line of error on standard error, "redox-uploader: msg", with any
// name it quotes shown by visible.Line.
func printError(env cliEnv, msg string) {
	fmt.Fprintln(env.stderr, "redox-uploader:", visible.Line(msg))
}
