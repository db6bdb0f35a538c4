package app

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"redoxuploader/client"
)

// TestSaveProfile: one rule set for saving a source, new or over a saved one: a name taken
// needs Replace; the secret given is stored; without one, the stored secret is kept while the
// source's name and sign-in method stay, and deleted when they change; a secret or profile
// that cannot be used, or a keychain that does not answer, saves nothing; the queue forgets
// its client of the source whatever came of it.
func TestSaveProfile(t *testing.T) {
	const oldSecret = "old-secret"
	radiology := addressProfile("Radiology", "https://blob.redoxengine.com/upload", "https://api.redoxengine.com")
	withAuth := func(p Profile, m AuthMethod) Profile { p.Auth = m; return p }
	renamed := func(p Profile, name string) Profile { p.Name = name; return p }
	oauth := withAuth(radiology, AuthOAuth)
	oauth.ClientID, oauth.KeyID = "client", "key"
	invalid := radiology
	invalid.UploadURL = "http://example.com/upload"

	tests := []struct {
		name         string
		saved        bool // radiology is saved first, with oldSecret and a cached sign-in
		keychainDown bool
		unwritable   bool // the settings file holds a source no longer valid, so no change can be written
		p            Profile
		opts         SaveProfileOptions
		wantErr      string // in the error; "" when saved
		wantField    string // the field a *ValidationError puts the problem under
		want         SavedProfile
		wantSecret   string   // what the keychain holds for p afterwards; "" nothing
		wantOldToken bool     // the sign-in cached for the saved source is still there
		wantNames    []string // the saved sources afterwards
	}{
		{name: "new, without a secret", p: radiology,
			want: SavedProfile{Secret: SecretNeeded}, wantNames: []string{"Radiology"}},
		{name: "new, with a secret", p: radiology, opts: SaveProfileOptions{Secret: "  new-secret\n"},
			want: SavedProfile{Secret: SecretStored}, wantSecret: "new-secret", wantNames: []string{"Radiology"}},
		{name: "a name taken", saved: true, p: renamed(radiology, "RADIOLOGY"), opts: SaveProfileOptions{Secret: "new-secret"},
			wantErr: `a source named "Radiology" is saved already`, wantOldToken: true, wantNames: []string{"Radiology"}},
		{name: "replaced, same method", saved: true, p: radiology, opts: SaveProfileOptions{Replace: true},
			want: SavedProfile{Replaced: true, Secret: SecretKept}, wantSecret: oldSecret, wantOldToken: true, wantNames: []string{"Radiology"}},
		{name: "replaced, same method, a new secret", saved: true, p: radiology, opts: SaveProfileOptions{Replace: true, Secret: "new-secret"},
			want: SavedProfile{Replaced: true, Secret: SecretStored}, wantSecret: "new-secret", wantNames: []string{"Radiology"}},
		{name: "replaced, another method", saved: true, p: withAuth(radiology, AuthToken), opts: SaveProfileOptions{Replace: true},
			want: SavedProfile{Replaced: true, Secret: SecretNeeded}, wantNames: []string{"Radiology"}},
		{name: "replaced, another method and its secret", saved: true, p: withAuth(radiology, AuthToken),
			opts: SaveProfileOptions{Replace: true, Secret: "Bearer a-token"},
			want: SavedProfile{Replaced: true, Secret: SecretStored}, wantSecret: "a-token", wantNames: []string{"Radiology"}},
		{name: "replaced, the name in other case", saved: true, p: renamed(radiology, "RADIOLOGY"), opts: SaveProfileOptions{Replace: true},
			want: SavedProfile{Replaced: true, Secret: SecretNeeded}, wantNames: []string{"RADIOLOGY"}},
		{name: "a secret that cannot be used", p: oauth, opts: SaveProfileOptions{Secret: "not a key"},
			wantErr: "The private key cannot be used", wantField: "secret"},
		{name: "a secret too large for the keychain", p: radiology, opts: SaveProfileOptions{Secret: strings.Repeat("s", 61000)},
			wantErr: "too large to store in the keychain", wantField: "secret"},
		{name: "a profile that cannot be used", p: invalid, wantErr: "Upload address", wantField: "uploadUrl"},
		{name: "settings that cannot be written", unwritable: true, p: radiology, opts: SaveProfileOptions{Secret: "new-secret"},
			wantErr: "Old", wantNames: []string{"Old"}},
		{name: "the keychain down, a secret given", keychainDown: true, p: radiology, opts: SaveProfileOptions{Secret: "new-secret"},
			wantErr: "keychain is not available"},
		{name: "the keychain down, no secret given", keychainDown: true, p: radiology,
			want: SavedProfile{Secret: SecretNeeded}, wantNames: []string{"Radiology"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core := checkCore(t)
			if tt.saved {
				if _, err := core.SaveProfile(radiology, SaveProfileOptions{Secret: oldSecret}); err != nil {
					t.Fatal(err)
				}
				if err := core.Secrets.TokenStore(radiology).SaveToken(client.Token{AccessToken: "cached", Expires: time.Now().Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
				if _, err := core.Queue.clientFor(radiology); err != nil {
					t.Fatal(err)
				}
			}
			if tt.unwritable {
				old := `{"profiles": [{"name": "Old", "environment": "Development", "auth": "legacy", "apiKey": "k",
					"apiBase": "http://example.com", "uploadUrl": "http://example.com/upload", "maxSize": 1000, "parallel": 1}]}`
				if err := os.WriteFile(core.Paths.SettingsFile(), []byte(old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.keychainDown {
				keyring.MockInitWithError(errors.New("dbus: connection refused"))
				t.Cleanup(keyring.MockInit)
			}

			got, err := core.SaveProfile(tt.p, tt.opts)
			var invalid *ValidationError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("SaveProfile: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("SaveProfile = %v, want an error saying %q", err, tt.wantErr)
			case tt.wantField != "" && !errors.As(err, &invalid):
				t.Errorf("SaveProfile = %v, want a *ValidationError", err)
			case tt.wantField != "" && invalid.For(tt.wantField) == "":
				t.Errorf("SaveProfile = %v, want the problem under %q", err, tt.wantField)
			case err == nil && (got.Replaced != tt.want.Replaced || got.Secret != tt.want.Secret):
				t.Errorf("SaveProfile = replaced %v, secret %v; want %v, %v", got.Replaced, got.Secret, tt.want.Replaced, tt.want.Secret)
			case err == nil && !slices.Equal(profileNames(got.Settings), tt.wantNames):
				t.Errorf("the settings returned hold %q, want %q", profileNames(got.Settings), tt.wantNames)
			}
			if tt.keychainDown {
				keyring.MockInit() // an empty keychain again (none of these cases stored anything first)
			}
			st, _ := core.LoadSettings()
			if names := profileNames(st); !slices.Equal(names, tt.wantNames) {
				t.Errorf("saved sources %q, want %q", names, tt.wantNames)
			}
			if secret, _ := core.Secrets.Secret(tt.p); strings.TrimSpace(secret) != tt.wantSecret && tt.wantErr == "" {
				t.Errorf("the keychain holds %q for the source, want %q", secret, tt.wantSecret)
			}
			if tt.wantErr != "" && !tt.saved {
				if _, err := core.Secrets.Secret(tt.p); !errors.Is(err, ErrSecretNotFound) {
					t.Errorf("a source that was not saved left a secret behind (%v)", err)
				}
			}
			if tt.saved {
				tok, _ := core.Secrets.Keychain.Get(tokenKey(radiology))
				if (tok != "") != tt.wantOldToken {
					t.Errorf("the cached sign-in of the saved source is there: %v, want %v", tok != "", tt.wantOldToken)
				}
				core.Queue.mu.Lock()
				_, cached := core.Queue.clients[radiology.Name]
				core.Queue.mu.Unlock()
				if cached {
					t.Error("the queue still has its client of the source")
				}
			}
		})
	}
}

// profileNames are the names of the saved sources in st.
func profileNames(st Settings) []string {
	var names []string
	for _, p := range st.Profiles {
		names = append(names, p.Name)
	}
	return names
}
