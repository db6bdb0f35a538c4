//go:build unix

package handoff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlaceFor(t *testing.T) {
	root, err := os.MkdirTemp("", "place") // short: socket paths must fit in 100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	t.Setenv("TMPDIR", filepath.Join(root, "tmp"))
	dir := func(name string, mode os.FileMode) string {
		d := filepath.Join(root, name)
		if err := os.MkdirAll(d, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
		return d
	}
	dir("tmp", 0o1777)
	runtimeDir, sharedRuntime := dir("run", 0o700), dir("sharedrun", 0o755)
	data, sharedData := dir("data", 0o700), dir("shareddata", 0o755)
	long := dir(strings.Repeat("long-folder-name/", 6)+"data", 0o700)
	link := filepath.Join(root, "link")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	private := filepath.Join(root, "tmp", fmt.Sprintf("redox-uploader-%d", os.Getuid()))
	hashed := "redox-uploader-" + folderHash(data)

	tests := []struct {
		name, data, runtime string
		want                Place
	}{
		{"the runtime folder first", data, runtimeDir, placeIn(runtimeDir, hashed)},
		{"a link to the folder: the same place", link, runtimeDir, placeIn(runtimeDir, hashed)},
		{"a runtime folder others may use is passed over", data, sharedRuntime, placeIn(data, "window")},
		{"a relative runtime folder is passed over", data, "run", placeIn(data, "window")},
		{"no runtime folder: the data folder", data, "", placeIn(data, "window")},
		{"a data folder others may enter: a private temporary folder", sharedData, "", placeIn(private, "redox-uploader-"+folderHash(sharedData))},
		{"a data folder too long for a socket: a private temporary folder", long, "", placeIn(private, "redox-uploader-"+folderHash(long))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PlaceFor(tt.data, func(k string) string {
				if k == "XDG_RUNTIME_DIR" {
					return tt.runtime
				}
				return ""
			})
			if err != nil || got != tt.want {
				t.Fatalf("PlaceFor(%s) = %+v, %v; want %+v", tt.data, got, err, tt.want)
			}
			if len(got.Socket) > maxSocketPath {
				t.Errorf("socket path of %d bytes", len(got.Socket))
			}
		})
	}
	if fi, err := os.Stat(private); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the private temporary folder: %v, %v; want mode 0700", fi.Mode().Perm(), err)
	}
	if folderHash(data) == folderHash(sharedData) {
		t.Error("two folders have one hash")
	}
}

// A temporary folder of the expected name that is not this user's private folder is refused,
// not used.
func TestPlaceForRefusesAnotherUsersTemporaryFolder(t *testing.T) {
	root, err := os.MkdirTemp("", "place")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	t.Setenv("TMPDIR", root)
	private := filepath.Join(root, fmt.Sprintf("redox-uploader-%d", os.Getuid()))
	if err := os.Mkdir(private, 0o777); err != nil { // as another user could have made it
		t.Fatal(err)
	}
	os.Chmod(private, 0o777)
	shared := filepath.Join(root, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := PlaceFor(shared, func(string) string { return "" }); err == nil {
		t.Fatalf("PlaceFor used %+v", p)
	}
}

// TestPlaceForEachSession: one account signed in twice (a remote desktop beside the console,
// two xrdp sessions) has a window on each display: a file opened on one screen never goes to
// the window on the other. Starts on one display (":51" and ":51.0", its screen) share it.
func TestPlaceForEachSession(t *testing.T) {
	root, err := os.MkdirTemp("", "place") // short: socket paths must fit in 100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	data := filepath.Join(root, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, runtimeDir := range []string{"", root} { // the data folder, then the runtime folder
		if err := os.Chmod(root, 0o700); err != nil {
			t.Fatal(err)
		}
		place := func(env ...string) Place {
			t.Helper()
			p, err := PlaceFor(data, func(k string) string {
				if k == "XDG_RUNTIME_DIR" {
					return runtimeDir
				}
				for i := 0; i+1 < len(env); i += 2 {
					if env[i] == k {
						return env[i+1]
					}
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		console, remote := place("DISPLAY", ":51"), place("DISPLAY", ":52")
		if console == remote {
			t.Errorf("runtime folder %q: displays :51 and :52 share the window's place %s", runtimeDir, console.Socket)
		}
		if screen := place("DISPLAY", ":51.0"); screen != console {
			t.Errorf("runtime folder %q: :51.0 at %s, :51 at %s; want one place", runtimeDir, screen.Socket, console.Socket)
		}
		if wayland := place("WAYLAND_DISPLAY", "wayland-0", "DISPLAY", ":0"); wayland == place("WAYLAND_DISPLAY", "wayland-1", "DISPLAY", ":0") {
			t.Errorf("runtime folder %q: two Wayland displays share the window's place %s", runtimeDir, wayland.Socket)
		}
	}
}
