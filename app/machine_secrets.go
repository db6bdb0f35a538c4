package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MachineSecrets keeps the secrets of managed sources (see Policy) for every user of this
// computer, stored once by an administrator ('redox-uploader source provision'), so IT need not
// visit each desk to put a secret in each user's keychain. A managed source uses its machine
// secret when the user has none of their own; its tokens stay cached per user in the user's
// keychain. No secret is ever in the policy, the registry or the installer.
//
// Where and how they are kept is the system's (machine_secrets_unix.go, _windows.go): on Linux
// in /etc/redox-uploader/secrets, owned by root and readable by the group redox-uploader only;
// on Windows in %ProgramData%\Redox Uploader\secrets, encrypted with DPAPI for this machine,
// readable by its users and writable by administrators only.
type MachineSecrets struct {
	// Dir is the folder of the secrets: MachineSecretsDir(), or a test's.
	Dir string
}

// ErrNotAdministrator is a provisioning step tried by a user who is not an administrator.
var ErrNotAdministrator = Sentence("Storing a secret for every user of this computer needs an administrator: " +
	"run the command again as root (sudo) on Linux, or from a Command Prompt opened with \"Run as administrator\" on Windows.")

// ErrNotManaged is a source that is not the organisation's given to provisioning.
var ErrNotManaged = Sentence("Only a source set by your organisation's policy can have a secret for every user of this computer; " +
	"store a source of your own's secret with 'redox-uploader source set-secret'.")

// file is the file of p's secret: named after a hash of the source's name (ignoring case, as
// names are), so any name is a safe file name.
func (m MachineSecrets) file(p Profile) string {
	sum := sha256.Sum256([]byte(strings.ToLower(p.Name)))
	return filepath.Join(m.Dir, "source-"+hex.EncodeToString(sum[:12])+".secret")
}

// Store checks secret against p's sign-in method and keeps it for every user. p must be a
// managed source and the caller an administrator.
func (m MachineSecrets) Store(p Profile, secret string) error {
	if !p.Managed {
		return ErrNotManaged
	}
	if !isAdministrator() {
		return ErrNotAdministrator
	}
	value, err := normalizeSecret(p.Auth, secret)
	if err != nil {
		return err
	}
	if err := prepareMachineSecretsDir(m.Dir); err != nil {
		return fmt.Errorf("preparing %s for this computer's secrets: %w", m.Dir, err)
	}
	if err := writeMachineSecret(m.file(p), value); err != nil {
		return fmt.Errorf("storing the %s of the source %q for every user: %w", p.Auth.SecretName(), p.Name, err)
	}
	return nil
}

// Remove deletes p's machine secret; none there is no error. The caller must be an
// administrator.
func (m MachineSecrets) Remove(p Profile) error {
	if !isAdministrator() {
		return ErrNotAdministrator
	}
	if err := os.Remove(m.file(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing this computer's secret of the source %q: %w", p.Name, err)
	}
	return nil
}

// Load returns p's machine secret. None stored matches ErrSecretNotFound; one this user may not
// read says so in plain words.
func (m MachineSecrets) Load(p Profile) (string, error) {
	if !p.Managed || m.Dir == "" {
		return "", ErrSecretNotFound
	}
	v, err := readMachineSecret(m.file(p))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", ErrSecretNotFound
	case errors.Is(err, fs.ErrPermission):
		return "", Sentencef("This computer's %s for the source %q cannot be read by your account. %s",
			p.Auth.SecretName(), p.Name, machineSecretsAccessAdvice)
	case err != nil:
		return "", fmt.Errorf("reading this computer's %s of the source %q: %w", p.Auth.SecretName(), p.Name, err)
	}
	return v, nil
}

// Provisioned reports whether p has a machine secret (for diagnostics; never what it is).
func (m MachineSecrets) Provisioned(p Profile) bool {
	_, err := os.Stat(m.file(p))
	return err == nil
}
