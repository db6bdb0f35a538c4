//go:build !windows

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// launchFromEnv, set, makes this test binary, re-executed, the command line started as the
// file it names: see init. A process cannot be replaced inside a running test.
const launchFromEnv = "REDOX_UPLOADER_LAUNCH_FROM"

// init runs the launcher as the whole process, with the test binary's arguments as the
// window's, when TestLaunchWindowReplacesProcess re-executed the test binary for it. It prints
// its process ID first.
func init() {
	from := os.Getenv(launchFromEnv)
	if from == "" {
		return
	}
	fmt.Println(os.Getpid())
	l := newWindowLauncher()
	l.executable = func() (string, error) { return from, nil }
	os.Exit(l.launch(os.Args[1:]))
}

// TestLaunchWindowReplacesProcess starts the command line from a link, with no command: the
// window program beside the link's target replaces it in the same process, with the same
// arguments and environment, and its exit status is the caller's.
func TestLaunchWindowReplacesProcess(t *testing.T) {
	dir := t.TempDir()
	window := "#!/bin/sh\necho $$\nfor a; do echo \"arg $a\"; done\necho \"env $REDOX_LAUNCH_TEST\"\nexit 3\n"
	for name, text := range map[string]string{"redox-uploader": "", "redox-uploader-window": window} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(t.TempDir(), "redox-uploader")
	if err := os.Symlink(filepath.Join(dir, "redox-uploader"), link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "--sandbox", "--", "Befund Müller.pdf")
	cmd.Env = append(os.Environ(), launchFromEnv+"="+link, "REDOX_LAUNCH_TEST=kept")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3 (the window program's); stderr:\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := []string{lines[0], lines[0], "arg --sandbox", "arg --", "arg Befund Müller.pdf", "env kept"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("the launcher (process ID first), then the window program printed:\n%s\nwant:\n%s", stdout.String(), strings.Join(want, "\n"))
	}
}
