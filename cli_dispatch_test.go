package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"redoxuploader/app"
)

// windowCalls records what would have opened the window.
type windowCalls struct{ calls [][]string }

func (w *windowCalls) open(args []string) int {
	w.calls = append(w.calls, slices.Clone(args))
	return exitOK
}

// runDispatch runs the command line in-process with a stand-in window, in a fresh home folder.
func runDispatch(t *testing.T, args ...string) (cliResult, *windowCalls) {
	t.Helper()
	win := &windowCalls{}
	r := runIn(t.Context(), map[string]string{"REDOX_UPLOADER_HOME": t.TempDir()}, "", cliEnv{window: win.open}, args...)
	return r, win
}

func TestDispatchGlobalFlagsBeforeCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   func(dir string) []string
		stdout string // a prefix of it
	}{
		{"--data-dir DIR history --csv", func(d string) []string { return []string{"--data-dir", d, "history", "--csv"} }, "id,created,"},
		{"--data-dir=DIR history --csv", func(d string) []string { return []string{"--data-dir=" + d, "history", "--csv"} }, "id,created,"},
		{"-data-dir DIR --verbose history", func(d string) []string { return []string{"-data-dir", d, "--verbose", "history"} }, "No uploads"},
		{"--verbose --data-dir DIR profile list", func(d string) []string { return []string{"--verbose", "--data-dir", d, "profile", "list"} }, "NAME"},
		{"--data-dir DIR diagnostics", func(d string) []string { return []string{"--data-dir", d, "diagnostics"} }, "Redox Uploader diagnostics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r, win := runDispatch(t, tt.args(dir)...)
			if r.code != exitOK || !strings.HasPrefix(r.stdout, tt.stdout) {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if len(win.calls) > 0 {
				t.Errorf("the window was opened with %q", win.calls)
			}
			if _, err := os.Stat(app.PathsIn(dir).HistoryFile()); err != nil {
				t.Errorf("the command did not keep its history in --data-dir: %v", err)
			}
		})
	}
}

func TestDispatchCommandsFlagWinsOverGlobal(t *testing.T) {
	global, own := t.TempDir(), t.TempDir()
	r, _ := runDispatch(t, "--data-dir", global, "history", "--data-dir", own)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(app.PathsIn(own).HistoryFile()); err != nil {
		t.Errorf("the command's own --data-dir was not used: %v", err)
	}
	if _, err := os.Stat(app.PathsIn(global).HistoryFile()); err == nil {
		t.Error("the global --data-dir was used although the command gave its own")
	}
}

func TestDispatchWindow(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // the window's arguments
	}{
		{"nothing", nil, nil},
		{"Open With", []string{"/home/nurse/scan one.pdf", "/home/nurse/b.pdf"}, []string{"--", "/home/nurse/scan one.pdf", "/home/nurse/b.pdf"}},
		{"--sandbox FILE", []string{"--sandbox", "consent.pdf"}, []string{"--sandbox", "--", "consent.pdf"}},
		{"--sandbox", []string{"--sandbox"}, []string{"--sandbox"}},
		{"every flag", []string{"--verbose", "--data-dir=/tmp/d", "--sandbox", "a.pdf"}, []string{"--sandbox", "--data-dir", "/tmp/d", "--verbose", "--", "a.pdf"}},
		{"a file named like a flag after --", []string{"--", "-notes.pdf"}, []string{"--", "-notes.pdf"}},
		{"./history is a file", []string{"./history"}, []string{"--", "./history"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, win := runDispatch(t, tt.args...)
			if r.code != exitOK || r.stderr != "" || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if len(win.calls) != 1 || !slices.Equal(win.calls[0], tt.want) {
				t.Errorf("window opened with %q, want once with %q", win.calls, tt.want)
			}
			if !opensWindow(tt.args) {
				t.Error("opensWindow = false")
			}
		})
	}
}

func TestDispatchUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"--sandbox before a command", []string{"--sandbox", "history"}, `--sandbox opens the window on the sandbox; it cannot come before the command "history"`},
		{"a command after a file", []string{"scan.pdf", "history", "--csv"}, `"history" is a command, not a file`},
		{"a command after --", []string{"--", "a.pdf", "upload"}, `"upload" is a command, not a file`},
		{"help among files", []string{"a.pdf", "help"}, `"help" is a command, not a file`},
		{"a window flag after the files", []string{"a.pdf", "--sandbox"}, "put --sandbox before the files"},
		{"-h after the files", []string{"a.pdf", "-h"}, "put --help before the files"},
		{"--data-dir= after the files", []string{"a.pdf", "--data-dir=/x"}, "put --data-dir before the files"},
		{"unknown flag", []string{"--colour", "history"}, "colour"},
		{"a misspelt command", []string{"uplaod", "scan.pdf"}, `"uplaod" is not a command; did you mean upload?`},
		{"a misspelt command after --data-dir", []string{"--data-dir", "/x", "histroy"}, "did you mean history?"},
		{"--data-dir without its folder", []string{"--data-dir"}, "data-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, win := runDispatch(t, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			if !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
				t.Errorf("stderr is not the plain message %q:\n%s", tt.want, r.stderr)
			}
			if len(win.calls) > 0 {
				t.Errorf("the window was opened with %q", win.calls)
			}
			if opensWindow(tt.args) {
				t.Error("opensWindow = true for a command line that is a mistake")
			}
		})
	}
}

func TestDispatchHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"--data-dir", "/nowhere", "help"}, {"--verbose", "--help"}} {
		r, win := runDispatch(t, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage: redox-uploader") || len(win.calls) > 0 {
			t.Errorf("%q: exit %d, window %q, stdout:\n%s", args, r.code, win.calls, r.stdout)
		}
	}
}

// TestMain lets a test run this package's own binary as the program: with
// REDOX_UPLOADER_RUN_MAIN=1 the test binary is redox-uploader, main() and all.
func TestMain(m *testing.M) {
	if os.Getenv("REDOX_UPLOADER_RUN_MAIN") == "1" {
		os.Args = append([]string{"redox-uploader"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestDispatchRealBinary runs the real main (this test binary, re-executed): the global flags
// reach the command and a mistaken command line exits 2 without opening a window.
func TestDispatchRealBinary(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (code int, stdout, stderr string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
		cmd.Env = []string{"REDOX_UPLOADER_RUN_MAIN=1", "REDOX_UPLOADER_HOME=" + filepath.Join(dir, "home"), "LANG=C.UTF-8"}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String(), errOut.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, out.String(), errOut.String()
	}
	data := filepath.Join(dir, "data")
	code, stdout, stderr := run("--data-dir", data, "history", "--csv")
	if code != exitOK || !strings.HasPrefix(stdout, "id,created,") {
		t.Errorf("--data-dir DIR history --csv: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(app.PathsIn(data).HistoryFile()); err != nil {
		t.Errorf("history was not kept in --data-dir: %v", err)
	}
	code, stdout, stderr = run("--sandbox", "history")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "cannot come before the command") {
		t.Errorf("--sandbox history: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}
