package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// quickRetries makes an ad-hoc upload retry at once instead of after about a second.
var quickRetries = []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 4,
	BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxTotalWait: time.Second})}

// TestUploadSaysARetryIsComing: a 503 is retried, and standard error says so, when and why,
// before the URI arrives.
func TestUploadSaysARetryIsComing(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	writeFile(t, dir, "scan.pdf", 3000)
	t.Chdir(dir)
	s.Script(redoxtest.Fault{Status: 503, Body: "<html>busy</html>"})
	r := runCmdCtx(t.Context(), t, map[string]string{"REDOX_ACCESS_TOKEN": demo.Token}, quickRetries,
		append(serverArgs(s, "--auth", "token"), "scan.pdf")...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if want := "scan.pdf: Redox had a problem on its side (error 503). Trying again in 1 s (attempt 2 of 4).\n"; r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
	checkTabLines(t, s, r.stdout, []string{"scan.pdf"})
}

// TestUploadCancelledPrintsNoEmptyDetail: Ctrl+C during an upload prints the file and that it
// was cancelled, and no detail line "()".
func TestUploadCancelledPrintsNoEmptyDetail(t *testing.T) {
	started := make(chan struct{})
	s, demo := newTestServerOnUpload(t, func() { close(started) })
	s.Script(redoxtest.Fault{Hang: true})
	file := writeFile(t, t.TempDir(), "consent.pdf", 3000)
	env := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token, "REDOX_UPLOADER_HOME": t.TempDir()}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan cliResult, 1)
	go func() { done <- runCmdCtx(ctx, t, env, nil, append(serverArgs(s, "--auth", "token"), file)...) }()
	select {
	case <-started:
	case r := <-done:
		t.Fatalf("the upload ended before reaching the server: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	cancel() // Ctrl+C
	r := <-done
	if r.code != exitFailed || r.stdout != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitFailed)
	}
	got := lines(r.stderr)
	if len(got) != 1 || !strings.HasPrefix(got[0], file+": ") || !strings.Contains(got[0], "Cancelled") {
		t.Errorf("stderr = %q, want one line: the file and that it was cancelled", r.stderr)
	}
	if strings.Contains(r.stderr, "()") {
		t.Errorf("stderr holds an empty detail line:\n%s", r.stderr)
	}
}

// TestUploadAdHocMaxSizeNamesTheFlag: a --max-size over the limit names the flag, not a
// "profile" the user never saved.
func TestUploadAdHocMaxSizeNamesTheFlag(t *testing.T) {
	s, demo := newTestServer(t)
	file := writeFile(t, t.TempDir(), "scan.pdf", 100)
	r := runCmd(t, map[string]string{"REDOX_ACCESS_TOKEN": demo.Token}, append(serverArgs(s, "--auth", "token", "--max-size", "40000000"), file)...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "upload: --max-size: Set a size limit above 0 and at most 30 MiB") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(strings.ToLower(r.stderr), "profile") {
		t.Errorf("the message speaks of a profile:\n%s", r.stderr)
	}
}
