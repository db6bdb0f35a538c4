package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultPathsHomeOverride(t *testing.T) {
	dir := t.TempDir()
	p, err := DefaultPaths(envOf(map[string]string{"REDOX_UPLOADER_HOME": dir, "HOME": "/elsewhere"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.Config != dir || p.Data != dir {
		t.Fatalf("paths = %+v, want both %s", p, dir)
	}
	if p.SettingsFile() != filepath.Join(dir, "settings.json") || p.HistoryFile() != filepath.Join(dir, "history.db") {
		t.Fatalf("files = %s, %s", p.SettingsFile(), p.HistoryFile())
	}
}

func TestDefaultPathsThisOS(t *testing.T) {
	want, err := os.UserConfigDir()
	if err != nil {
		t.Skip("no config folder here:", err)
	}
	p, err := DefaultPaths(os.Getenv)
	if os.Getenv("REDOX_UPLOADER_HOME") != "" {
		t.Skip("REDOX_UPLOADER_HOME is set")
	}
	if err != nil {
		t.Fatal(err)
	}
	if p.Config != filepath.Join(want, "redox-uploader") {
		t.Fatalf("Config = %s, want it in os.UserConfigDir() %s", p.Config, want)
	}
}

func TestOSDirs(t *testing.T) {
	cases := []struct {
		goos               string
		env                map[string]string
		wantConfig, wantDt string
		wantErr            bool
	}{
		{"linux", map[string]string{"HOME": "/home/u"}, "/home/u/.config", "/home/u/.local/share", false},
		{"linux", map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d"}, "/c", "/d", false},
		{"linux", map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "rel", "XDG_DATA_HOME": "rel"}, "/home/u/.config", "/home/u/.local/share", false},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d"}, "/c", "/d", false},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "/c"}, "", "", true},
		{"freebsd", map[string]string{"HOME": "/h"}, "/h/.config", "/h/.local/share", false},
		{"darwin", map[string]string{"HOME": "/Users/u"}, "/Users/u/Library/Application Support", "/Users/u/Library/Application Support", false},
		{"darwin", map[string]string{}, "", "", true},
		{"windows", map[string]string{"APPDATA": `C:\R`, "LOCALAPPDATA": `C:\L`}, `C:\R`, `C:\L`, false},
		{"windows", map[string]string{"APPDATA": `C:\R`}, "", "", true},
	}
	for _, tc := range cases {
		config, data, err := osDirs(tc.goos, envOf(tc.env))
		if tc.wantErr {
			if err == nil {
				t.Errorf("%s %v: no error", tc.goos, tc.env)
			}
			continue
		}
		if err != nil || filepath.ToSlash(config) != filepath.ToSlash(tc.wantConfig) || filepath.ToSlash(data) != filepath.ToSlash(tc.wantDt) {
			t.Errorf("%s %v: %q, %q, %v; want %q, %q", tc.goos, tc.env, config, data, err, tc.wantConfig, tc.wantDt)
		}
	}
	if runtime.GOOS == "linux" {
		p, err := DefaultPaths(envOf(map[string]string{"HOME": "/home/u"}))
		if err != nil || p.Config != "/home/u/.config/redox-uploader" || p.Data != "/home/u/.local/share/redox-uploader" {
			t.Errorf("DefaultPaths on Linux = %+v, %v", p, err)
		}
	}
}

func TestPathsInAndEnsure(t *testing.T) {
	base := t.TempDir()
	p := PathsIn(filepath.Join(base, "a", "b"))
	if p.Config != p.Data || !filepath.IsAbs(p.Config) {
		t.Fatalf("PathsIn = %+v", p)
	}
	if err := p.Ensure(); err != nil {
		t.Fatal(err)
	}
	if err := p.Ensure(); err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if runtime.GOOS != "windows" {
		for _, dir := range []string{p.Config, filepath.Dir(p.Config)} { // the folder and the parent it created
			if mode := dirMode(t, dir); mode != 0o700 {
				t.Errorf("%s: mode %v, want 0700", dir, mode)
			}
		}
	}

	file := filepath.Join(base, "file")
	os.WriteFile(file, nil, 0o600)
	if err := (Paths{Config: file, Data: file}).Ensure(); err == nil {
		t.Error("Ensure accepted a file as a folder")
	}
	if err := (Paths{}).Ensure(); err == nil {
		t.Error("Ensure accepted empty paths")
	}
}

// TestEnsureNeverChangesAnExistingFolder: a folder the app did not create keeps its mode; one
// that other users can write to (a shared folder, 1777) is refused in plain words, for the
// settings and for the history alike.
func TestEnsureNeverChangesAnExistingFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	for _, tc := range []struct {
		mode    os.FileMode
		refused bool
	}{
		{0o700, false},
		{0o755, false},
		{0o750, false},
		{0o775, true},
		{0o777, true},
		{0o777 | os.ModeSticky, true}, // a shared folder like /tmp
		{0o733 | os.ModeSticky, true},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "existing")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			want := dirModeFull(t, dir)
			for name, open := range map[string]func() error{
				"Paths.Ensure": PathsIn(dir).Ensure,
				"OpenHistory": func() error {
					h, err := OpenHistory(filepath.Join(dir, "history.db"))
					if err == nil {
						h.Close()
					}
					return err
				},
			} {
				err := open()
				if tc.refused && (!errors.Is(err, ErrFolderShared) || !strings.Contains(err.Error(), "other users")) {
					t.Errorf("%s of a folder with mode %v = %v; want it refused in plain words", name, tc.mode, err)
				}
				if !tc.refused && err != nil {
					t.Errorf("%s of a folder with mode %v: %v", name, tc.mode, err)
				}
				if got := dirModeFull(t, dir); got != want {
					t.Errorf("%s changed the folder's mode from %v to %v", name, want, got)
				}
			}
		})
	}
}

func dirMode(t *testing.T, dir string) os.FileMode { return dirModeFull(t, dir).Perm() }

// dirModeFull is dir's permission and sticky bits.
func dirModeFull(t *testing.T, dir string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode() & (os.ModePerm | os.ModeSticky)
}
