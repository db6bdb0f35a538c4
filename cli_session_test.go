//go:build keychain_integration

// This test talks to a real Secret Service (gnome-keyring on a private session bus): run it
// with scripts/keychain-test.sh, never against a user's own keyring, and never in the same
// process as the unit tests, which put go-keyring in mock mode (the script runs it alone with
// -run '^TestCLISession'). It fails, rather than skips, when no Secret Service answers.

package main

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
	"redoxuploader/internal/keychaintest"
)

// TestCLISessionLeaksNoSecret runs a whole CLI session on the real keychain with canary
// secrets — profiles of all three sign-in methods, set-secret, test, uploads, history, CSV,
// resend, remove — then looks for the secrets and for every token Redox issued in every file
// of the data folder and in everything the commands printed.
func TestCLISessionLeaksNoSecret(t *testing.T) {
	svc := keychaintest.Service(t, "redox-uploader-cli-it")
	canary, canaryToken := newCanaries()

	h := redoxtest.NewHandler(redoxtest.Config{})
	demo := h.AddDemoSources()
	h.AddLegacySource("canary-source", "canary-api-key", canary)
	h.AddStaticToken("canary-source", canaryToken, time.Time{})
	tee := &tokenTee{next: h}
	srv := &redoxtest.Server{Server: httptest.NewServer(tee), Handler: h}
	t.Cleanup(srv.Close)
	conn := []string{"--upload-url", srv.UploadURL(), "--api-base", srv.APIBase()}

	s := newCLISession(t, svc)
	// A second instance holds the history open all along, as the desktop window would, so the
	// database's -wal and -shm files outlive each command and are scanned too.
	paths := app.PathsIn(s.home())
	if err := paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	held, err := app.OpenHistory(paths.HistoryFile())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	s.must(append([]string{"profile", "add", "Legacy", "--api-key", "canary-api-key"}, conn...)...)
	s.must(append([]string{"profile", "add", "OAuth", "--client-id", demo.ClientID, "--key-id", demo.KeyID,
		"--environment", "Production"}, conn...)...)
	s.must(append([]string{"profile", "add", "Token", "--auth", "token"}, conn...)...)
	for name, secret := range map[string]string{"Legacy": canary + "\n", "OAuth": string(demo.PrivateKeyPEM), "Token": canaryToken + "\n"} {
		if r := s.mustStdin(secret, "profile", "set-secret", name); !strings.HasPrefix(r.stdout, "Stored in the keychain.\n") {
			t.Errorf("set-secret %s printed %q", name, r.stdout)
		}
	}
	// The secrets really are in the Secret Service, not in a mock or a file.
	if got := keychaintest.SecretTool(t, "lookup", "service", svc, "username", "profile/Legacy/secret"); got != canary {
		t.Fatalf("the real keyring holds %d bytes for the legacy secret, want the canary (%d bytes)", len(got), len(canary))
	}

	r := s.must("profile", "list")
	for _, name := range []string{"Legacy", "OAuth", "Token"} {
		if line := lineWith(t, r.stdout, name+" ") + " "; !strings.Contains(line, " secret stored ") { // the SECRET column
			t.Errorf("profile list does not show the %s secret as stored:\n%s", name, r.stdout)
		}
	}
	for _, name := range []string{"Legacy", "OAuth", "Token"} {
		if r := s.must("profile", "show", name); !strings.Contains(r.stdout, "secret: stored in the keychain\n") {
			t.Errorf("profile show %s:\n%s", name, r.stdout)
		}
		s.must("profile", "test", name)
	}

	dir := t.TempDir()
	var files []string
	for i := range 6 {
		files = append(files, writeFile(t, dir, fmt.Sprintf("scan-%d.pdf", i), 3000+500*i))
	}
	signIns := h.Stats().Authenticate
	checkTabLines(t, srv, s.must("upload", "--profile", "Legacy", files[0], files[1]).stdout, files[:2])
	if n := h.Stats().Authenticate - signIns; n != 0 {
		t.Errorf("the upload signed in %d more time(s): the token that profile test cached in the keychain was not reused", n)
	}
	checkTabLines(t, srv, s.must("upload", "--profile", "OAuth", files[2], files[3]).stdout, files[2:4])
	checkTabLines(t, srv, s.must("upload", "--profile", "Token", files[4]).stdout, files[4:5])
	s.must("upload", "--profile", "Legacy", files[0]) // a duplicate
	s.must("upload", "--profile", "Legacy", files[5])

	r = s.must("history")
	if rows := tableRows(t, r.stdout); len(rows) != 7 {
		t.Errorf("history has %d rows, want 7:\n%s", len(rows), r.stdout)
	}
	_, rows := readCSV(t, s.must("history", "--csv", "--columns", strings.Join(app.CSVColumns, ",")).stdout)
	if len(rows) != 7 {
		t.Fatalf("CSV has %d rows, want 7", len(rows))
	}
	s.must("resend", "1")
	s.must("resend", "3")
	// One upload that Redox answers "busy" once, and one it refuses: the log records a retry
	// and a failure, with --verbose detail.
	h.Script(redoxtest.Fault{Status: 503, RetryAfter: "1"})
	s.must("upload", "--verbose", "--profile", "OAuth", writeFile(t, dir, "retried.pdf", 4100))
	h.Script(redoxtest.Fault{Status: 400, Body: `{"error":"bad request"}`, ContentType: "application/json"})
	if r := s.run("upload", "--verbose", "--profile", "Token", writeFile(t, dir, "refused.pdf", 4200)); r.code == exitOK {
		t.Errorf("an upload Redox refused exited 0:\n%s", r.stdout)
	}
	// A misconfigured gateway that echoes each request back in its error reply, Authorization,
	// secret and signed assertion included: for an upload, for a legacy sign-in and for an OAuth
	// one. What the commands print, the history, the log and the diagnostics must hold none of it.
	h.Script(redoxtest.Fault{Echo: true, Status: 400})
	if r := s.run("upload", "--verbose", "--profile", "Token", writeFile(t, dir, "echoed.pdf", 4300)); r.code == exitOK ||
		!strings.Contains(r.stderr, "echoed.pdf") {
		t.Errorf("an upload answered with an echo: exit %d\n%s", r.code, r.stderr)
	}
	for _, name := range []string{"Legacy", "OAuth"} {
		h.ScriptAuth(redoxtest.Fault{Echo: true, Status: 401, ContentType: "application/json"})
		if r := s.run("profile", "test", name); r.code == exitOK {
			t.Errorf("profile test %s answered with an echo exited 0", name)
		}
	}
	if echoes := h.Echoes(); len(echoes) != 3 || !strings.Contains(strings.Join(echoes, ""), canaryToken) {
		t.Errorf("the gateway echoed %d requests; want 3, the upload's carrying the token", len(echoes))
	}
	s.must("history", "--csv")
	s.must("diagnostics")

	// Every token Redox issued, and the ones the keychain holds now.
	issued := tee.issued()
	if len(issued) < 3 { // legacy access + refresh, an OAuth access token at least
		t.Fatalf("only %d tokens were seen on the wire; the tee is not working", len(issued))
	}
	secrets := s.secrets()
	for _, name := range []string{"Legacy", "OAuth"} {
		p, ok := s.savedProfile(name)
		if !ok {
			t.Fatalf("profile %s is gone", name)
		}
		tok, err := secrets.TokenStore(p).LoadToken()
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("no token cached in the keychain for %s (%v)", name, err)
		}
		if !slices.Contains(issued, tok.AccessToken) {
			t.Errorf("the keychain holds a %s token the tee did not see", name)
		}
	}

	needles := secretNeedles(map[string]string{"legacy secret canary": canary, "static token canary": canaryToken,
		"CANARY": "CANARY"}, tee, demo.PrivateKeyPEM)

	// Remove the profiles: their keychain entries go with them.
	for _, name := range []string{"Legacy", "OAuth", "Token"} {
		s.must("profile", "remove", name)
	}
	if out := keychaintest.SecretTool(t, "search", "--all", "service", svc); strings.TrimSpace(out) != "" {
		t.Errorf("profile remove left keychain entries:\n%s", out)
	}

	// Not secret, so the scan must find them: the API key in the settings, a file's base name
	// in the history and the log, the log's words for a retry.
	scanned := scanForNeedles(t, []string{s.home()}, needles, "canary-api-key", "scan-5.pdf", "upload retry scheduled", "refused.pdf",
		"echoed.pdf", "[redacted]")
	for _, name := range []string{"settings.json", "history.db", "history.db-wal", app.LogFileName} {
		if !slices.Contains(scanned, name) {
			t.Errorf("scanned %q; %s was expected among them", scanned, name)
		}
	}
	scanOutputs(t, s.outputs, needles)
	t.Logf("%d commands; scanned %q and their output for %d needles (%d tokens issued)", len(s.outputs)/2, scanned, len(needles), len(issued))
}
