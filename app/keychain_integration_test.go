//go:build keychain_integration

// The tests in this file talk to a real Secret Service (gnome-keyring on a private session
// bus): run them with scripts/keychain-test.sh, never against a user's own keyring. They fail,
// rather than skip, when no Secret Service answers.

package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"redoxuploader/client/redoxtest"
	"redoxuploader/internal/keychaintest"
)

// The keychain-upload helper's settings, in its environment.
const (
	helperServiceEnv = "REDOX_UPLOADER_KEYCHAIN_HELPER_SERVICE"
	helperProfileEnv = "REDOX_UPLOADER_KEYCHAIN_HELPER_PROFILE"
	helperFileEnv    = "REDOX_UPLOADER_KEYCHAIN_HELPER_FILE"
)

// The helper exists only in builds with the keychain_integration tag.
func init() { helperProcesses["keychain-upload"] = keychainUploadHelper }

// realKeychain returns a Keychain on the real Secret Service under a service name used by this
// run only, and deletes everything stored under it when the test ends.
func realKeychain(t *testing.T) Keychain {
	t.Helper()
	return Keychain{Service: keychaintest.Service(t, "redox-uploader-it"), Timeout: 20 * time.Second}
}

// secretTool runs libsecret's secret-tool: an independent look at the keyring.
func secretTool(t *testing.T, args ...string) string {
	t.Helper()
	return keychaintest.SecretTool(t, args...)
}

// stored reads an entry straight from the keyring, as any libsecret program would.
func stored(t *testing.T, k Keychain, key string) string {
	t.Helper()
	return secretTool(t, "lookup", "service", k.Service, "username", key)
}

func TestRealKeychainStoreReadOverwriteDelete(t *testing.T) {
	k := realKeychain(t)
	if _, err := k.Get("entry"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get of a missing entry: %v, want ErrSecretNotFound", err)
	}
	if err := k.Set("entry", "first value"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got := stored(t, k, "entry"); got != "first value" {
		t.Fatalf("secret-tool sees %q: the value did not reach the real keyring", got)
	}
	if got, err := k.Get("entry"); err != nil || got != "first value" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := k.Set("entry", "second value"); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if got, err := k.Get("entry"); err != nil || got != "second value" {
		t.Fatalf("Get after overwrite = %q, %v", got, err)
	}
	if n := strings.Count(secretTool(t, "search", "--all", "service", k.Service, "username", "entry"), "[/"); n != 1 {
		t.Fatalf("overwriting left %d items, want 1", n)
	}
	if err := k.Delete("entry"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get("entry"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if got := stored(t, k, "entry"); got != "" {
		t.Fatalf("secret-tool still sees %q after Delete", got)
	}
	if err := k.Delete("entry"); err != nil {
		t.Fatalf("deleting a missing entry: %v", err)
	}
}

func TestRealKeychainChunkedValue(t *testing.T) {
	k := realKeychain(t)
	pemText := rsa4096PEM()
	if err := k.Set("key", pemText); err != nil {
		t.Fatalf("Set of a %d-byte key: %v", len(pemText), err)
	}
	if got, err := k.Get("key"); err != nil || got != pemText {
		t.Fatalf("round trip: %d bytes, %v", len(got), err)
	}
	if head := stored(t, k, "key"); !strings.HasPrefix(head, chunkHeadPrefix) {
		t.Fatalf("head entry %q", head)
	}
	for _, c := range []string{"key#1", "key#2"} {
		if n := len(stored(t, k, c)); n == 0 || n > 2560 {
			t.Fatalf("%s holds %d bytes", c, n)
		}
	}
	if err := k.Set("key", "short now"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get("key"); err != nil || got != "short now" {
		t.Fatalf("after shrinking: %q, %v", got, err)
	}
	if left := stored(t, k, "key#1"); left != "" {
		t.Fatal("shrinking left a stale chunk")
	}
	if err := k.Set("key", pemText); err != nil {
		t.Fatal(err)
	}
	if out := secretTool(t, "search", "--all", "service", k.Service); !strings.Contains(out, "key#2") {
		t.Fatalf("secret-tool does not list the chunks before Delete, so its empty answer after would prove nothing:\n%s", out)
	}
	if err := k.Delete("key"); err != nil {
		t.Fatal(err)
	}
	if out := secretTool(t, "search", "--all", "service", k.Service); strings.TrimSpace(out) != "" {
		t.Fatalf("Delete left entries:\n%s", out)
	}
}

// TestRealKeychainTokenCacheAcrossProcesses signs in once in a child process; the parent then
// uploads with a client of its own for the same profile and reuses the token the child left in
// the keychain: the server sees exactly one sign-in.
func TestRealKeychainTokenCacheAcrossProcesses(t *testing.T) {
	k := realKeychain(t)
	sec := Secrets{Keychain: k}
	srv := redoxtest.NewServer(redoxtest.Config{})
	defer srv.Close()
	demo := srv.AddDemoSources()

	p := NewProfile("Across processes")
	p.APIKey, p.UploadURL, p.APIBase = demo.APIKey, srv.UploadURL(), srv.APIBase()
	if err := sec.SetSecret(p, demo.Secret); err != nil {
		t.Fatalf("SetSecret: %v", err)
	}
	file := secretsTestFile(t)
	profileJSON, _ := json.Marshal(p)

	cmd := helperCommand(t, "keychain-upload", helperServiceEnv+"="+k.Service,
		helperProfileEnv+"="+string(profileJSON), helperFileEnv+"="+file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child uploaded: ") {
		t.Fatalf("the child did not upload:\n%s", out)
	}
	if st := srv.Stats(); st.Authenticate != 1 || st.Uploaded != 1 {
		t.Fatalf("after the child: %+v, want one sign-in and one upload", st)
	}

	raw, err := k.Get(tokenKey(p))
	if err != nil {
		t.Fatalf("the child left no token in the keychain: %v", err)
	}
	var saved savedToken
	if err := json.Unmarshal([]byte(raw), &saved); err != nil || saved.Access == "" {
		t.Fatalf("token entry unreadable: %v", err)
	}
	for _, s := range []string{demo.Secret, saved.Access, saved.Refresh} {
		if s != "" && strings.Contains(string(out), s) {
			t.Fatal("the child's output shows a secret or a token")
		}
	}

	uploadWith(t, sec, p, file)
	if st := srv.Stats(); st.Authenticate != 1 || st.Refresh != 0 || st.Uploaded != 2 {
		t.Fatalf("after the parent: %+v, want still one sign-in and two uploads", st)
	}

	if out := secretTool(t, "search", "--all", "service", k.Service); !strings.Contains(out, tokenKey(p)) {
		t.Fatalf("secret-tool does not list the token before DeleteProfile, so its empty answer after would prove nothing:\n%s", out)
	}
	if err := sec.DeleteProfile(p); err != nil {
		t.Fatal(err)
	}
	if out := secretTool(t, "search", "--all", "service", k.Service); strings.TrimSpace(out) != "" {
		t.Fatalf("DeleteProfile left entries:\n%s", out)
	}
}

// keychainUploadHelper is the child of TestRealKeychainTokenCacheAcrossProcesses: it uploads
// one file for the profile with the secret from the real keychain, and prints the URI.
func keychainUploadHelper() error {
	var p Profile
	if err := json.Unmarshal([]byte(os.Getenv(helperProfileEnv)), &p); err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	sec := Secrets{Keychain: Keychain{Service: os.Getenv(helperServiceEnv), Timeout: 20 * time.Second}}
	res, err := uploadOnce(sec, p, os.Getenv(helperFileEnv))
	if err != nil {
		return err
	}
	fmt.Println("child uploaded:", res.URI)
	return nil
}
