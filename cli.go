package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// cliEnv is what a subcommand may touch of the process, so tests run it in-process.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// Exit codes of every subcommand.
const (
	exitOK     = 0
	exitFailed = 1 // the work ran and something failed
	exitUsage  = 2 // the command line was wrong
)

type subcommand struct {
	summary string
	run     func(ctx context.Context, args []string, env cliEnv) int
}

var subcommands = map[string]subcommand{
	"upload":      {"upload files to Redox and print their URIs", runUpload},
	"sandbox":     {"run the local Redox stand-in (nothing leaves this computer)", runSandbox},
	"profile":     {"add, list, show, test or remove saved Redox sources and store their secrets", runProfile},
	"history":     {"list past uploads (or export them as CSV) to find a URI again", runHistory},
	"resend":      {"send the file of an earlier upload again, to the same source", runResend},
	"version":     {"print the version, commit and build date", runVersion},
	"diagnostics": {"print a summary for a support ticket (no secrets, no file contents)", runDiagnostics},
	"check":       {checkSummary, runCheck},
}

func isSubcommand(name string) bool {
	_, ok := subcommands[name]
	return ok || name == "help" || name == "-h" || name == "--help"
}

// runCLI runs one subcommand and returns the process exit code.
func runCLI(ctx context.Context, args []string, env cliEnv) int {
	cmd, ok := subcommands[args[0]]
	if !ok {
		usage(env.stdout)
		return exitOK
	}
	return cmd.run(ctx, args[1:], env)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: redox-uploader [COMMAND] [FLAGS] [FILE...]")
	fmt.Fprintln(w, "\nWithout a command, the desktop window opens. Commands:")
	for _, name := range []string{"upload", "history", "resend", "profile", "check", "sandbox", "version", "diagnostics"} {
		fmt.Fprintf(w, "  %-11s %s\n", name, subcommands[name].summary)
	}
	fmt.Fprintf(w, "  %-11s %s\n", "help", "show this help")
	fmt.Fprintln(w, "\nRun 'redox-uploader COMMAND --help' for a command's flags.")
}

// newFlagSet returns a flag set whose errors and help go to env.stderr.
func newFlagSet(name, synopsis string, env cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: redox-uploader %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// usageError prints a command-line mistake and returns exitUsage.
func usageError(env cliEnv, format string, args ...any) int {
	fmt.Fprintf(env.stderr, "redox-uploader: "+format+"\n", args...)
	fmt.Fprintln(env.stderr, "Run 'redox-uploader help' for the commands and their flags.")
	return exitUsage
}

// oneLine keeps user-controlled text (file paths) from breaking the line-per-file output.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}
