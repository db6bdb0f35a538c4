//go:build !windows

package app

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMachineSecrets: an administrator stores a managed source's secret for every user, in a
// folder and file that root owns and only the group may read; a user with no secret of their
// own then gets it; a source of the user's own cannot have one; removal leaves none. The group
// here is root's own (CI runs as root); scripts/policy-test.sh checks the real group with users
// in it and not.
func TestMachineSecrets(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("storing a secret for every user needs root, as on CI") // the refusal for others: scripts/policy-test.sh
	}
	old := MachineSecretsGroup
	MachineSecretsGroup = "root"
	t.Cleanup(func() { MachineSecretsGroup = old })
	m := MachineSecrets{Dir: filepath.Join(t.TempDir(), "secrets")}
	managed := NewProfile("Radiology")
	managed.APIKey, managed.Managed = "rad-key", true

	if err := m.Store(NewProfile("Mine"), "s3cret"); !errors.Is(err, ErrNotManaged) {
		t.Errorf("a source of the user's own: %v, want ErrNotManaged", err)
	}
	if err := m.Store(managed, "  s3cret-for-all\n"); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{m.Dir: 0o750 | os.ModeDir, m.file(managed): 0o640} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st := info.Sys().(*syscall.Stat_t); info.Mode() != want || st.Uid != 0 || st.Gid != 0 {
			t.Errorf("%s: mode %v, owner %d:%d; want %v, root and the group", path, info.Mode(), st.Uid, st.Gid, want)
		}
	}
	s := Secrets{Keychain: Keychain{Service: "redox-uploader-machine-test"}, Machine: m}
	if v, err := s.Secret(managed); err != nil || v != "s3cret-for-all" {
		t.Errorf("Secret of the managed source: %q, %v; want the machine's, trimmed", v, err)
	}
	own := managed
	own.Managed = false
	if _, err := s.Secret(own); err == nil {
		t.Error("a source of the user's own got the machine's secret")
	}
	if err := m.Remove(managed); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Load(managed); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("after Remove: %v, want ErrSecretNotFound", err)
	}
}
