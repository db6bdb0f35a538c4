//go:build linux || freebsd || openbsd || netbsd || dragonfly

package sessionbus

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		address string            // DBUS_SESSION_BUS_ADDRESS; "" is unset
		files   map[string]string // in godbus's run folder
		want    bool
	}{
		{name: "nothing at all", want: true},
		{name: "an address", address: "unix:path=/run/user/1000/bus", want: false},
		{name: "an address that godbus would dial even if dead", address: "unix:path=/nonexistent", want: false},
		{name: "autolaunch asked for", address: "autolaunch:", want: true},
		{name: "disabled", address: Disabled, want: true},
		{name: "disabled, though a socket exists", address: Disabled, files: map[string]string{"bus": ""}, want: true},
		{name: "the user bus socket", files: map[string]string{"bus": ""}, want: false},
		{name: "a dbus-session file", files: map[string]string{"dbus-session": "DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/dbus-x\n"}, want: false},
		{name: "a dbus-session file without an address", files: map[string]string{"dbus-session": "DBUS_SESSION_BUS_ADDRESS=\n"}, want: true},
		{name: "a dbus-session file of something else", files: map[string]string{"dbus-session": "hello"}, want: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			getenv := func(k string) (string, bool) {
				if k == AddressVar && tc.address != "" {
					return tc.address, true
				}
				return "", false
			}
			if got := missing(getenv, dir); got != tc.want {
				t.Errorf("missing = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuntimeDirAddress(t *testing.T) {
	withBus := filepath.Join(t.TempDir(), "run dir, ü")
	if err := os.Mkdir(withBus, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(withBus, "bus"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, want string
		found           bool
	}{
		{name: "unset"},
		{name: "relative", dir: "run"},
		{name: "no socket in it", dir: t.TempDir()},
		{name: "a socket, its path escaped", dir: withBus, found: true,
			want: "unix:path=" + filepath.Dir(withBus) + "/run%20dir%2c%20%c3%bc/bus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := runtimeDirAddress(func(k string) (string, bool) {
				return tc.dir, k == "XDG_RUNTIME_DIR" && tc.dir != ""
			})
			if got != tc.want || found != tc.found {
				t.Errorf("runtimeDirAddress = %q, %v; want %q, %v", got, found, tc.want, tc.found)
			}
		})
	}
}

func TestItoa(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 1000: "1000", 65534: "65534", -1: "-1"} {
		if got := itoa(n); got != want {
			t.Errorf("itoa(%d) = %q", n, got)
		}
	}
}
