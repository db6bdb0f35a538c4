package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"redoxuploader/app"
)

// TestUploadCAFileFlag: a TLS stand-in signed by a test CA is refused until --ca-file trusts it.
func TestUploadCAFileFlag(t *testing.T) {
	dir := t.TempDir()
	s, demo, ca := newTLSTestServer(t, dir)
	file := writeFile(t, dir, "scan.pdf", 2048)
	env := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token, "REDOX_UPLOADER_HOME": t.TempDir()}

	r := runCmd(t, env, serverArgs(s, "--auth", "token", file)...)
	if r.code != exitFailed || !strings.Contains(r.stderr, "--ca-file FILE trusts") || strings.Contains(r.stderr, "Settings") {
		t.Errorf("untrusted: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = runCmd(t, env, serverArgs(s, "--auth", "token", "--proxy", "none", "--ca-file", ca, file)...)
	if r.code != exitOK || !strings.Contains(r.stdout, s.URL+"/blob/") {
		t.Errorf("with --ca-file: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{serverArgs(s, "--auth", "token", "--proxy", "socks5://proxy:1080", file), "--proxy"},
		{serverArgs(s, "--auth", "token", "--proxy", "http://u:pw@proxy:8080", file), "password"},
		{serverArgs(s, "--auth", "token", "--ca-file", filepath.Join(dir, "gone.pem"), file), "--ca-file"},
		{[]string{"upload", "--sandbox", "--proxy", "none", file}, "--sandbox"},
		{serverArgs(s, "--auth", "token", "--stall-timeout", "5", file), "--stall-timeout"},
		{[]string{"upload", "--sandbox", "--stall-timeout", "120", file}, "--sandbox"},
	} {
		r := runCmd(t, env, tt.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, ":pw@") {
			t.Errorf("%q: exit %d, want %d and %q; stderr:\n%s", tt.args, r.code, exitUsage, tt.want, r.stderr)
		}
	}
}

// TestStallTimeoutFlag: --stall-timeout puts its seconds over the saved setting for one run,
// and the client built with the run's options waits that long for a stalled transfer.
func TestStallTimeoutFlag(t *testing.T) {
	flags := networkFlags{stallSeconds: 120}
	ns, err := flags.apply(app.NetworkSettings{StallSeconds: 30})
	if err != nil || ns.StallSeconds != 120 {
		t.Fatalf("apply = %+v, %v; want 120 s", ns, err)
	}
	p := app.NewProfile("Radiology")
	p.Auth = app.AuthToken
	env := cliEnv{getenv: func(string) string { return "" }}
	c, err := app.NewClient(p, app.WithSecret("t"), app.WithNetwork(app.NetworkSettings{StallSeconds: 30}), flags.clientOption(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.StallTimeout() != 2*time.Minute {
		t.Errorf("the client waits %v for a stalled transfer, want 2m0s", c.StallTimeout())
	}
}
