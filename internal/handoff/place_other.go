//go:build !unix

package handoff

import (
	"fmt"
	"os"
)

// checkPrivateDir on Windows only checks that dir is a folder: its access list is inherited
// from the user's profile, as for the app's other folders.
func checkPrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	return nil
}
