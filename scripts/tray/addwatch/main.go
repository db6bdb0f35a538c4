// Command addwatch adds a watched folder to a saved source, saving it the way the window's
// Settings does (app.Core.SaveProfile, replacing the source and keeping its secret), since the
// command line has no flag for watched folders. Test-only, for scripts/tray-test.sh and
// scripts/screenshots.sh.
//
// Usage: addwatch DATA-DIR SOURCE SETTLE-SECONDS FOLDER
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"redoxuploader/app"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "addwatch:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 4 {
		return errors.New("usage: addwatch DATA-DIR SOURCE SETTLE-SECONDS FOLDER")
	}
	settle, err := strconv.Atoi(args[2])
	if err != nil {
		return fmt.Errorf("settle time %q: %w", args[2], err)
	}
	folder, err := filepath.Abs(args[3])
	if err != nil {
		return fmt.Errorf("folder %q: %w", args[3], err)
	}
	core, err := app.Open(app.PathsIn(args[0]), app.Options{KeychainService: os.Getenv("REDOX_UPLOADER_KEYCHAIN_SERVICE")})
	if err != nil {
		return fmt.Errorf("opening the data folder: %w", err)
	}
	defer core.Close(context.Background())
	p, err := core.Profile(args[1])
	if err != nil {
		return fmt.Errorf("source %q: %w", args[1], err)
	}
	p.WatchFolders = append(p.WatchFolders, folder)
	p.SettleSeconds = settle
	if _, err := core.SaveProfile(p, app.SaveProfileOptions{Replace: true}); err != nil {
		return fmt.Errorf("saving source %q: %w", p.Name, err)
	}
	return nil
}
