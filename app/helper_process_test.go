package app

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// helperProcessEnv names the helper a re-executed test binary runs instead of its tests; see
// TestMain. Helpers are not tests: they are never reported as passing (or skipped).
const helperProcessEnv = "REDOX_APP_HELPER"

// helperProcesses are the helpers a test may run as a second process, by name. Each reads its
// settings from the environment, talks to its parent on standard input and output, and
// returns nil for exit status 0.
var helperProcesses = map[string]func() error{
	"history-writer":          historyWriterHelper,
	"history-journal-forever": historyJournalForeverHelper,
	"crash-child":             crashChildHelper,
	"upload-folder":           uploadFolderHelper,
	"settings-writer":         settingsWriterHelper,
	"keychain-without-bus":    keychainWithoutBusHelper,
}

// TestMain runs a helper process when the test binary was re-executed as one, else the tests.
func TestMain(m *testing.M) {
	if name := os.Getenv(helperProcessEnv); name != "" {
		run, ok := helperProcesses[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "no helper process named %q\n", name)
			os.Exit(2)
		}
		if err := run(); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helperCommand returns a command that runs this test binary as the helper name, with env
// added to this process's environment. It is killed when the test ends.
func helperCommand(t testing.TB, name string, env ...string) *exec.Cmd {
	t.Helper()
	if _, ok := helperProcesses[name]; !ok {
		t.Fatalf("no helper process named %q", name)
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0])
	cmd.Env = append(append(os.Environ(), helperProcessEnv+"="+name), env...)
	return cmd
}

// startHelper starts the helper name (see helperCommand) with env, and returns its standard
// input, its output line by line and what it writes to standard error.
func startHelper(t *testing.T, name string, env ...string) (cmd *exec.Cmd, stdin io.WriteCloser, stdout *bufio.Scanner, stderr *strings.Builder) {
	t.Helper()
	cmd = helperCommand(t, name, env...)
	stderr = &strings.Builder{}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, bufio.NewScanner(out), stderr
}
