package app

import (
	"errors"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"

	"redoxuploader/internal/smallfile"
)

// MachineSecretsDir is where this computer's secrets are kept (see MachineSecrets):
// %ProgramData%\Redox Uploader\secrets.
func MachineSecretsDir() string {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil {
		dir = os.Getenv("ProgramData")
	}
	return filepath.Join(dir, "Redox Uploader", "secrets")
}

// machineSecretsAccessAdvice says how a user comes to read the machine's secrets.
const machineSecretsAccessAdvice = "Ask IT to store it again ('redox-uploader source provision', as an administrator), " +
	"or store a secret of your own with 'redox-uploader source set-secret'."

// machineSecretsACL lets SYSTEM and administrators do anything with the folder and what it
// holds, and the computer's users read it; nothing is inherited from above.
const machineSecretsACL = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;GR;;;BU)"

// isAdministrator reports whether this process runs elevated (as an administrator).
func isAdministrator() bool { return windows.GetCurrentProcessToken().IsElevated() }

// prepareMachineSecretsDir makes dir with machineSecretsACL, which the files in it inherit.
func prepareMachineSecretsDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString(machineSecretsACL)
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}

// writeMachineSecret writes value to path encrypted with DPAPI for this machine, whole or not
// at all.
func writeMachineSecret(path, value string) error {
	blob, err := dpapi(protect, []byte(value))
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, blob, 0o600) // the folder's access list applies
}

// readMachineSecret reads and decrypts the secret at path.
func readMachineSecret(path string) (string, error) {
	blob, err := smallfile.Read(path, "this computer's secret", 4*MaxSecretSize)
	if err != nil {
		return "", err
	}
	plain, err := dpapi(unprotect, blob)
	defer clear(plain)
	return string(plain), err
}

// cryptFunc is CryptProtectData or CryptUnprotectData, with what this file passes to them.
type cryptFunc func(in, out *windows.DataBlob, flags uint32) error

func protect(in, out *windows.DataBlob, flags uint32) error {
	return windows.CryptProtectData(in, nil, nil, 0, nil, flags, out)
}

func unprotect(in, out *windows.DataBlob, flags uint32) error {
	return windows.CryptUnprotectData(in, nil, nil, 0, nil, flags, out)
}

// dpapi runs f on data with this machine's key (CRYPTPROTECT_LOCAL_MACHINE), never asking the
// user anything.
func dpapi(f cryptFunc, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("nothing to protect")
	}
	in := windows.DataBlob{Size: uint32(len(data)), Data: &data[0]}
	var out windows.DataBlob
	if err := f(&in, &out, windows.CRYPTPROTECT_LOCAL_MACHINE|windows.CRYPTPROTECT_UI_FORBIDDEN); err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}
