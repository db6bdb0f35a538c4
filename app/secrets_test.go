package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// secretsTestServer starts a redoxtest server with the demo sources.
func secretsTestServer(t *testing.T) (*redoxtest.Server, redoxtest.Demo) {
	t.Helper()
	s := redoxtest.NewServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	return s, s.AddDemoSources()
}

// secretsTestProfile is a valid profile of the given method pointed at s.
func secretsTestProfile(name string, m AuthMethod, s *redoxtest.Server, d redoxtest.Demo) Profile {
	p := NewProfile(name)
	p.Auth = m
	p.UploadURL, p.APIBase = s.UploadURL(), s.APIBase()
	switch m {
	case AuthLegacy:
		p.APIKey = d.APIKey
	case AuthOAuth:
		p.ClientID, p.KeyID = d.ClientID, d.KeyID
	}
	return p
}

// secretsTestFile writes a small file to upload.
func secretsTestFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, []byte("%PDF-1.4 test report\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadWith builds a client for p from the keychain and uploads path once.
func uploadWith(t *testing.T, sec Secrets, p Profile, path string) client.Result {
	t.Helper()
	res, err := uploadOnce(sec, p, path)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// uploadOnce is uploadWith for a helper process, which has no *testing.T.
func uploadOnce(sec Secrets, p Profile, path string) (client.Result, error) {
	c, err := NewClient(p, WithKeychain(sec))
	if err != nil {
		return client.Result{}, fmt.Errorf("NewClient: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.Upload(ctx, path, client.UploadOptions{})
	if err != nil {
		return res, fmt.Errorf("Upload: %w", err)
	}
	if res.URI == "" {
		return res, errors.New("Upload returned no URI")
	}
	return res, nil
}

func TestKeychainClientsReuseTheSavedToken(t *testing.T) {
	cases := []struct {
		auth      AuthMethod
		secret    func(d redoxtest.Demo) string
		signIns   func(st redoxtest.Stats) int
		wantSaved bool
	}{
		{AuthLegacy, func(d redoxtest.Demo) string { return d.Secret }, func(st redoxtest.Stats) int { return st.Authenticate }, true},
		{AuthOAuth, func(d redoxtest.Demo) string { return string(d.PrivateKeyPEM) }, func(st redoxtest.Stats) int { return st.OAuthToken }, true},
		{AuthToken, func(d redoxtest.Demo) string { return d.Token }, func(st redoxtest.Stats) int { return st.Authenticate + st.OAuthToken }, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.auth), func(t *testing.T) {
			sec := Secrets{Keychain: mockKeychain(t)}
			s, d := secretsTestServer(t)
			p := secretsTestProfile("Main "+string(tc.auth), tc.auth, s, d)
			if err := sec.SetSecret(p, tc.secret(d)); err != nil {
				t.Fatal(err)
			}
			file := secretsTestFile(t)

			uploadWith(t, sec, p, file)
			uploadWith(t, sec, p, file) // a second client: as after a restart

			st := s.Stats()
			want := 1
			if !tc.wantSaved {
				want = 0
			}
			if got := tc.signIns(st); got != want {
				t.Errorf("sign-ins = %d over two clients, want %d (stats %+v)", got, want, st)
			}
			if st.Uploaded != 2 {
				t.Errorf("uploaded %d files, want 2", st.Uploaded)
			}
			_, err := sec.Keychain.Get(tokenKey(p))
			if tc.wantSaved && err != nil {
				t.Errorf("no token cached in the keychain: %v", err)
			}
			if !tc.wantSaved && !errors.Is(err, ErrSecretNotFound) {
				t.Errorf("a static token was copied into a token cache: %v", err)
			}
		})
	}
}

func TestSecretsOAuthWithA4096BitRSAKey(t *testing.T) {
	pemText := rsa4096PEM()
	signer, err := client.ParsePrivateKey([]byte(pemText))
	if err != nil {
		t.Fatal(err)
	}
	s, d := secretsTestServer(t)
	s.AddOAuthSource(d.Source, "rsa-client", "rsa-key", signer.Public())

	sec := Secrets{Keychain: mockKeychain(t)}
	p := secretsTestProfile("RSA", AuthOAuth, s, d)
	p.ClientID, p.KeyID = "rsa-client", "rsa-key"
	if err := sec.SetSecret(p, pemText); err != nil {
		t.Fatal(err)
	}
	if head, _ := keyring.Get(sec.Keychain.Service, secretKey(p)); !strings.HasPrefix(head, chunkHeadPrefix) {
		t.Fatalf("a %d-byte key was not stored in chunks", len(pemText))
	}
	uploadWith(t, sec, p, secretsTestFile(t))
	if st := s.Stats(); st.OAuthToken != 1 || st.Uploaded != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSecretsSetSecretChecksAndCleans(t *testing.T) {
	sec := Secrets{Keychain: mockKeychain(t)}
	_, d := secretsTestServer(t)
	legacy := NewProfile("L")
	legacy.APIKey = "k"
	token := NewProfile("T")
	token.Auth = AuthToken
	oauth := NewProfile("O")
	oauth.Auth, oauth.ClientID, oauth.KeyID = AuthOAuth, "c", "k"

	good := []struct {
		p           Profile
		input, want string
	}{
		{legacy, "  s3cret\n", "s3cret"},
		{token, "Bearer abc.def-ghi\n", "abc.def-ghi"},
		{token, "xyz", "xyz"},
		{oauth, "\n" + string(d.PrivateKeyPEM) + "\n\n", strings.TrimSpace(string(d.PrivateKeyPEM)) + "\n"},
	}
	for _, g := range good {
		if err := sec.SetSecret(g.p, g.input); err != nil {
			t.Fatalf("%s: %v", g.p.Name, err)
		}
		if got, err := sec.Secret(g.p); err != nil || got != g.want {
			t.Fatalf("%s: stored %q, %v; want %q", g.p.Name, got, err, g.want)
		}
	}

	canary := "CANARY-7f3a9"
	bad := []struct {
		p     Profile
		input string
		want  string
	}{
		{legacy, "  ", "empty"},
		{legacy, canary + " two", "one word"},
		{token, canary + "\nline", "one word"},
		{oauth, "-----BEGIN PRIVATE KEY-----\n" + canary + "\n-----END PRIVATE KEY-----\n", "private key cannot be used"},
		{oauth, canary, "private key cannot be used"},
		{Profile{Name: "X", Auth: "magic"}, canary, "sign-in method"},
		{Profile{Name: "", Auth: AuthLegacy}, canary, "name"},
	}
	for _, b := range bad {
		err := sec.SetSecret(b.p, b.input)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q for %q: %v; want an error about %q", b.input, b.p.Auth, err, b.want)
			continue
		}
		if strings.Contains(err.Error(), canary) {
			t.Errorf("the error repeats the secret: %v", err)
		}
	}

	// A new secret drops the cached token, which may belong to the old one.
	if err := sec.TokenStore(legacy).SaveToken(client.Token{AccessToken: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := sec.SetSecret(legacy, "new-secret"); err != nil {
		t.Fatal(err)
	}
	if tok, err := sec.TokenStore(legacy).LoadToken(); err != nil || tok.AccessToken != "" {
		t.Fatalf("token after a new secret: %v, %v; want none", tok, err)
	}
}

func TestSecretsMissingSecretSaysWhatToDo(t *testing.T) {
	sec := Secrets{Keychain: mockKeychain(t)}
	p := NewProfile("St. Mary's")
	p.APIKey = "k"
	_, err := sec.Secret(p)
	if !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Secret: %v, want ErrSecretNotFound", err)
	}
	for _, want := range []string{"Settings → Sources", "API secret", "St. Mary's"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("window message %q lacks %q", err, want)
		}
	}
	sec.Surface = SurfaceCommandLine
	_, err = sec.Secret(p)
	want := `redox-uploader source set-secret 'St. Mary'\''s' < FILE`
	if !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "Settings") {
		t.Errorf("command-line message %q: want %q and no Settings", err, want)
	}
	if _, err := NewClient(p, WithKeychain(sec)); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("NewClient: %v, want ErrSecretNotFound", err)
	}
	p.UploadURL = "http://example.com/upload"
	var ve *ValidationError
	if _, err := NewClient(p, WithKeychain(sec)); !errors.As(err, &ve) || ve.For("uploadUrl") == "" {
		t.Fatalf("NewClient of an invalid profile: %v, want a *ValidationError", err)
	}
}

func TestSecretsDeleteProfile(t *testing.T) {
	sec := Secrets{Keychain: mockKeychain(t)}
	p := NewProfile("Gone")
	p.APIKey = "k"
	if err := sec.DeleteProfile(p); err != nil {
		t.Fatalf("deleting a profile with nothing stored: %v", err)
	}
	if err := sec.SetSecret(p, "s"); err != nil {
		t.Fatal(err)
	}
	if err := sec.TokenStore(p).SaveToken(client.Token{AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := sec.DeleteProfile(p); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{secretKey(p), tokenKey(p)} {
		if _, err := keyring.Get(sec.Keychain.Service, key); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("%s still stored: %v", key, err)
		}
	}
}

func TestSecretsTokenStore(t *testing.T) {
	sec := Secrets{Keychain: mockKeychain(t)}
	p := NewProfile("Tok")
	p.APIKey = "k"
	ts := sec.TokenStore(p)

	if tok, err := ts.LoadToken(); err != nil || tok != (client.Token{}) {
		t.Fatalf("empty store: %v, %v; want a zero token and no error", tok, err)
	}
	want := client.Token{AccessToken: "acc", Expires: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), RefreshToken: "ref"}
	if err := ts.SaveToken(want); err != nil {
		t.Fatal(err)
	}
	got, err := ts.LoadToken()
	if err != nil || got.AccessToken != want.AccessToken || got.RefreshToken != want.RefreshToken || !got.Expires.Equal(want.Expires) {
		t.Fatalf("round trip: %#v, %v", got, err)
	}
	raw, _ := sec.Keychain.Get(tokenKey(p))
	var fields map[string]any
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		t.Fatalf("the token entry is not JSON: %v", err)
	}
	for _, f := range []string{"access", "expires", "refresh"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("the token entry lacks %q", f)
		}
	}

	// A token saved for another source is not handed out.
	moved := p
	moved.APIKey = "other-key"
	if tok, err := sec.TokenStore(moved).LoadToken(); err != nil || tok.AccessToken != "" {
		t.Fatalf("token for a changed API key: %v, %v; want none", tok, err)
	}
	rebased := p
	rebased.APIBase = "https://api.ca.redoxengine.com"
	if tok, _ := sec.TokenStore(rebased).LoadToken(); tok.AccessToken != "" {
		t.Fatal("token reused for another API base")
	}

	// An unreadable entry means: sign in again.
	if err := sec.Keychain.Set(tokenKey(p), "{not json"); err != nil {
		t.Fatal(err)
	}
	if tok, err := ts.LoadToken(); err != nil || tok.AccessToken != "" {
		t.Fatalf("unreadable entry: %v, %v", tok, err)
	}

	// A keychain that cannot be reached is an error, not "no token".
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	t.Cleanup(keyring.MockInit)
	var ue *KeychainUnavailableError
	if _, err := ts.LoadToken(); !errors.As(err, &ue) {
		t.Fatalf("LoadToken with the keychain down: %v", err)
	}
	if err := ts.SaveToken(want); !errors.As(err, &ue) {
		t.Fatalf("SaveToken with the keychain down: %v", err)
	}
}

func TestSecretsErrorsNeverCarryTheSecret(t *testing.T) {
	sec := Secrets{Keychain: mockKeychain(t)}
	s, d := secretsTestServer(t)
	p := secretsTestProfile("Wrong", AuthLegacy, s, d)
	const canary = "CANARY-SECRET-93ab"
	if err := sec.SetSecret(p, canary); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(p, WithKeychain(sec))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Upload(context.Background(), secretsTestFile(t), client.UploadOptions{})
	if err == nil {
		t.Fatal("an upload with a wrong secret succeeded")
	}
	if strings.Contains(err.Error(), canary) {
		t.Fatalf("the error shows the secret: %v", err)
	}

	keyring.MockInitWithError(errors.New("locked"))
	t.Cleanup(keyring.MockInit)
	if err := sec.SetSecret(p, canary); err == nil || strings.Contains(err.Error(), canary) {
		t.Fatalf("SetSecret with the keychain down: %v", err)
	}
}
