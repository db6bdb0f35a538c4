package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// appDirName is the folder the app keeps its files in, under the OS's config and data folders.
const appDirName = "redox-uploader"

// homeEnv names the environment variable that puts every file of the app in one folder, like
// the CLI's --data-dir: tests and scripts use it so they never touch the user's real folders.
const homeEnv = "REDOX_UPLOADER_HOME"

// Paths are the folders the app writes to: Config holds settings.json; Data holds history.db
// and logs. The app creates them readable by the user only (0700); see Ensure.
type Paths struct {
	Config, Data string
}

// DefaultPaths returns the folders for this user: both in $REDOX_UPLOADER_HOME when it is
// set, otherwise the OS's config folder (as os.UserConfigDir) and data folder (Linux:
// $XDG_DATA_HOME or ~/.local/share; macOS: ~/Library/Application Support; Windows:
// %LOCALAPPDATA%), each with a redox-uploader folder inside. getenv is os.Getenv outside tests.
func DefaultPaths(getenv func(string) string) (Paths, error) {
	if dir := getenv(homeEnv); dir != "" {
		return PathsIn(dir), nil
	}
	config, data, err := osDirs(runtime.GOOS, getenv)
	if err != nil {
		return Paths{}, err
	}
	return Paths{Config: filepath.Join(config, appDirName), Data: filepath.Join(data, appDirName)}, nil
}

// osDirs returns the user's config and data folders on goos, read from getenv the way
// os.UserConfigDir reads the process environment.
func osDirs(goos string, getenv func(string) string) (config, data string, err error) {
	switch goos {
	case "windows":
		config, data = getenv("APPDATA"), getenv("LOCALAPPDATA")
		if config == "" {
			return "", "", errors.New("cannot find the settings folder: %AppData% is not set")
		}
		if data == "" {
			return "", "", errors.New("cannot find the data folder: %LocalAppData% is not set")
		}
		return config, data, nil
	case "darwin", "ios":
		home := getenv("HOME")
		if home == "" {
			return "", "", errors.New("cannot find the settings folder: $HOME is not set")
		}
		dir := filepath.Join(home, "Library", "Application Support")
		return dir, dir, nil
	case "plan9":
		home := getenv("home")
		if home == "" {
			return "", "", errors.New("cannot find the settings folder: $home is not set")
		}
		dir := filepath.Join(home, "lib")
		return dir, dir, nil
	default: // Linux and the other Unixes: the XDG base directories
		home := getenv("HOME")
		config, data = xdgDir(getenv("XDG_CONFIG_HOME")), xdgDir(getenv("XDG_DATA_HOME"))
		if (config == "" || data == "") && home == "" {
			return "", "", errors.New("cannot find the settings folder: neither $XDG_CONFIG_HOME nor $HOME is set")
		}
		if config == "" {
			config = filepath.Join(home, ".config")
		}
		if data == "" {
			data = filepath.Join(home, ".local", "share")
		}
		return config, data, nil
	}
}

// xdgDir returns an XDG base directory variable's value, or "" when it is unset or relative
// (the XDG specification says to ignore a relative path).
func xdgDir(v string) string {
	if !filepath.IsAbs(v) {
		return ""
	}
	return v
}

// PathsIn puts both folders in dir (the CLI's --data-dir).
func PathsIn(dir string) Paths {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return Paths{Config: dir, Data: dir}
}

// Ensure makes both folders exist: those it creates (and their missing parents) readable by
// the user only (0700); one that already exists is left as it is, and refused, with
// ErrFolderShared, if other users can write to it.
func (p Paths) Ensure() error {
	for _, dir := range []string{p.Config, p.Data} {
		if dir == "" {
			return errors.New("the app's folders are not set")
		}
		if err := ensurePrivateDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// ErrFolderShared matches the error for a data or settings folder that other users can write
// to.
var ErrFolderShared = errors.New("the folder can be changed by other users")

// ensurePrivateDir makes dir exist. The folders it creates (dir and its missing parents) get
// mode 0700 whatever the umask. A folder that already exists is never changed: it is refused
// if its group or other users may write to it, as they could then replace the history or the
// settings. Windows: no mode checks (its folders inherit their access lists).
func ensurePrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil:
		return checkExistingDir(dir, fi)
	case !errors.Is(err, fs.ErrNotExist):
		return folderError("checking the folder "+dir, dir, err)
	}
	var missing []string // dir, then its missing parents up to the first that exists
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		err := os.Mkdir(d, 0o700)
		if errors.Is(err, fs.ErrExist) { // made meanwhile by another process: not ours
			continue
		}
		if err != nil {
			return folderError("creating the folder "+d, filepath.Dir(d), err)
		}
		if runtime.GOOS != "windows" {
			if err := os.Chmod(d, 0o700); err != nil { // past the umask; ours, we just made it
				return folderError("creating the folder "+d, d, err)
			}
		}
	}
	fi, err = os.Stat(dir)
	if err != nil {
		return folderError("checking the folder "+dir, dir, err)
	}
	return checkExistingDir(dir, fi)
}

// checkExistingDir refuses a folder that is a file, or that others may write to.
func checkExistingDir(dir string, fi fs.FileInfo) error {
	if !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", dir)
	}
	if runtime.GOOS == "windows" || fi.Mode().Perm()&0o022 == 0 {
		return nil
	}
	return &sharedFolderError{dir: dir, mode: fi.Mode()}
}

// sharedFolderError refuses a folder that other users can write to, in plain words.
type sharedFolderError struct {
	dir  string
	mode fs.FileMode
}

func (e *sharedFolderError) Error() string {
	return fmt.Sprintf("Redox Uploader will not keep its history and settings in %s: other users of this computer can "+
		"change what is in that folder. Use a folder only you can write to (Redox Uploader creates a new one for "+
		"itself if you name a folder that does not exist yet).", e.dir)
}

// Detail gives the folder's permissions, for IT.
func (e *sharedFolderError) Detail() string {
	return fmt.Sprintf("folder mode %v: group or other users have write permission", e.mode)
}

func (e *sharedFolderError) Unwrap() error { return ErrFolderShared }

// SettingsFile is the settings file: Config/settings.json.
func (p Paths) SettingsFile() string { return filepath.Join(p.Config, "settings.json") }

// HistoryFile is the upload history database: Data/history.db.
func (p Paths) HistoryFile() string { return filepath.Join(p.Data, "history.db") }
