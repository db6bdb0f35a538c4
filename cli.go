package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"redoxuploader/client"
)

// cliEnv is what a subcommand may touch of the process, so tests run it in-process.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// window opens the desktop window with its arguments (flags, then "--" and the files) and
	// returns the exit code; nil where there is none (tests).
	window func(args []string) int
	// global are --data-dir and --verbose as given before the command; a command's own
	// --data-dir wins over them (see coreFlags.resolve).
	global coreFlags
	// clientOptions are added to every client a command's core builds (tests shorten the
	// retry waits with them); none in the program.
	clientOptions []client.Option
	// policyFile is read as the organisation's policy instead of the computer's; only tests
	// set it (see app.Options.PolicyFile).
	policyFile string
}

// A subcommand is one command of the command line: its line in the help and what runs it.
// run returns nil on success; exitStatus turns any error into the exit status and the message.
type subcommand struct {
	summary string
	run     func(ctx context.Context, args []string, env cliEnv) error
}

var subcommands = map[string]subcommand{
	"upload":      {"upload files to Redox and print their URIs", runUpload},
	"sandbox":     {"run the local Redox stand-in (nothing leaves this computer)", runSandbox},
	"source":      {"add, list, show, test or remove saved Redox sources and store their secrets", runSource},
	"profile":     {"the earlier name of source, kept for scripts", runSource},
	"history":     {"list past uploads (or export them as CSV) to find a URI again", runHistory},
	"resend":      {"send the file of an earlier upload again, to the same source", runResend},
	"watch":       {"send the files that appear in folders to a source, until stopped", runWatch},
	"version":     {"print the version, commit and build date", runVersion},
	"diagnostics": {"print a summary for a support ticket (no secrets, no file contents)", runDiagnostics},
	"check":       {checkSummary, runCheck},
}

// isSubcommand reports whether name is a command word: a subcommand or help.
func isSubcommand(name string) bool {
	_, ok := subcommands[name]
	return ok || name == "help" || name == "-h" || name == "--help"
}

// runCLI runs what the command line asks for and returns the process exit status: a command,
// with the global flags given before it, or the window through env.window.
func runCLI(ctx context.Context, args []string, env cliEnv) int {
	cl, err := parseCommandLine(args)
	if err == nil && cl.command == "" && env.window != nil {
		return env.window(cl.args) // the window reports its own problems and returns its own status
	}
	if err == nil {
		err = runCommand(ctx, cl, env)
	}
	return exitStatus(err, env)
}

// runCommand runs the command cl names, or prints the help.
func runCommand(ctx context.Context, cl commandLine, env cliEnv) error {
	cmd, ok := subcommands[cl.command]
	switch {
	case cl.command == "":
		return usagef("no command given")
	case !ok: // help
		usage(env.stdout)
		return nil
	}
	env.global = cl.global
	return cmd.run(ctx, cl.args, env)
}

// commandLine is what a command line asks for: one command with its own arguments, or the
// window with its files.
type commandLine struct {
	command string    // a subcommand or "help"; "" opens the window
	args    []string  // the command's arguments; for the window its flags, then "--" and the files
	global  coreFlags // --data-dir and --verbose given before the command
}

// parseCommandLine reads the flags that may come before the command — the global --data-dir
// DIR and --verbose, and the window's --sandbox — then the command, if the first other word
// names one. Without a command the window opens with the remaining words as its files. A
// command name is never taken as a file (write ./history for a file named history), the
// window's flags must come before its files, and --sandbox cannot come before a command: each
// of these is a *usageError in plain words.
func parseCommandLine(args []string) (commandLine, error) {
	var cl commandLine
	fs := flag.NewFlagSet("redox-uploader", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&cl.global.dir, "data-dir", "", "")
	fs.BoolVar(&cl.global.verbose, "verbose", false, "")
	sandbox := fs.Bool("sandbox", false, "")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return commandLine{command: "help"}, nil
	} else if err != nil {
		return commandLine{}, &usageError{msg: err.Error()}
	}
	rest := fs.Args()
	if len(rest) > 0 && isSubcommand(rest[0]) {
		if *sandbox {
			return commandLine{}, usagef("--sandbox opens the window on the sandbox; it cannot come before the command %q. "+
				"Leave it out, or upload to the sandbox with: redox-uploader upload --sandbox FILE", rest[0])
		}
		cl.command, cl.args = rest[0], rest[1:]
		return cl, nil
	}
	if len(rest) > 0 {
		if name, ok := misspeltCommand(rest[0]); ok {
			return commandLine{}, usagef("%q is not a command; did you mean %s? ('redox-uploader help' lists the commands; "+
				"to open the window with a file named %s, write ./%s)", rest[0], name, rest[0], rest[0])
		}
	}
	for _, word := range rest {
		if name, ok := windowFlagName(word); ok {
			return commandLine{}, usagef("put %s before the files: redox-uploader [--sandbox] [--data-dir DIR] [--verbose] FILE...", name)
		}
		if isSubcommand(word) {
			return commandLine{}, usagef("%q is a command, not a file: put it first (redox-uploader %s ...). "+
				"To open the window with a file named %s, write ./%s", word, word, word, word)
		}
	}
	if *sandbox {
		cl.args = append(cl.args, "--sandbox")
	}
	if cl.global.dir != "" {
		cl.args = append(cl.args, "--data-dir", cl.global.dir)
	}
	if cl.global.verbose {
		cl.args = append(cl.args, "--verbose")
	}
	if len(rest) > 0 {
		cl.args = append(append(cl.args, "--"), rest...)
	}
	return cl, nil
}

// misspeltCommand returns the command word most likely meant, when word is no file here and
// one or two letters away from a command's name ("uplaod", "histroy"): it would otherwise open
// the window with a missing file.
func misspeltCommand(word string) (string, bool) {
	if strings.ContainsAny(word, `/\.`) || len(word) < 4 {
		return "", false
	}
	if _, err := os.Lstat(word); err == nil {
		return "", false
	}
	best, bestApart := "", 3
	for _, name := range slices.Sorted(maps.Keys(subcommands)) {
		if apart := lettersApart(word, name); apart < bestApart {
			best, bestApart = name, apart
		}
	}
	return best, best != ""
}

// lettersApart is how many letters must be added, removed, changed or swapped with the next to
// turn a into b (the optimal string alignment distance).
func lettersApart(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// windowFlagName returns word as the flag of the window it spells (-sandbox, --data-dir=D,
// --help...), if it spells one.
func windowFlagName(word string) (string, bool) {
	name, ok := strings.CutPrefix(word, "-")
	if !ok {
		return "", false
	}
	name = strings.TrimPrefix(name, "-")
	name, _, _ = strings.Cut(name, "=")
	switch name {
	case "sandbox", "data-dir", "verbose", "help":
		return "--" + name, true
	case "h":
		return "--help", true
	}
	return "", false
}

// opensWindow reports whether the command line args opens the window (and is not a mistake):
// on Windows, everything else is given the calling console to print to.
func opensWindow(args []string) bool {
	cl, err := parseCommandLine(args)
	return err == nil && cl.command == ""
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: redox-uploader [--data-dir DIR] [--verbose] COMMAND [FLAGS]")
	fmt.Fprintln(w, "       redox-uploader [--sandbox] [--data-dir DIR] [--verbose] [FILE...]")
	fmt.Fprintln(w, "\nWithout a command, the desktop window opens (with the FILEs, if any). Commands:")
	for _, name := range []string{"upload", "history", "resend", "watch", "source", "check", "sandbox", "version", "diagnostics"} {
		fmt.Fprintf(w, "  %-11s %s\n", name, subcommands[name].summary)
	}
	fmt.Fprintf(w, "  %-11s %s\n", "help", "show this help")
	fmt.Fprintln(w, "\n--data-dir DIR keeps settings, history and logs in DIR; --verbose writes more detail to the log.")
	fmt.Fprintln(w, "Both may come before the command or among its flags.")
	fmt.Fprintln(w, "Run 'redox-uploader COMMAND --help' for a command's flags.")
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
