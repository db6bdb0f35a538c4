package handoff

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Place is where the window for one data folder can be found: a lock file that the window
// holds for as long as it is open (so that only one process at a time can be that window)
// and, beside it, the socket it listens on.
type Place struct {
	Lock   string
	Socket string
}

// maxSocketPath is the longest socket path this package uses. A socket's path must fit in
// sun_path with its terminating NUL: 108 bytes on Linux and Windows, 104 on macOS and the
// BSDs.
const maxSocketPath = 100

// PlaceFor returns the place of the window that keeps its files in dataDir, which must exist.
// It is, in this order of preference, in a private folder that is short enough for a socket:
// the user's runtime folder ($XDG_RUNTIME_DIR, local to this computer and emptied at log-out;
// not on Windows), the data folder itself, or a folder of this user's own in the temporary
// folder. In the runtime and temporary folders the names hold a hash of the data folder, so
// that each data folder has its own window; every name holds one of the session too (its
// display, or its Windows session; see sessionOf), so that each session has its own. getenv
// is os.Getenv outside tests.
func PlaceFor(dataDir string, getenv func(string) string) (Place, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return Place{}, fmt.Errorf("finding the data folder %s: %w", dataDir, err)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // one window for a folder, whichever link names it
	}
	session, named := sessionOf(getenv), dir
	if session != "" {
		named += "\x00" + session
	}
	hashed := "redox-uploader-" + folderHash(named)
	if rt := getenv("XDG_RUNTIME_DIR"); runtime.GOOS != "windows" && filepath.IsAbs(rt) && checkPrivateDir(rt) == nil {
		if p := placeIn(rt, hashed); fits(p) {
			return p, nil
		}
	}
	inData := "window"
	if session != "" {
		inData += "-" + folderHash(session)[:8]
	}
	if p := placeIn(dir, inData); fits(p) && checkPrivateDir(dir) == nil {
		return p, nil
	}
	tmp, err := privateTempDir()
	if err != nil {
		return Place{}, fmt.Errorf("making a private folder for the window's socket: %w", err)
	}
	if p := placeIn(tmp, hashed); fits(p) {
		return p, nil
	}
	return Place{}, fmt.Errorf("no private folder with a path short enough for a socket (the temporary folder is %s)", tmp)
}

// placeIn is the place with the lock and socket named name in dir.
func placeIn(dir, name string) Place {
	return Place{Lock: filepath.Join(dir, name+".lock"), Socket: filepath.Join(dir, name+".sock")}
}

func fits(p Place) bool { return len(p.Socket) <= maxSocketPath }

// folderHash names a folder in 16 hexadecimal digits. Windows' file names ignore case, so
// there the folder's name is hashed in lower case.
func folderHash(dir string) string {
	if runtime.GOOS == "windows" {
		dir = strings.ToLower(dir)
	}
	sum := sha256.Sum256([]byte(dir))
	return hex.EncodeToString(sum[:8])
}

// privateTempDir returns a folder in the temporary folder that only this user can use.
func privateTempDir() (string, error) {
	if runtime.GOOS == "windows" {
		return os.TempDir(), nil // %TEMP% is in the user's own profile
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("redox-uploader-%d", os.Getuid()))
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return "", err
	}
	return dir, checkPrivateDir(dir)
}
