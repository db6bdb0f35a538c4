package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeStart records the window program a launcher started.
type fakeStart struct {
	path string
	args []string
	err  error // what start returns
}

func (f *fakeStart) start(path string, args []string) error {
	f.path, f.args = path, slices.Clone(args)
	return f.err
}

// installed makes a folder holding the files named, and returns its path.
func installed(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLaunchWindow(t *testing.T) {
	args := []string{"--sandbox", "--data-dir", "d", "--", "scan.pdf"}
	startFailed := errors.New("exec format error")
	tests := []struct {
		name      string
		installed []string // files beside the command line, redox-uploader
		suffix    string
		startErr  error
		code      int
		started   string   // the file started, in the folder; "" for none
		stderr    []string // what the message holds
	}{
		{name: "beside it", installed: []string{"redox-uploader", "redox-uploader-window"}, started: "redox-uploader-window"},
		{name: "beside it on Windows", installed: []string{"redox-uploader.exe", "redox-uploader-window.exe"}, suffix: ".exe",
			started: "redox-uploader-window.exe"},
		{name: "not installed", installed: []string{"redox-uploader"}, code: exitUsage,
			stderr: []string{"cannot open its window", "redox-uploader-window, is not in the same folder", "looked for ",
				"commands, which work without the window program", "redox-uploader help"}},
		{name: "only the Unix name on Windows", installed: []string{"redox-uploader.exe", "redox-uploader-window"}, suffix: ".exe",
			code: exitUsage, stderr: []string{"redox-uploader-window.exe, is not in the same folder"}},
		{name: "would not start", installed: []string{"redox-uploader", "redox-uploader-window"}, startErr: startFailed,
			code: exitFailed, started: "redox-uploader-window",
			stderr: []string{"did not start", "redox-uploader help", "\n\nDetail for IT: exec format error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := installed(t, tt.installed...)
			var stderr bytes.Buffer
			fake := &fakeStart{err: tt.startErr}
			l := windowLauncher{executable: func() (string, error) { return filepath.Join(dir, tt.installed[0]), nil },
				exeSuffix: tt.suffix, start: fake.start, stderr: &stderr}
			if code := l.launch(args); code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			switch {
			case tt.started == "" && fake.path != "":
				t.Errorf("started %s", fake.path)
			case tt.started != "" && (fake.path != filepath.Join(dir, tt.started) || !slices.Equal(fake.args, args)):
				t.Errorf("started %s %q, want %s %q", fake.path, fake.args, filepath.Join(dir, tt.started), args)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
				}
			}
			if tt.code == exitUsage && !strings.Contains(stderr.String(), filepath.Join(dir, "redox-uploader-window"+tt.suffix)) {
				t.Errorf("stderr does not name where it looked:\n%s", stderr.String())
			}
			if len(tt.stderr) == 0 && stderr.Len() > 0 {
				t.Errorf("stderr:\n%s", stderr.String())
			}
		})
	}
}

// TestLaunchWindowFollowsSymlinks: a link to the command line elsewhere (/usr/local/bin, a
// desktop's launcher) finds the window program beside the file it links to.
func TestLaunchWindowFollowsSymlinks(t *testing.T) {
	dir := installed(t, "redox-uploader", "redox-uploader-window")
	link := filepath.Join(t.TempDir(), "redox-uploader")
	if err := os.Symlink(filepath.Join(dir, "redox-uploader"), link); err != nil {
		t.Fatal(err)
	}
	fake := &fakeStart{}
	l := windowLauncher{executable: func() (string, error) { return link, nil }, start: fake.start, stderr: &bytes.Buffer{}}
	if code := l.launch(nil); code != exitOK || fake.path != filepath.Join(dir, "redox-uploader-window") {
		t.Errorf("exit %d, started %q; want the window program beside the link's target, %s", code, fake.path, dir)
	}
}

// TestLaunchWindowWithoutOwnPath: when the system cannot say where this program is, the
// message says the window did not start and why.
func TestLaunchWindowWithoutOwnPath(t *testing.T) {
	var stderr bytes.Buffer
	fake := &fakeStart{}
	l := windowLauncher{executable: func() (string, error) { return "", errors.New("not supported") }, start: fake.start, stderr: &stderr}
	if code := l.launch(nil); code != exitFailed || fake.path != "" ||
		!strings.Contains(stderr.String(), "did not start") || !strings.Contains(stderr.String(), "Detail for IT: finding this program's own file: not supported") {
		t.Errorf("exit %d, started %q, stderr:\n%s", code, fake.path, stderr.String())
	}
}
