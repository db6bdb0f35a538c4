package app

import (
	"errors"
	"fmt"
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
// and logs. Both are readable by the user only (0700).
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

// Ensure creates both folders (and their parents) readable by the user only, and takes away
// group and other access from a folder that already exists with it.
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

// ensurePrivateDir makes dir exist with mode 0700.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the folder %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("checking the folder %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("making the folder %s private: %w", dir, err)
		}
	}
	return nil
}

// SettingsFile is the settings file: Config/settings.json.
func (p Paths) SettingsFile() string { return filepath.Join(p.Config, "settings.json") }

// HistoryFile is the upload history database: Data/history.db.
func (p Paths) HistoryFile() string { return filepath.Join(p.Data, "history.db") }
