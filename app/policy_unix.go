//go:build !windows

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// SystemPolicyFile is where IT puts the policy on Linux (see Policy).
const SystemPolicyFile = "/etc/redox-uploader/policy.json"

// loadPolicy reads the computer's policy: the JSON file at file, or SystemPolicyFile when file
// is "" (only tests name another).
func loadPolicy(file string) *Policy {
	if file == "" {
		file = SystemPolicyFile
	}
	return readPolicyFile(file, writableOnlyByAdmin)
}

// policyAdmin is the owner a policy file and its folders must have: root. Tests run as
// whoever they are.
var policyAdmin = uint32(0)

// writableOnlyByAdmin reports why a user who is not an administrator could have written the
// file at path, or a folder above it (so replaced it): nil when none could.
func writableOnlyByAdmin(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	for p := abs; ; p = filepath.Dir(p) {
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		switch {
		case !ok:
			return errors.New("its owner cannot be told")
		case st.Uid != policyAdmin:
			return fmt.Errorf("%s belongs to user %d, not the administrator (root)", p, st.Uid)
		case info.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link", p)
		case info.Mode().Perm()&0o022 != 0 && info.Mode()&os.ModeSticky == 0:
			return fmt.Errorf("%s can be written by users other than its owner (mode %v)", p, info.Mode().Perm())
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
