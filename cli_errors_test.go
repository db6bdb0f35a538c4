package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"redoxuploader/app"
	"redoxuploader/client"
)

// TestExitStatus: the one mapping from a command's error to the exit status and to what
// standard error says. Each error is printed once, or not at all when it was printed already.
func TestExitStatus(t *testing.T) {
	proxyErr := &client.Error{Kind: client.KindNetwork, Op: "upload", Fix: client.FixProxy,
		Message: "The proxy refused the connection.", Err: errors.New("proxyconnect tcp: connection refused")}
	proxyLine := "redox-uploader: The proxy refused the connection. " + app.SurfaceCommandLine.Advice(client.FixProxy) + "\n"
	proxyDetail := "    (" + proxyErr.Detail() + ")\n"
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, exitOK, ""},
		{"--help, its help printed by the flag package", flag.ErrHelp, exitOK, ""},
		{"a flag mistake the flag package printed", &flagError{err: errors.New("flag provided but not defined: -colour")}, exitUsage, ""},
		{"a usage mistake", usagef("upload: name at least one file"), exitUsage,
			"redox-uploader: upload: name at least one file\n" + helpHint + "\n"},
		{"a usage mistake listing the changes", &usageError{msg: `source add: the source "A" needs changes:`,
			changes: []string{"--api-key: Enter the API key.", "--parallel: Set parallel uploads between 1 and 16."}}, exitUsage,
			"redox-uploader: source add: the source \"A\" needs changes:\n  --api-key: Enter the API key.\n  --parallel: Set parallel uploads between 1 and 16.\n"},
		{"work that failed, each failure printed", errFailed, exitFailed, ""},
		{"work that failed, wrapped", fmt.Errorf("upload: %w", errFailed), exitFailed, ""},
		{"a plain failure", errors.New("there is no source named \"X\"."), exitFailed, "redox-uploader: there is no source named \"X\".\n"},
		{"a name with a hidden character", errors.New("cannot read rtl\u202efdp.exe"), exitFailed, "redox-uploader: cannot read rtl<U+202E>fdp.exe\n"},
		{"a Redox failure: advice for the command line, then the detail", proxyErr, exitFailed, proxyLine + proxyDetail},
		{"a Redox failure wrapped keeps its advice and detail", fmt.Errorf("checking the network: %w", proxyErr), exitFailed,
			"redox-uploader: checking the network: The proxy refused the connection. " + app.SurfaceCommandLine.Advice(client.FixProxy) + "\n" + proxyDetail},
		{"a failure with next steps", withNextSteps(errors.New("scan.pdf has changed since it was sent."), "Run again with --force to send the new version."),
			exitFailed, "redox-uploader: scan.pdf has changed since it was sent.\nRun again with --force to send the new version.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := exitStatus(tt.err, cliEnv{stdout: &stdout, stderr: &stderr})
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr:\n%q\nwant:\n%q", stderr.String(), tt.stderr)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

// TestCommandsExitThroughTheMapping: real command lines reach each branch of exitStatus, and
// say each failure once: what the flag package or the upload printed is not said again.
func TestCommandsExitThroughTheMapping(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	s.must("source", "add", "Clinic", "--api-key", "k")
	file := writeFile(t, t.TempDir(), "scan.pdf", 100)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string // each in stderr exactly once
		ours   int      // lines of stderr that exitStatus prints ("redox-uploader: ...")
	}{
		{"--help", []string{"upload", "--help"}, exitOK, []string{"Usage: redox-uploader upload"}, 0},
		{"source --help", []string{"source", "add", "--help"}, exitOK, []string{"Usage: redox-uploader source add"}, 0},
		{"an unknown flag", []string{"history", "--colour"}, exitUsage, []string{"flag provided but not defined: -colour",
			"Run 'redox-uploader history --help' for its flags."}, 0},
		{"a usage mistake", []string{"resend", "abc"}, exitUsage, []string{`resend: "abc" is not an upload id`, helpHint}, 1},
		{"no action", []string{"source"}, exitUsage, []string{"Usage: redox-uploader source ACTION"}, 0},
		{"a file not uploaded", []string{"upload", "--source", "Clinic", file + ".missing"}, exitFailed, []string{"scan.pdf.missing: "}, 0},
		{"a failure", []string{"source", "show", "Nobody"}, exitFailed, []string{`redox-uploader: there is no source named "Nobody".`}, 1},
		{"nothing to store", []string{"source", "set-secret", "Clinic"}, exitFailed,
			[]string{"redox-uploader: nothing was read from standard input."}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.run(tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if n := strings.Count(r.stderr, "redox-uploader: "); n != tt.ours {
				t.Errorf("stderr has %d lines of the mapping, want %d:\n%s", n, tt.ours, r.stderr)
			}
			for _, want := range tt.stderr {
				if n := strings.Count(r.stderr, want); n != 1 {
					t.Errorf("stderr says %q %d times, want once:\n%s", want, n, r.stderr)
				}
			}
			if tt.code == exitFailed && strings.Contains(r.stderr, helpHint) {
				t.Errorf("a failure of the work points at help:\n%s", r.stderr)
			}
		})
	}
}
