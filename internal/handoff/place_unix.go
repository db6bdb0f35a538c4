//go:build unix

package handoff

import (
	"fmt"
	"os"
	"syscall"
)

// checkPrivateDir refuses a folder that is not a real folder (a symbolic link included), is
// not this user's, or that anyone else may enter: its socket and lock must be this user's
// alone.
func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("the folder %s belongs to another user (uid %d)", dir, st.Uid)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("other users may use the folder %s (mode %v)", dir, fi.Mode().Perm())
	}
	return nil
}
