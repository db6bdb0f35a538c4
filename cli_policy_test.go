package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// policyEnv is a command-line environment under the organisation's policy policyJSON, written
// where only this test's user can write it (on CI, root: the policy's administrator).
func policyEnv(t *testing.T, policyJSON string) cliEnv {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("the policy file must belong to root, as on CI; run as root") // app/policy_test.go covers the rules as any user
	}
	dir := filepath.Join(t.TempDir(), "etc")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(policyJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	return cliEnv{policyFile: path}
}

// TestCommandsUnderPolicy: a managed source is listed, set by the organisation, without any
// user action; changing or removing it, adding a source when users may not, and the sandbox
// when it is switched off, are refused with exit status 1 and one plain sentence; diagnostics
// name the policy. A policy that cannot be read is said on standard error, and commands run.
func TestCommandsUnderPolicy(t *testing.T) {
	ctx := t.Context()
	env := policyEnv(t, `{"sources": [{"name": "Radiology", "environment": "Production", "apiKey": "rad-key"}],
		"userSources": false, "sandbox": false}`)
	data := t.TempDir()
	run := func(args ...string) cliResult {
		return runIn(ctx, nil, "", env, append([]string{"--data-dir", data}, args...)...)
	}

	r := run("source", "list")
	if r.code != exitOK || !strings.Contains(lineWith(t, r.stdout, "Radiology"), "organisation") || strings.Contains(r.stdout, "Sandbox") {
		t.Errorf("source list: %d\n%s%s\nwant Radiology set by the organisation, and no Sandbox", r.code, r.stdout, r.stderr)
	}
	file := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"remove the managed source", []string{"source", "remove", "Radiology"}, `The source "Radiology" is set by your organisation`},
		{"replace the managed source", []string{"source", "add", "Radiology", "--api-key", "k", "--replace"}, `The source "Radiology" is set by your organisation`},
		{"add a source", []string{"source", "add", "Mine", "--api-key", "k"}, "Which sources this computer uploads to is set by your organisation"},
		{"upload to the sandbox", []string{"upload", "--sandbox", file}, "Whether the built-in sandbox is offered is set by your organisation"},
	} {
		r := run(tc.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != exitFailed || len(lines) != 1 || !strings.Contains(lines[0], tc.says) {
			t.Errorf("%s: exit %d, said:\n%s\nwant exit 1 and one line saying %q", tc.name, r.code, r.stderr, tc.says)
		}
	}
	if r := run("diagnostics"); !strings.Contains(r.stdout, "Policy: "+env.policyFile) || !strings.Contains(r.stdout, "managed sources: Radiology") {
		t.Errorf("diagnostics do not name the policy and its source:\n%s", r.stdout)
	}

	broken := policyEnv(t, `{"sources": [`)
	r = runIn(ctx, nil, "", broken, "--data-dir", data, "source", "list")
	if r.code != exitOK || !strings.Contains(r.stderr, "could not be read in full") || !strings.Contains(r.stderr, broken.policyFile) {
		t.Errorf("a broken policy: exit %d, said:\n%s\nwant the list, and a warning naming the policy file", r.code, r.stderr)
	}
}

// TestUploadNetworkFlagsUnderPolicy: upload's --proxy cannot send files around the proxy the
// organisation's policy sets: exit status 1 and one plain sentence, and nothing is queued.
func TestUploadNetworkFlagsUnderPolicy(t *testing.T) {
	env := policyEnv(t, `{"sources": [{"name": "Radiology", "environment": "Production", "apiKey": "rad-key"}],
		"proxyMode": "manual", "proxyUrl": "http://proxy.hospital.example:3128"}`)
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runIn(t.Context(), nil, "", env, "--data-dir", data, "upload", "--source", "Radiology", "--proxy", "none", file)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != exitFailed || len(lines) != 1 || !strings.Contains(lines[0], "The proxy is set by your organisation") {
		t.Errorf("upload --proxy none: exit %d, said:\n%s\nwant exit 1 and one line saying the proxy is set by the organisation",
			r.code, r.stderr)
	}
	if r := runIn(t.Context(), nil, "", env, "--data-dir", data, "history"); strings.Contains(r.stdout, "scan.pdf") {
		t.Errorf("the refused upload left a history row:\n%s", r.stdout)
	}
}

// TestWatchUnderPolicy: the watch command keeps what the policy sets for a managed source's
// folders: its settle time cannot be changed with --settle, and its folder cannot be watched
// for another source (the sandbox here), which would send the scans there and move them away.
func TestWatchUnderPolicy(t *testing.T) {
	scans := t.TempDir()
	env := policyEnv(t, `{"sources": [{"name": "Radiology", "environment": "Production", "apiKey": "rad-key",
		"watchFolders": ["`+scans+`"], "settleSeconds": 5}]}`)
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"a shorter settle time", []string{"watch", "--source", "Radiology", "--settle", "0.5"},
			`How long a file must stay unchanged before it is sent to "Radiology" is set by your organisation`},
		{"its folder for the sandbox", []string{"watch", scans, "--sandbox"},
			"The folder " + scans + ` is watched for the source "Radiology" only: this is set by your organisation`},
	} {
		// Bounded: a watch that is not refused would run until cancelled.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		r := runIn(ctx, nil, "", env, append([]string{"--data-dir", data}, tc.args...)...)
		cancel()
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != exitFailed || len(lines) != 1 || !strings.Contains(lines[0], tc.says) {
			t.Errorf("%s: exit %d, said:\n%s\nwant exit 1 and one line saying %q", tc.name, r.code, r.stderr, tc.says)
		}
	}
}
