package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"redoxuploader/app"
)

// lineWriter is an output that tells, once, when a line holding want has been written.
type lineWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
}

func newLineWriter(want string) *lineWriter {
	return &lineWriter{want: want, seen: make(chan struct{})}
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wasSeen := strings.Contains(w.buf.String(), w.want)
	w.buf.Write(p)
	if !wasSeen && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// saveWatchingSource saves, in the data folder data, the source name uploading to the
// stand-in with the watched folders given and a settle time of settle seconds, its secret in
// the (mock) keychain service.
func saveWatchingSource(t *testing.T, data, service, name string, settle int, folders ...string) {
	t.Helper()
	server, demo := newTestServer(t)
	core, err := app.Open(app.PathsIn(data), app.Options{KeychainService: service})
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close(t.Context())
	p := app.NewProfile(name)
	p.APIKey, p.UploadURL, p.APIBase, p.WatchFolders, p.SettleSeconds = demo.APIKey, server.UploadURL(), server.APIBase(), folders, settle
	if _, err := core.SaveProfile(p, app.SaveProfileOptions{Secret: demo.Secret}); err != nil {
		t.Fatal(err)
	}
}

// TestWatchSourceFolders: 'watch --source NAME' without folders watches the source's own
// watched folders with the source's settle time (what a service run for a managed source
// does): a file dropped into one is uploaded, and the command stops cleanly when cancelled.
// A source with no watched folders is refused, saying how to name or set them, and so is a
// folder another source watches: each file would be sent to both.
func TestWatchSourceFolders(t *testing.T) {
	service := mockKeychain(t)
	data, scans := t.TempDir(), t.TempDir()
	saveWatchingSource(t, data, service, "Radiology", 1, scans)
	saveWatchingSource(t, data, service, "Ward 7", 0)
	env := map[string]string{"REDOX_UPLOADER_KEYCHAIN_SERVICE": service}

	r := runIn(t.Context(), env, "", cliEnv{}, "watch", "--data-dir", data, "--source", "Ward 7")
	if r.code != exitUsage || !strings.Contains(r.stderr, `the source "Ward 7" has no watched folders`) ||
		!strings.Contains(r.stderr, "watch --source NAME DIR") {
		t.Errorf("watching a source without folders: exit %d, said:\n%s\nwant a usage error saying how to name them", r.code, r.stderr)
	}

	// Bounded: a watch that is not refused would run until cancelled.
	bounded, stop := context.WithTimeout(t.Context(), 10*time.Second)
	r = runIn(bounded, env, "", cliEnv{}, "watch", "--data-dir", data, "--source", "Ward 7", scans)
	stop()
	if r.code != exitFailed || !strings.Contains(r.stderr, "The folder "+scans+` is watched for the source "Radiology"`) {
		t.Errorf("watching Radiology's folder for Ward 7: exit %d, said:\n%s\nwant it refused, naming Radiology", r.code, r.stderr)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout, stderr := newLineWriter("  consent.pdf  uploaded  "), newLineWriter("Watching 1 folder(s)")
	done := make(chan int, 1)
	go func() {
		done <- runCLI(ctx, []string{"watch", "--data-dir", data, "--source", "Radiology", "--rescan", "0.1"},
			cliEnv{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(k string) string { return env[k] }})
	}()
	select {
	case <-stderr.seen:
	case code := <-done:
		t.Fatalf("watch ended with %d before watching; said:\n%s", code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("watch did not start in 30 s; said:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), `Watching 1 folder(s) for "Radiology"; a file is sent once unchanged for 1 s.`) {
		t.Errorf("watch said:\n%s\nwant it watching the source's one folder with the source's settle time, 1 s", stderr.String())
	}
	if err := os.WriteFile(filepath.Join(scans, "consent.pdf"), []byte("%PDF-1.4 consent"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stdout.seen:
	case code := <-done:
		t.Fatalf("watch ended with %d before the upload; printed:\n%s%s", code, stdout.String(), stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the file in the source's folder was not uploaded in 30 s; printed:\n%s%s", stdout.String(), stderr.String())
	}
	movedTo := filepath.Join(app.WatchUploadedFolder, time.Now().Format("2006-01-02"), "consent.pdf")
	if !strings.Contains(stdout.String(), "  → "+movedTo) {
		t.Errorf("watch printed:\n%s\nwant the line to say where the file was moved: → %s", stdout.String(), movedTo)
	}
	cancel()
	if code := <-done; code != exitOK || !strings.Contains(stderr.String(), "Stopped watching.") {
		t.Errorf("watch ended with %d after cancel, said:\n%s\nwant 0 and that it stopped", code, stderr.String())
	}
}
