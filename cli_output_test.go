package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// failingOutput is a standard output that takes nothing: a full disk.
type failingOutput struct{}

func (failingOutput) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestUploadOutputThatFails: results that cannot be written to standard output (a full disk)
// make upload fail, saying how many went unprinted and where their URIs are, instead of ending
// 0 as if the script had them; every file is still uploaded and journaled.
func TestUploadOutputThatFails(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	files := []string{writeFile(t, dir, "a.pdf", 1000), writeFile(t, dir, "b.pdf", 2000), writeFile(t, dir, "c.pdf", 3000)}
	with := cliEnv{stdout: failingOutput{}}
	var stderr strings.Builder
	with.stderr, with.stdin, with.getenv = &stderr, strings.NewReader(""), func(string) string { return "" }
	code := runCLI(t.Context(), append([]string{"upload", "--sandbox", "--data-dir", data}, files...), with)
	if code != exitFailed || !strings.Contains(stderr.String(), "standard output could not be written") ||
		!strings.Contains(stderr.String(), "3 results went unprinted") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 saying 3 results went unprinted", code, stderr.String())
	}
	r := runIn(t.Context(), nil, "", cliEnv{}, "history", "--data-dir", data, "--status", "done", "--csv")
	if n := strings.Count(r.stdout, "\n") - 1; n != 3 {
		t.Errorf("history holds %d done rows, want 3:\n%s", n, r.stdout)
	}
}

// TestUploadWhoseReaderStopsEarly: 'upload … | head -1' closes the pipe after the first line.
// The command (the real binary) goes on: every file is uploaded and journaled, and it ends 1
// saying results went unprinted, instead of being killed with the rest cut off.
func TestUploadWhoseReaderStopsEarly(t *testing.T) {
	dir, home := t.TempDir(), t.TempDir()
	var files []string
	for _, name := range []string{"a.pdf", "b.pdf", "c.pdf", "d.pdf"} {
		files = append(files, writeFile(t, dir, name, 50_000))
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // the reader is gone before the first line
	var stderr strings.Builder
	cmd := exec.CommandContext(t.Context(), os.Args[0], append([]string{"upload", "--sandbox"}, files...)...)
	cmd.Env = []string{"REDOX_UPLOADER_RUN_MAIN=1", "REDOX_UPLOADER_HOME=" + home, "LANG=C.UTF-8"}
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	w.Close()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed || !strings.Contains(stderr.String(), "went unprinted") {
		t.Errorf("upload into a closed pipe: %v, stderr:\n%s\nwant exit 1 saying results went unprinted", err, stderr.String())
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	h := runIn(ctx, map[string]string{"REDOX_UPLOADER_HOME": home}, "", cliEnv{}, "history", "--status", "done", "--csv")
	if n := strings.Count(h.stdout, "\n") - 1; n != len(files) {
		t.Errorf("history holds %d done rows, want %d:\n%s%s", n, len(files), h.stdout, h.stderr)
	}
}
