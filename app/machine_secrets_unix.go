//go:build !windows

package app

import (
	"fmt"
	"os"
	"os/user"
	"strconv"

	"redoxuploader/internal/smallfile"
)

// MachineSecretsGroup is the group whose members may read this computer's secrets; the
// package creates it. IT adds the users of the app: usermod -aG redox-uploader USER.
var MachineSecretsGroup = "redox-uploader"

// MachineSecretsDir is where this computer's secrets are kept (see MachineSecrets).
func MachineSecretsDir() string { return "/etc/redox-uploader/secrets" }

// machineSecretsAccessAdvice says how a user comes to read the machine's secrets.
const machineSecretsAccessAdvice = "Your account must be in the group \"redox-uploader\": ask IT to add it " +
	"(usermod -aG redox-uploader YOUR-NAME), then sign out and in again. Or store a secret of your own with " +
	"'redox-uploader source set-secret'."

// isAdministrator reports whether this process runs as root.
func isAdministrator() bool { return os.Geteuid() == 0 }

// secretsGroupID is MachineSecretsGroup's number.
func secretsGroupID() (int, error) {
	g, err := user.LookupGroup(MachineSecretsGroup)
	if err != nil {
		return 0, fmt.Errorf("the group %q does not exist: install the redox-uploader package, which creates it, "+
			"or create it with: groupadd --system %s", MachineSecretsGroup, MachineSecretsGroup)
	}
	return strconv.Atoi(g.Gid)
}

// prepareMachineSecretsDir makes dir root's, readable by the group only (0750).
func prepareMachineSecretsDir(dir string) error {
	gid, err := secretsGroupID()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if err := os.Chown(dir, 0, gid); err != nil {
		return err
	}
	return os.Chmod(dir, 0o750)
}

// writeMachineSecret writes value to path, whole or not at all, root's and readable by the
// group only (0640; root's group alone until the chown).
func writeMachineSecret(path, value string) error {
	gid, err := secretsGroupID()
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(path, []byte(value), 0o640); err != nil {
		return err
	}
	return os.Chown(path, 0, gid)
}

// readMachineSecret reads the secret at path.
func readMachineSecret(path string) (string, error) {
	data, err := smallfile.Read(path, "this computer's secret", MaxSecretSize)
	return string(data), err
}
