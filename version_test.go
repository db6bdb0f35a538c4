package main

import (
	"regexp"
	"strings"
	"testing"
)

// stamp sets the link-time version variables for one test, as -ldflags -X would.
func stamp(t *testing.T, v, c, d string) {
	t.Helper()
	oldV, oldC, oldD := version, commit, date
	version, commit, date = v, c, d
	t.Cleanup(func() { version, commit, date = oldV, oldC, oldD })
}

func TestVersionCommand(t *testing.T) {
	tests := []struct {
		name                string
		version, commit, dt string
		args                []string
		code                int
		stdout              *regexp.Regexp // nil: nothing
		stderr              string         // a substring; "" for nothing
	}{
		{name: "stamped", version: "0.1.0", commit: "abc1234", dt: "2026-11-26",
			stdout: regexp.MustCompile(`^Redox Uploader 0\.1\.0 \(commit abc1234, built 2026-11-26\)\n$`)},
		{name: "dirty tree stamped", version: "0.2.0", commit: "abc1234-dirty", dt: "2026-11-27",
			stdout: regexp.MustCompile(`^Redox Uploader 0\.2\.0 \(commit abc1234-dirty, built 2026-11-27\)\n$`)},
		{name: "not stamped", // go test records no VCS data: the defaults
			stdout: regexp.MustCompile(`^Redox Uploader dev \(commit ([0-9a-f]{7}(-dirty)?|unknown), built ([0-9]{4}-[0-9]{2}-[0-9]{2}|unknown)\)\n$`)},
		{name: "help", args: []string{"--help"}, stderr: "Usage: redox-uploader version"},
		{name: "argument", args: []string{"extra"}, code: exitUsage, stderr: "version takes no arguments"},
		{name: "unknown flag", args: []string{"--short"}, code: exitUsage, stderr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stamp(t, tt.version, tt.commit, tt.dt)
			r := runCmd(t, nil, append([]string{"version"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if tt.stdout == nil && r.stdout != "" || tt.stdout != nil && !tt.stdout.MatchString(r.stdout) {
				t.Errorf("stdout %q, want %v", r.stdout, tt.stdout)
			}
			if tt.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q, want %q", r.stderr, tt.stderr)
			}
		})
	}
}

func TestVersionIsACommand(t *testing.T) {
	if !isSubcommand("version") {
		t.Fatal(`"version" does not run as a subcommand`)
	}
	var help strings.Builder
	usage(&help)
	if !regexp.MustCompile(`(?m)^  version +print the version`).MatchString(help.String()) {
		t.Errorf("help does not list version:\n%s", help.String())
	}
}
