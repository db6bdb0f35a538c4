package app

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestRemoveProfile: removing a saved source takes it out of the settings and its secret and
// cached sign-in out of the keychain; a name no source has is ErrNoProfile; a keychain that
// will not delete leaves the source removed and says so.
func TestRemoveProfile(t *testing.T) {
	kept, gone := addressProfile("Cardiology", "https://blob.redoxengine.com/upload", "https://api.redoxengine.com"),
		addressProfile("Radiology", "https://blob.redoxengine.com/upload", "https://api.redoxengine.com")
	core := checkCore(t, kept, gone)
	for _, p := range []Profile{kept, gone} {
		if err := core.Secrets.SetSecret(p, "secret-"+p.Name); err != nil {
			t.Fatal(err)
		}
	}

	removed, st, err := core.RemoveProfile("Radiology")
	if err != nil || removed.Name != "Radiology" {
		t.Fatalf("RemoveProfile = %q, %v", removed.Name, err)
	}
	if _, ok := st.Profile("Radiology"); ok {
		t.Error("the settings returned still hold the source")
	}
	if saved, _ := core.LoadSettings(); len(saved.Profiles) != 1 || saved.Profiles[0].Name != "Cardiology" {
		t.Errorf("saved profiles after removal: %+v", saved.Profiles)
	}
	if _, err := core.Secrets.Secret(gone); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("the removed source's secret: %v, want it gone", err)
	}
	if _, err := core.Secrets.Secret(kept); err != nil {
		t.Errorf("the other source's secret: %v", err)
	}
	if _, _, err := core.RemoveProfile("Radiology"); !errors.Is(err, ErrNoProfile) {
		t.Errorf("removing it again: %v, want ErrNoProfile", err)
	}

	keyring.MockInitWithError(errors.New("the keychain is locked"))
	t.Cleanup(keyring.MockInit)
	var left *SecretsLeftError
	if _, _, err := core.RemoveProfile("Cardiology"); !errors.As(err, &left) || left.Profile != "Cardiology" {
		t.Errorf("a keychain that will not delete: %v, want a *SecretsLeftError", err)
	}
	if saved, _ := core.LoadSettings(); len(saved.Profiles) != 0 {
		t.Errorf("the source stayed in the settings: %+v", saved.Profiles)
	}
}
