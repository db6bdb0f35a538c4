package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"redoxuploader/app"
)

// endlessDevice is a file that never ends when read: before the cap, --ca-file or
// --private-key naming it read until the machine ran out of memory.
func endlessDevice() string {
	if runtime.GOOS == "windows" {
		return os.DevNull
	}
	return "/dev/zero"
}

// sparseFile creates dir/name of size bytes without writing them.
func sparseFile(t *testing.T, dir, name string, size int64) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFilesNamedOnTheCommandLineAreCapped: a certificate or key file that is a device or far
// too large is refused at once, naming the flag and what the file should be.
func TestFilesNamedOnTheCommandLineAreCapped(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	file := writeFile(t, dir, "scan.pdf", 100)
	device := endlessDevice()
	huge := sparseFile(t, dir, "huge.pem", 2<<30)
	bigCA := sparseFile(t, dir, "big-ca.pem", app.MaxCertificatesSize+1)
	bigKey := sparseFile(t, dir, "big-key.pem", app.MaxSecretSize+1)
	token := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token}
	oauth := func(key string) []string {
		return serverArgs(s, "--auth", "oauth", "--client-id", demo.ClientID, "--key-id", demo.KeyID, "--private-key", key, file)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"upload --ca-file DEVICE", serverArgs(s, "--auth", "token", "--ca-file", device, file), token,
			"--ca-file: the extra trusted certificates file " + device + " is a device, not a file"},
		{"upload --ca-file 2 GB", serverArgs(s, "--auth", "token", "--ca-file", huge, file), token,
			"--ca-file: the extra trusted certificates file " + huge + " is larger than 4 MB"},
		{"upload --ca-file just over 4 MB", serverArgs(s, "--auth", "token", "--ca-file", bigCA, file), token,
			"the extra trusted certificates file " + bigCA + " is larger than 4 MB"},
		{"check --ca-file DEVICE", []string{"check", "--ca-file", device}, nil,
			"--ca-file: the extra trusted certificates file " + device + " is a device, not a file"},
		{"upload --private-key DEVICE", oauth(device), nil,
			"--private-key: the private key file " + device + " is a device, not a file"},
		{"upload --private-key 2 GB", oauth(huge), nil, "the private key file " + huge + " is larger than 64 KB"},
		{"upload --private-key just over 64 KB", oauth(bigKey), nil, "the private key file " + bigKey + " is larger than 64 KB"},
		{"profile add --private-key DEVICE", []string{"profile", "add", "Clinic", "--client-id", "c", "--key-id", "k", "--private-key", device}, nil,
			"--private-key: the private key file " + device + " is a device, not a file"},
		{"profile add --private-key a folder", []string{"profile", "add", "Clinic", "--client-id", "c", "--key-id", "k", "--private-key", dir}, nil,
			"the private key file " + dir + " is a folder, not a file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.env, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
	if st := s.Stats(); st.UploadRequests != 0 {
		t.Errorf("the server saw %d uploads; a refused file should stop the run first", st.UploadRequests)
	}
}

// TestSavedFilesAreCapped: the settings file and the certificate file the settings name are
// read with the same caps.
func TestSavedFilesAreCapped(t *testing.T) {
	device := endlessDevice()
	t.Run("settings file too large", func(t *testing.T) {
		home := t.TempDir()
		paths := app.PathsIn(home)
		if err := os.MkdirAll(paths.Config, 0o700); err != nil {
			t.Fatal(err)
		}
		sparseFile(t, paths.Config, filepath.Base(paths.SettingsFile()), app.MaxSettingsFileSize+1)
		r := runCmd(t, map[string]string{"REDOX_UPLOADER_HOME": home}, "profile", "list")
		want := "the settings file " + paths.SettingsFile() + " is larger than 8 MB"
		if r.code != exitFailed || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "move it away") {
			t.Errorf("exit %d, stderr:\n%s\nwant %q and what to do", r.code, r.stderr, want)
		}
	})
	t.Run("settings file a folder", func(t *testing.T) {
		home := t.TempDir()
		if err := os.MkdirAll(app.PathsIn(home).SettingsFile(), 0o700); err != nil {
			t.Fatal(err)
		}
		r := runCmd(t, map[string]string{"REDOX_UPLOADER_HOME": home}, "profile", "list")
		if r.code != exitFailed || !strings.Contains(r.stderr, "is a folder, not a file") {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("saved certificate file a device", func(t *testing.T) {
		home := t.TempDir()
		paths := app.PathsIn(home)
		if err := os.MkdirAll(paths.Config, 0o700); err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(map[string]any{"profiles": []any{}, "network": map[string]string{"extraCaFile": device}})
		if err := os.WriteFile(paths.SettingsFile(), data, 0o600); err != nil {
			t.Fatal(err)
		}
		r := runCmd(t, map[string]string{"REDOX_UPLOADER_HOME": home}, "check")
		if r.code != exitFailed || !strings.Contains(r.stderr, "the extra trusted certificates file "+device+" is a device, not a file") {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
}
