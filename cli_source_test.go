package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// cliSession runs commands one after another in one data folder and with one keychain
// service, as a person would in one terminal. It keeps everything they printed.
type cliSession struct {
	t       *testing.T
	env     map[string]string
	service string
	outputs []string
	// exec runs one command line in a separate program (the Windows build under Wine);
	// nil runs it in this process.
	exec func(t *testing.T, env map[string]string, stdin string, args []string) cliResult
}

// newCLISession starts a session in a new temporary data folder. service is the keychain
// service its entries go under.
func newCLISession(t *testing.T, service string) *cliSession {
	t.Helper()
	return &cliSession{t: t, service: service,
		env: map[string]string{"REDOX_UPLOADER_HOME": t.TempDir(), "REDOX_UPLOADER_KEYCHAIN_SERVICE": service}}
}

// mockKeychain makes go-keyring keep entries in memory for this test and returns a keychain
// service name of its own. Unit tests never touch a real keychain.
func mockKeychain(t *testing.T) string {
	t.Helper()
	keyring.MockInit()
	return "redox-uploader-test-" + t.Name()
}

func (s *cliSession) home() string { return s.env["REDOX_UPLOADER_HOME"] }

func (s *cliSession) run(args ...string) cliResult {
	s.t.Helper()
	return s.runStdin("", args...)
}

// runStdin runs args with stdin as the command's standard input.
func (s *cliSession) runStdin(stdin string, args ...string) cliResult {
	s.t.Helper()
	var r cliResult
	if s.exec != nil {
		r = s.exec(s.t, s.env, stdin, args)
	} else {
		r = runIn(s.t.Context(), s.env, stdin, cliEnv{}, args...)
	}
	s.outputs = append(s.outputs, r.stdout, r.stderr)
	return r
}

// must runs args and fails the test unless they exit 0.
func (s *cliSession) must(args ...string) cliResult {
	s.t.Helper()
	r := s.run(args...)
	if r.code != exitOK {
		s.t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// mustStdin is must with standard input.
func (s *cliSession) mustStdin(stdin string, args ...string) cliResult {
	s.t.Helper()
	r := s.runStdin(stdin, args...)
	if r.code != exitOK {
		s.t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// secrets reads the session's keychain entries the way the app does.
func (s *cliSession) secrets() app.Secrets {
	return app.Secrets{Keychain: app.Keychain{Service: s.service}}
}

// savedProfile reads a profile back from the session's settings file.
func (s *cliSession) savedProfile(name string) (app.Profile, bool) {
	s.t.Helper()
	st, err := app.NewSettingsStore(app.PathsIn(s.home()).SettingsFile()).Load()
	if err != nil {
		s.t.Fatal(err)
	}
	return st.Profile(name)
}

// addServerProfile saves a profile pointing at s and stores its secret.
func (s *cliSession) addServerProfile(srv *redoxtest.Server, name, secret string, flags ...string) {
	s.t.Helper()
	s.must(append([]string{"source", "add", name, "--upload-url", srv.UploadURL(), "--api-base", srv.APIBase()}, flags...)...)
	s.mustStdin(secret, "source", "set-secret", name)
}

// lineWith returns the first line of out that starts with prefix.
func lineWith(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range lines(out) {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line starting with %q in:\n%s", prefix, out)
	return ""
}

// fields splits a table line on runs of two or more spaces.
func fields(line string) []string {
	return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
}

func TestProfileAddListShowRemove(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	r := s.must("source", "add", "Clinic A", "--auth", "legacy", "--api-key", "key-123")
	for _, want := range []string{`Saved source "Clinic A"`, "Development", "blob.redoxengine.com",
		"redox-uploader source set-secret 'Clinic A' < FILE"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("profile add output lacks %q:\n%s", want, r.stdout)
		}
	}
	// Flags may come before the name too; the default --parallel for a profile is 3.
	s.must("source", "add", "--environment", "production", "--client-id", "client-9", "--key-id", "kid-9",
		"--max-size", "20000000", "Main Hospital")
	p, ok := s.savedProfile("Main Hospital")
	want := app.NewProfile("Main Hospital")
	want.Environment, want.Auth, want.ClientID, want.KeyID, want.MaxSize = app.EnvProduction, app.AuthOAuth, "client-9", "kid-9", 20000000
	if !ok || !reflect.DeepEqual(p, want) {
		t.Errorf("saved profile = %+v, want %+v", p, want)
	}
	if p, _ := s.savedProfile("Clinic A"); p.Parallel != 3 || p.Auth != app.AuthLegacy || p.APIKey != "key-123" {
		t.Errorf("saved Clinic A = %+v, want legacy, key-123, parallel 3", p)
	}

	s.mustStdin("legacy-secret-value\n", "source", "set-secret", "Clinic A")
	r = s.must("source", "list")
	if got := fields(lineWith(t, r.stdout, "NAME")); strings.Join(got, "|") != "NAME|ENVIRONMENT|SIGN-IN|UPLOAD HOST|SECRET|SET-BY" {
		t.Errorf("header = %q", got)
	}
	for name, want := range map[string]string{
		"Clinic A":      "Clinic A|Development|legacy|blob.redoxengine.com|secret stored|you",
		"Main Hospital": "Main Hospital|PRODUCTION|oauth|blob.redoxengine.com|no secret|you",
		"Sandbox":       "Sandbox|Sandbox|built in|this computer only|demo credentials|built in",
	} {
		if got := strings.Join(fields(lineWith(t, r.stdout, name+" ")), "|"); got != want {
			t.Errorf("list line of %s = %q, want %q", name, got, want)
		}
	}

	r = s.must("source", "show", "Clinic A")
	for _, want := range []string{"name: Clinic A\n", "environment: Development\n", "auth: legacy", "api-key: key-123\n",
		"api-base: https://api.redoxengine.com\n", "upload-url: https://blob.redoxengine.com/upload\n",
		"max-size: 10485760 bytes (10 MB)\n", "parallel: 3\n", "source: legacy:key-123@blob.redoxengine.com\n",
		"secret: stored in the keychain\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("profile show lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "legacy-secret-value") {
		t.Errorf("profile show printed the secret:\n%s", r.stdout)
	}
	r = s.must("source", "show", "main hospital") // names ignore case
	for _, want := range []string{"environment: PRODUCTION\n", "client-id: client-9\n", "key-id: kid-9\n", "secret: not set\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("profile show lacks %q:\n%s", want, r.stdout)
		}
	}

	// An existing name is refused without --replace, and kept.
	r = s.run("source", "add", "Clinic A", "--api-key", "other-key")
	if r.code != exitFailed || !strings.Contains(r.stderr, "--replace") {
		t.Errorf("adding an existing name: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if p, _ := s.savedProfile("Clinic A"); p.APIKey != "key-123" {
		t.Errorf("the refused add changed the profile: %+v", p)
	}
	// --replace with the same sign-in method keeps the secret.
	r = s.must("source", "add", "Clinic A", "--api-key", "key-456", "--replace")
	if p, _ := s.savedProfile("Clinic A"); p.APIKey != "key-456" {
		t.Errorf("--replace did not replace: %+v", p)
	}
	if !strings.Contains(r.stdout, "kept") {
		t.Errorf("--replace with the same method should say the secret is kept:\n%s", r.stdout)
	}
	clinic, _ := s.savedProfile("Clinic A")
	if v, err := s.secrets().Secret(clinic); err != nil || v != "legacy-secret-value" {
		t.Errorf("after --replace the secret is %q, %v; want the stored one", v, err)
	}
	// --replace with another method drops the secret that no longer fits.
	s.must("source", "add", "Clinic A", "--auth", "token", "--replace")
	if _, err := s.secrets().Secret(clinic); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("after switching to a token, the old secret is still there (err %v)", err)
	}

	s.mustStdin("legacy-secret-value", "source", "set-secret", "Clinic A")
	clinic, _ = s.savedProfile("Clinic A")
	if err := s.secrets().TokenStore(clinic).SaveToken(client.Token{AccessToken: "cached-token"}); err != nil {
		t.Fatal(err)
	}
	r = s.must("source", "remove", "clinic a")
	if !strings.Contains(r.stdout, `Removed source "Clinic A"`) {
		t.Errorf("profile remove output:\n%s", r.stdout)
	}
	if _, ok := s.savedProfile("Clinic A"); ok {
		t.Error("the profile is still in the settings after remove")
	}
	if _, err := s.secrets().Secret(clinic); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("the secret is still in the keychain after remove (err %v)", err)
	}
	if tok, err := s.secrets().TokenStore(clinic).LoadToken(); err != nil || tok.AccessToken != "" {
		t.Errorf("the token cache is still in the keychain after remove (%v, %v)", tok, err)
	}
	r = s.must("source", "list")
	if strings.Contains(r.stdout, "Clinic A") || !strings.Contains(r.stdout, "Main Hospital") {
		t.Errorf("list after remove:\n%s", r.stdout)
	}

	for _, args := range [][]string{{"source", "remove", "Clinic A"}, {"source", "show", "Nobody"},
		{"source", "set-secret", "Nobody"}, {"source", "test", "Nobody"}, {"source", "remove", "Sandbox"}} {
		if r := s.run(args...); r.code != exitFailed || r.stderr == "" {
			t.Errorf("%s: exit %d, stderr %q; want %d and a message", strings.Join(args, " "), r.code, r.stderr, exitFailed)
		}
	}

	data, err := os.ReadFile(filepath.Join(s.home(), "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("legacy-secret-value")) || bytes.Contains(data, []byte("cached-token")) {
		t.Errorf("settings.json holds a secret:\n%s", data)
	}
}

func TestProfileListEmpty(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	r := s.must("source", "list")
	if got := lines(r.stdout); len(got) != 3 || !strings.HasPrefix(got[1], "Sandbox ") || !strings.Contains(got[2], "source add") {
		t.Errorf("profile list with none saved:\n%s", r.stdout)
	}
}

// TestProfileAddConcurrent: profile add commands run at once, as from a provisioning script,
// all save their profile; of two adding the same name, exactly one is refused.
func TestProfileAddConcurrent(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	names := []string{"Clinic 1", "Clinic 2", "Clinic 3", "Clinic 4", "Clinic 5", "Shared", "Shared"}
	results := make([]cliResult, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		c := *s // its own record of outputs; the same folder and keychain
		c.outputs = nil
		wg.Go(func() { results[i] = c.run("source", "add", name, "--api-key", fmt.Sprintf("key-%d", i)) })
	}
	wg.Wait()
	refused := 0
	for i, r := range results {
		if r.code == exitFailed && names[i] == "Shared" && strings.Contains(r.stderr, "already exists") {
			refused++
		} else if r.code != exitOK {
			t.Errorf("profile add %q: exit %d\n%s", names[i], r.code, r.stderr)
		}
	}
	if refused != 1 {
		t.Errorf("%d of the two adds of the same name were refused, want 1", refused)
	}
	list := s.must("source", "list").stdout
	var missing []string
	for _, name := range names[:6] {
		if !strings.Contains(list, "\n"+name+" ") {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("profile list lacks %q:\n%s", missing, list)
	}
	if got := len(lines(list)); got != 1+6+1 {
		t.Errorf("profile list has %d lines, want a header, 6 profiles and the Sandbox:\n%s", got, list)
	}
}

func TestProfileAddValidation(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	tests := []struct {
		name string
		args []string
		want []string // lines of stderr
	}{
		{"http to a remote host", []string{"Remote", "--api-key", "k", "--upload-url", "http://example.com/upload"},
			[]string{"  --upload-url: Use https:// — plain http is only allowed to this computer."}},
		{"missing API key", []string{"Clinic", "--auth", "legacy"},
			[]string{"  --api-key: Enter the API key Redox shows for this source."}},
		{"several problems", []string{"Clinic", "--auth", "oauth", "--api-base", "http://api.example.com", "--max-size", "0"},
			[]string{"  --client-id: ", "  --key-id: ", "  --api-base: ", "  --max-size: "}},
		{"bad environment", []string{"Clinic", "--api-key", "k", "--environment", "Test"},
			[]string{"  --environment: "}},
		{"built-in name", []string{"sandbox", "--api-key", "k"},
			[]string{"  NAME: "}},
		{"parallel", []string{"Clinic", "--api-key", "k", "--parallel", "40"},
			[]string{"  --parallel: Set parallel uploads between 1 and 16."}},
		{"watched folders", []string{"Clinic", "--api-key", "k", "--watch", "/scans", "--watch", "/scans/", "--settle", "601"},
			[]string{"  --watch: The folder /scans is listed twice; remove one.", "  --settle: Set the settle time between 1 and 600 seconds."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.run(append([]string{"source", "add"}, tt.args...)...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitUsage, r.stderr)
			}
			got := lines(r.stderr)
			if len(got) != len(tt.want)+1 || !strings.Contains(got[0], "needs changes") {
				t.Fatalf("stderr:\n%s\nwant a heading and %d problem lines", r.stderr, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i+1], w) {
					t.Errorf("line %d = %q, want it to start with %q", i+1, got[i+1], w)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
	for _, args := range [][]string{
		{"source", "add"}, // no name
		{"source", "add", "A", "B", "--api-key", "k"}, // two names
		{"source", "add", "A"},                        // no way to sign in
		{"source", "add", "A", "--auth", "kerberos"},
		{"source", "add", "A", "--api-key", "k", "--environment", "Sandbox"},
		{"source", "add", "A", "--api-key", "k", "--private-key", "/nonexistent.pem"},
		{"source", "frobnicate"},
		{"profile"},
	} {
		if r := s.run(args...); r.code != exitUsage || r.stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want %d and a message", args, r.code, r.stderr, exitUsage)
		}
	}
	if _, err := os.Stat(filepath.Join(s.home(), "settings.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused profile add wrote the settings (stat: %v)", err)
	}
}

func TestProfileSetSecret(t *testing.T) {
	const canary = "CANARY-profile-secret-7d3e1f"
	s := newCLISession(t, mockKeychain(t))
	s.must("source", "add", "Legacy", "--api-key", "k1")
	s.must("source", "add", "OAuth", "--client-id", "c1", "--key-id", "kid1")
	s.must("source", "add", "Token", "--auth", "token")

	r := s.mustStdin(canary+"\r\n", "source", "set-secret", "Legacy")
	if !strings.HasPrefix(r.stdout, "Stored in the keychain.\n") || r.stderr != "" {
		t.Errorf("set-secret printed:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	legacy, _ := s.savedProfile("Legacy")
	if v, err := s.secrets().Secret(legacy); err != nil || v != canary {
		t.Errorf("stored secret = %q, %v; want the input without its line ending", v, err)
	}
	r = s.mustStdin("Bearer "+canary+"-token\n", "source", "set-secret", "Token")
	token, _ := s.savedProfile("Token")
	if v, err := s.secrets().Secret(token); err != nil || v != canary+"-token" {
		t.Errorf("stored token = %q, %v", v, err)
	}

	_, demo := newTestServer(t)
	s.mustStdin(string(demo.PrivateKeyPEM), "source", "set-secret", "OAuth")
	oauth, _ := s.savedProfile("OAuth")
	if v, err := s.secrets().Secret(oauth); err != nil || strings.TrimSpace(v) != strings.TrimSpace(string(demo.PrivateKeyPEM)) {
		t.Errorf("stored key differs (%v)", err)
	}

	tests := []struct {
		name, profile, stdin, want string
	}{
		{"empty", "Legacy", "", "nothing was read"},
		{"only a newline", "Legacy", "\n", "nothing was read"},
		{"two words", "Legacy", canary + " " + canary, "one word"},
		{"not a PEM key", "OAuth", canary + "\n", "The private key cannot be used"},
		{"truncated PEM key", "OAuth", string(demo.PrivateKeyPEM[:200]), "The private key cannot be used"},
		{"too much input", "Legacy", strings.Repeat("x", 70<<10), "holds more than 64 KB, more than any API secret holds."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.runStdin(tt.stdin, "source", "set-secret", tt.profile)
			if r.code != exitFailed || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %d and %q", r.code, r.stderr, exitFailed, tt.want)
			}
		})
	}
	// What was stored before a refused attempt is still there.
	if v, err := s.secrets().Secret(legacy); err != nil || v != canary {
		t.Errorf("after refused attempts the secret is %q, %v", v, err)
	}
	r = s.runStdin(canary, "source", "set-secret", "Sandbox")
	if r.code != exitFailed {
		t.Errorf("set-secret Sandbox: exit %d", r.code)
	}
	keyLine := strings.Split(string(demo.PrivateKeyPEM), "\n")[1] // a line of the key itself
	for _, out := range s.outputs {
		if strings.Contains(out, "CANARY") || strings.Contains(out, keyLine[:16]) {
			t.Errorf("output shows the secret or part of it:\n%s", out)
		}
	}
}

func TestProfileAddWithPrivateKey(t *testing.T) {
	srv, demo := newTestServer(t)
	s := newCLISession(t, mockKeychain(t))
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, demo.PrivateKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	r := s.must("source", "add", "OAuth", "--client-id", demo.ClientID, "--key-id", demo.KeyID, "--private-key", keyFile,
		"--upload-url", srv.UploadURL(), "--api-base", srv.APIBase())
	if !strings.Contains(r.stdout, "Stored its private key in the keychain.") || !strings.Contains(r.stdout, "source test OAuth") {
		t.Errorf("profile add --private-key printed:\n%s", r.stdout)
	}
	p, _ := s.savedProfile("OAuth")
	if v, err := s.secrets().Secret(p); err != nil || strings.TrimSpace(v) != strings.TrimSpace(string(demo.PrivateKeyPEM)) {
		t.Errorf("the key was not stored (%v)", err)
	}
	s.must("source", "test", "OAuth")

	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"source", "add", "Other", "--client-id", "c", "--key-id", "k", "--private-key", bad},
		{"source", "add", "Other", "--api-key", "k", "--private-key", keyFile},
	} {
		if r := s.run(args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
	if _, ok := s.savedProfile("Other"); ok {
		t.Error("a profile add with an unusable --private-key saved the profile")
	}
}

func TestProfileTest(t *testing.T) {
	srv, demo := newTestServer(t)
	s := newCLISession(t, mockKeychain(t))
	s.addServerProfile(srv, "Legacy", demo.Secret+"\n", "--api-key", demo.APIKey)
	s.addServerProfile(srv, "OAuth", string(demo.PrivateKeyPEM), "--client-id", demo.ClientID, "--key-id", demo.KeyID)
	s.addServerProfile(srv, "Token", demo.Token, "--auth", "token")
	s.must("source", "add", "No secret", "--api-key", demo.APIKey, "--upload-url", srv.UploadURL(), "--api-base", srv.APIBase())
	s.addServerProfile(srv, "Wrong", "not-the-secret", "--api-key", demo.APIKey)

	signedIn := regexp.MustCompile(`^Signed in to Redox \((\S+)\)\. The access token is valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+\.\n$`)
	host := strings.TrimPrefix(srv.URL, "http://")
	for name, source := range map[string]string{
		"Legacy": "legacy:" + demo.APIKey + "@" + strings.Split(host, ":")[0],
		"OAuth":  "oauth:" + demo.ClientID + "@" + strings.Split(host, ":")[0],
	} {
		before := srv.Stats()
		r := s.must("source", "test", name)
		m := signedIn.FindStringSubmatch(r.stdout)
		if m == nil || m[1] != source || r.stderr != "" {
			t.Errorf("profile test %s:\nstdout %q\nstderr %q\nwant %q", name, r.stdout, r.stderr, signedIn)
		}
		after := srv.Stats()
		if after.Authenticate+after.OAuthToken != before.Authenticate+before.OAuthToken+1 {
			t.Errorf("profile test %s: %+v → %+v, want one sign-in", name, before, after)
		}
		// The token it got is cached in the keychain for uploads, and not printed.
		p, _ := s.savedProfile(name)
		tok, err := s.secrets().TokenStore(p).LoadToken()
		if err != nil || tok.AccessToken == "" {
			t.Errorf("profile test %s cached no token (%v)", name, err)
		}
		if strings.Contains(r.stdout, tok.AccessToken) || tok.RefreshToken != "" && strings.Contains(r.stdout, tok.RefreshToken) {
			t.Errorf("profile test %s printed the token", name)
		}
	}

	r := s.must("source", "test", "Token")
	if !strings.Contains(r.stdout, "stored in the keychain") || !strings.Contains(r.stdout, "checked when the first file is sent") ||
		strings.Contains(r.stdout, demo.Token) {
		t.Errorf("profile test of a token profile:\n%s", r.stdout)
	}

	r = s.run("source", "test", "No secret")
	if r.code != exitFailed || !strings.Contains(r.stderr, "No secret is stored in the keychain") ||
		!strings.Contains(r.stderr, "source set-secret") {
		t.Errorf("profile test without a secret: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = s.run("source", "test", "Wrong")
	if r.code != exitFailed || !strings.Contains(r.stderr, "credentials: during sign in; HTTP 401") ||
		strings.Contains(r.stderr, "not-the-secret") {
		t.Errorf("profile test with a wrong secret: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r := s.must("source", "test", "Sandbox"); !signedIn.MatchString(r.stdout) {
		t.Errorf("profile test Sandbox: %q", r.stdout)
	}
}

func TestProfileKeychainUnavailable(t *testing.T) {
	srv, demo := newTestServer(t)
	s := newCLISession(t, mockKeychain(t))
	s.addServerProfile(srv, "Legacy", demo.Secret, "--api-key", demo.APIKey)
	s.must("source", "add", "Other", "--api-key", "k2")
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	t.Cleanup(keyring.MockInit)

	r := s.must("source", "list")
	for _, name := range []string{"Legacy", "Other"} {
		if !strings.HasSuffix(lineWith(t, r.stdout, name+" "), "keychain unavailable  you") {
			t.Errorf("list line of %s does not say the keychain is unavailable:\n%s", name, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "keychain is not available") {
		t.Errorf("list stderr does not explain:\n%s", r.stderr)
	}
	for _, args := range [][]string{{"source", "test", "Legacy"}, {"source", "remove", "Other"}} {
		r := s.run(args...)
		if r.code != exitFailed || !strings.Contains(r.stderr, "keychain is not available") || !strings.Contains(r.stderr, "connection refused") {
			t.Errorf("%s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	r = s.runStdin("another-secret", "source", "set-secret", "Legacy")
	if r.code != exitFailed || !strings.Contains(r.stderr, "keychain is not available") || strings.Contains(r.stdout, "Stored") {
		t.Errorf("set-secret with no keychain: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if r := s.must("source", "show", "Legacy"); !strings.Contains(r.stdout, "secret: unknown, keychain unavailable") {
		t.Errorf("show with no keychain:\n%s", r.stdout)
	}
	// A source whose private key the keychain refuses is not saved without it.
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, demo.PrivateKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	r = s.run("source", "add", "OAuth", "--client-id", demo.ClientID, "--key-id", demo.KeyID, "--private-key", keyFile)
	if r.code != exitFailed || !strings.Contains(r.stderr, `the source "OAuth" was not saved`) ||
		!strings.Contains(r.stderr, "keychain is not available") || strings.Contains(r.stdout, "Saved") {
		t.Errorf("profile add with its key and no keychain: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if _, ok := s.savedProfile("OAuth"); ok {
		t.Error("the source was saved without its private key")
	}
}

func TestUploadWithProfile(t *testing.T) {
	srv, demo := newTestServer(t)
	s := newCLISession(t, mockKeychain(t))
	s.addServerProfile(srv, "Clinic", demo.Secret, "--api-key", demo.APIKey)
	dir := t.TempDir()
	paths := []string{writeFile(t, dir, "a.pdf", 3000), writeFile(t, dir, "b.pdf", 4000)}
	r := s.must(append([]string{"upload", "--source", "clinic"}, paths...)...)
	checkTabLines(t, srv, r.stdout, paths)
	if st := srv.Stats(); st.Authenticate != 1 {
		t.Errorf("%d sign-ins for two files, want 1", st.Authenticate)
	}
	// A second process reuses the token the keychain keeps.
	third := writeFile(t, dir, "c.pdf", 5000)
	r = s.must("upload", "--source", "Clinic", third)
	checkTabLines(t, srv, r.stdout, []string{third})
	if st := srv.Stats(); st.Authenticate != 1 {
		t.Errorf("%d sign-ins after a second run, want 1: the cached token was not reused", st.Authenticate)
	}
	// The same content again is a duplicate that prints the earlier URI.
	first := lines(r.stdout)[0]
	r = s.must("upload", "--source", "Clinic", third)
	if r.stdout != first+"\n" || !strings.Contains(r.stderr, "already uploaded to this source") {
		t.Errorf("duplicate upload: stdout %q (want %q), stderr:\n%s", r.stdout, first, r.stderr)
	}

	r = s.must("history")
	for _, name := range []string{"a.pdf", "b.pdf", "c.pdf"} {
		found := false
		for _, l := range lines(r.stdout) {
			if strings.Contains(l, " "+name+" ") && strings.Contains(l, "Clinic") && strings.Contains(l, srv.URL+"/blob/") {
				found = true
			}
		}
		if !found {
			t.Errorf("history has no done row of %s through Clinic:\n%s", name, r.stdout)
		}
	}
	if got := fields(lines(r.stdout)[1]); len(got) < 7 || got[3] != "duplicate" {
		t.Errorf("newest history row = %q, want the duplicate", got)
	}
}

// TestDiagnosticsCommand: the support summary names the source and never its secret.
func TestDiagnosticsCommand(t *testing.T) {
	mockKeychain(t)
	home := t.TempDir()
	env := map[string]string{"REDOX_UPLOADER_HOME": home}
	if r := runCmd(t, env, "source", "add", "Cardiology", "--api-key", "public-key"); r.code != exitOK {
		t.Fatalf("profile add: %d %s", r.code, r.stderr)
	}
	if r := runIn(t.Context(), env, "canary-diagnostics-secret\n", cliEnv{}, "source", "set-secret", "Cardiology"); r.code != exitOK {
		t.Fatalf("set-secret: %d %s", r.code, r.stderr)
	}
	r := runCmd(t, env, "diagnostics")
	if r.code != exitOK || !strings.Contains(r.stdout, "Cardiology") || strings.Contains(r.stdout+r.stderr, "canary-diagnostics-secret") {
		t.Errorf("exit %d, output:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestSourceAddWatchedFolders: source add --watch saves each folder as a full path (a relative
// one from the folder the command runs in) with the settle time, says how they are watched,
// and source show lists them.
func TestSourceAddWatchedFolders(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	scans := filepath.Join(t.TempDir(), "Scan inbox")
	r := s.must("source", "add", "Scans", "--api-key", "k", "--watch", scans, "--watch", "faxes", "--settle", "8")
	faxes, err := filepath.Abs("faxes")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.savedProfile("Scans")
	if !reflect.DeepEqual(p.WatchFolders, []string{scans, faxes}) || p.SettleSeconds != 8 {
		t.Errorf("saved watched folders %q, settle %d; want %q, 8", p.WatchFolders, p.SettleSeconds, []string{scans, faxes})
	}
	if !strings.Contains(r.stdout, "2 watched folder(s) are watched while the window is open, or by: redox-uploader watch --source Scans") {
		t.Errorf("source add does not say how its folders are watched:\n%s", r.stdout)
	}
	r = s.must("source", "show", "Scans")
	for _, want := range []string{"watched folder: " + scans + "\n", "watched folder: " + faxes + "\n", "settle: 8 s\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("source show lacks %q:\n%s", want, r.stdout)
		}
	}
}
