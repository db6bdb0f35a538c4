package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// Set at link time by the Makefile (-ldflags "-X main.version=... -X main.commit=... -X
// main.date=..."). Left empty, buildInfo fills them from what the Go toolchain recorded.
var version, commit, date string

// buildInfo is the version, commit and build date of this binary: the stamped values when
// there are any, otherwise the module version and the VCS revision and time the toolchain
// embeds (go build in a git checkout), otherwise "dev" and "unknown".
func buildInfo() (ver, rev, built string) {
	ver, rev, built = version, commit, date
	dirty := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if ver == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			ver = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && rev == "":
				rev = shortHash(s.Value)
			case s.Key == "vcs.time" && built == "":
				built = s.Value
			case s.Key == "vcs.modified" && commit == "":
				dirty = s.Value == "true"
			}
		}
	}
	if ver == "" {
		ver = "dev"
	}
	switch {
	case rev == "":
		rev = "unknown"
	case dirty:
		rev += "-dirty"
	}
	if built == "" {
		built = "unknown"
	} else if len(built) > 10 && built[10] == 'T' {
		built = built[:10] // an RFC 3339 time: the day is enough
	}
	return ver, rev, built
}

// shortHash shortens a full commit hash to the 7 characters git shows.
func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}

// versionLine is "0.1.0 (commit abc1234, built 2026-11-26)": what `version` prints after the
// app's name and what the About dialog shows.
func versionLine() string {
	ver, rev, built := buildInfo()
	return fmt.Sprintf("%s (commit %s, built %s)", ver, rev, built)
}

// runVersion prints the app's name, version, commit and build date.
func runVersion(_ context.Context, args []string, env cliEnv) error {
	fs := newFlagSet("version", "", env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments (got %q)", strings.Join(fs.Args(), " "))
	}
	fmt.Fprintln(env.stdout, "Redox Uploader "+versionLine())
	return nil
}
