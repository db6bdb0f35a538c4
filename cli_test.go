package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// cliResult is what one in-process run of the command printed and returned.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command line args in-process with env as its whole environment.
func runCmd(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	return runCmdCtx(t.Context(), t, env, nil, args...)
}

// runCmdCtx is runCmd under ctx, with the client options opts added to ad-hoc uploads.
func runCmdCtx(ctx context.Context, t *testing.T, env map[string]string, opts []client.Option, args ...string) cliResult {
	t.Helper()
	if _, ok := env["REDOX_UPLOADER_HOME"]; !ok { // never the user's own folders
		env = maps.Clone(env)
		if env == nil {
			env = map[string]string{}
		}
		env["REDOX_UPLOADER_HOME"] = t.TempDir()
	}
	return runIn(ctx, env, "", cliEnv{clientOptions: opts}, args...)
}

// runIn runs the command line args in-process under ctx, with env as its whole environment,
// stdin as its standard input, and the window and client options of with.
func runIn(ctx context.Context, env map[string]string, stdin string, with cliEnv, args ...string) cliResult {
	var stdout, stderr bytes.Buffer
	with.stdin, with.stdout, with.stderr = strings.NewReader(stdin), &stdout, &stderr
	with.getenv = func(k string) string { return env[k] }
	code := runCLI(ctx, args, with)
	return cliResult{code, stdout.String(), stderr.String()}
}

// newTestServer starts a Redox stand-in with the demo sources, closed when the test ends.
func newTestServer(t *testing.T) (*redoxtest.Server, redoxtest.Demo) {
	t.Helper()
	s := redoxtest.NewServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	return s, s.AddDemoSources()
}

// newTestServerOnUpload is newTestServer whose first upload request runs onFirstUpload before
// the stand-in handles it.
func newTestServerOnUpload(t *testing.T, onFirstUpload func()) (*redoxtest.Server, redoxtest.Demo) {
	t.Helper()
	h := redoxtest.NewHandler(redoxtest.Config{})
	var once sync.Once
	s := &redoxtest.Server{Handler: h, Server: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/upload" {
			once.Do(onFirstUpload)
		}
		h.ServeHTTP(w, r)
	}))}
	t.Cleanup(s.Close)
	return s, h.AddDemoSources()
}

// newTLSTestServer starts a Redox stand-in on https with the demo sources, whose certificate
// authority nobody trusts, and writes that authority's certificate to a PEM file in dir.
func newTLSTestServer(t *testing.T, dir string) (s *redoxtest.Server, demo redoxtest.Demo, caFile string) {
	t.Helper()
	s = redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	caFile = filepath.Join(dir, "inspecting-firewall.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return s, s.AddDemoSources(), caFile
}

// writeFile creates dir/name holding size bytes that differ from file to file.
func writeFile(t *testing.T, dir, name string, size int) string {
	t.Helper()
	b := bytes.Repeat([]byte(name+"|"), size/(len(name)+1)+1)[:size]
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// lines splits output into its lines, without the final newline.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// serverArgs points an upload at s with the static demo token.
func serverArgs(s *redoxtest.Server, more ...string) []string {
	return append([]string{"upload", "--upload-url", s.UploadURL(), "--api-base", s.APIBase()}, more...)
}

// checkTabLines checks that stdout holds one PATH<TAB>URI line per path, in order, and that
// each URI is one the server issued for that file.
func checkTabLines(t *testing.T, s *redoxtest.Server, stdout string, paths []string) {
	t.Helper()
	byURI := map[string]redoxtest.Upload{}
	for _, u := range s.Uploads() {
		byURI[u.URI] = u
	}
	got := lines(stdout)
	if len(got) != len(paths) {
		t.Fatalf("stdout has %d lines, want %d:\n%s", len(got), len(paths), stdout)
	}
	for i, line := range got {
		path, uri, ok := strings.Cut(line, "\t")
		if !ok || path != paths[i] {
			t.Errorf("line %d = %q, want %q<TAB>URI", i, line, paths[i])
			continue
		}
		u, ok := byURI[uri]
		if !ok {
			t.Errorf("line %d: URI %q is not one the server issued", i, uri)
			continue
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if u.FileName != filepath.Base(path) || u.Size != info.Size() {
			t.Errorf("line %d: URI %q belongs to %s (%d bytes), want %s (%d bytes)",
				i, uri, u.FileName, u.Size, filepath.Base(path), info.Size())
		}
	}
}

// TestUploadPrintsURIsInOrder: the URIs come out in the order the files were given, not in the
// order Redox answered.
func TestUploadPrintsURIsInOrder(t *testing.T) {
	dir := t.TempDir()
	paths := []string{writeFile(t, dir, "big-scan.tiff", 4<<20)}
	const notes = 6
	for i := range notes {
		paths = append(paths, writeFile(t, dir, fmt.Sprintf("note-%d.pdf", i), 1000+i))
	}
	// The first file is answered last, every time: its request (the only one over 1 MiB) waits
	// at the stand-in until the notes are stored.
	h := redoxtest.NewHandler(redoxtest.Config{})
	notesStored := make(chan struct{})
	var stored atomic.Int32
	s := &redoxtest.Server{Handler: h, Server: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/upload" && r.ContentLength > 1<<20 {
			select {
			case <-notesStored:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
		if r.URL.Path == "/upload" && r.ContentLength <= 1<<20 && stored.Add(1) == notes {
			close(notesStored)
		}
	}))}
	t.Cleanup(s.Close)
	demo := h.AddDemoSources()
	r := runCmd(t, map[string]string{"REDOX_ACCESS_TOKEN": demo.Token},
		append(serverArgs(s, "--auth", "token", "--parallel", "4"), paths...)...)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var order []string
	for _, u := range s.Uploads() {
		order = append(order, u.FileName)
	}
	if len(order) != len(paths) || order[len(order)-1] != "big-scan.tiff" {
		t.Fatalf("the stand-in stored %v: the big file must be stored last for the test to mean anything", order)
	}
	checkTabLines(t, s, r.stdout, paths)
}

func TestUploadMissingFile(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	first, last := writeFile(t, dir, "first.pdf", 2000), writeFile(t, dir, "last.pdf", 3000)
	missing := filepath.Join(dir, "gone.pdf")
	r := runCmd(t, map[string]string{"REDOX_ACCESS_TOKEN": demo.Token},
		append(serverArgs(s, "--auth", "token"), first, missing, last)...)
	if r.code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitFailed, r.stderr)
	}
	checkTabLines(t, s, r.stdout, []string{first, last})
	errLines := lines(r.stderr)
	if len(errLines) == 0 {
		t.Fatal("nothing on stderr")
	}
	msg, ok := strings.CutPrefix(errLines[0], missing+": ")
	if !ok || !strings.Contains(msg, "could not be found") {
		t.Errorf("stderr's first line = %q, want %q: a plain message", errLines[0], missing)
	}
	if strings.Contains(msg, "no such file") || strings.Contains(msg, "stat ") {
		t.Errorf("the message on the PATH line is technical: %q", msg)
	}
}

func TestUploadJSON(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "report.pdf", 5000)
	missing := filepath.Join(dir, "gone.pdf")
	r := runCmd(t, map[string]string{"REDOX_ACCESS_TOKEN": demo.Token},
		append(serverArgs(s, "--auth", "token", "--json"), good, missing)...)
	if r.code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitFailed, r.stderr)
	}
	type outcome struct {
		Path      string `json:"path"`
		URI       string `json:"uri"`
		Attempts  *int   `json:"attempts"`
		Error     string `json:"error"`
		ErrorKind string `json:"error_kind"`
	}
	var got []outcome
	for i, line := range lines(r.stdout) {
		var o outcome
		dec := json.NewDecoder(strings.NewReader(line))
		if err := dec.Decode(&o); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON object (%v): %q", i, err, line)
		}
		got = append(got, o)
	}
	if len(got) != 2 {
		t.Fatalf("%d JSON lines, want 2:\n%s", len(got), r.stdout)
	}
	ups := s.Uploads()
	if o := got[0]; o.Path != good || len(ups) != 1 || o.URI != ups[0].URI || o.Attempts == nil || *o.Attempts != 1 ||
		o.Error != "" || o.ErrorKind != "" {
		t.Errorf("success line = %+v, want path %q, uri of the server's record, attempts 1, no error", o, good)
	}
	if o := got[1]; o.Path != missing || o.URI != "" || o.Attempts == nil || o.Error == "" ||
		o.ErrorKind != client.KindFile.String() {
		t.Errorf("failure line = %+v, want path %q, an error and error_kind %q", o, missing, client.KindFile)
	}
}

func TestUploadAuthMethods(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, demo.PrivateKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	paths := []string{writeFile(t, dir, "a.pdf", 3000), writeFile(t, dir, "b.pdf", 4000), writeFile(t, dir, "c.pdf", 5000)}
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		signIns   func(redoxtest.Stats) int
		wantSigns int
	}{
		{"legacy", []string{"--auth", "legacy", "--api-key", demo.APIKey},
			map[string]string{"REDOX_API_SECRET": demo.Secret},
			func(st redoxtest.Stats) int { return st.Authenticate }, 1},
		{"legacy guessed from --api-key", []string{"--api-key", demo.APIKey},
			map[string]string{"REDOX_API_SECRET": demo.Secret},
			func(st redoxtest.Stats) int { return st.Authenticate }, 1},
		{"oauth", []string{"--auth", "oauth", "--client-id", demo.ClientID, "--key-id", demo.KeyID, "--private-key", keyFile},
			nil, func(st redoxtest.Stats) int { return st.OAuthToken }, 1},
		{"token", []string{"--auth", "token"},
			map[string]string{"REDOX_ACCESS_TOKEN": demo.Token},
			func(st redoxtest.Stats) int { return st.Authenticate + st.Refresh + st.OAuthToken }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Stats()
			r := runCmd(t, tt.env, append(serverArgs(s, tt.args...), paths...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			checkTabLines(t, s, r.stdout, paths)
			after := s.Stats()
			if n := tt.signIns(after) - tt.signIns(before); n != tt.wantSigns {
				t.Errorf("%d sign-in requests for %d files, want %d", n, len(paths), tt.wantSigns)
			}
			if n := after.Uploaded - before.Uploaded; n != len(paths) {
				t.Errorf("server stored %d files, want %d", n, len(paths))
			}
			for _, u := range s.Uploads()[before.Uploaded:] {
				if u.Source != demo.Source {
					t.Errorf("%s uploaded as source %q, want %q", u.FileName, u.Source, demo.Source)
				}
			}
		})
	}
}

func TestUploadUsageErrors(t *testing.T) {
	s, demo := newTestServer(t)
	file := writeFile(t, t.TempDir(), "a.pdf", 100)
	token := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // in stderr
	}{
		{"no files", serverArgs(s, "--auth", "token"), token, "at least one file"},
		{"bad --auth", serverArgs(s, "--auth", "kerberos", file), token, `"kerberos"`},
		{"no way to sign in", serverArgs(s, file), nil, "how to sign in"},
		{"legacy without the secret", serverArgs(s, "--auth", "legacy", "--api-key", demo.APIKey, file), token, "REDOX_API_SECRET"},
		{"legacy without the key", serverArgs(s, "--auth", "legacy", file), map[string]string{"REDOX_API_SECRET": demo.Secret}, "--api-key"},
		{"oauth without a key file", serverArgs(s, "--auth", "oauth", "--client-id", demo.ClientID, file), nil, "--private-key"},
		{"token without the variable", serverArgs(s, "--auth", "token", file), nil, "REDOX_ACCESS_TOKEN"},
		{"token of two words", serverArgs(s, "--auth", "token", file), map[string]string{"REDOX_ACCESS_TOKEN": "two words"},
			"$REDOX_ACCESS_TOKEN: The access token must be one word"},
		{"a key file without a key", serverArgs(s, "--auth", "oauth", "--client-id", demo.ClientID, "--key-id", demo.KeyID,
			"--private-key", file, file), nil, "--private-key: The private key cannot be used"},
		{"--parallel 0", serverArgs(s, "--auth", "token", "--parallel", "0", file), token, "--parallel"},
		{"--max-size 0", serverArgs(s, "--auth", "token", "--max-size", "0", file), token, "size limit"},
		{"http to another host", []string{"upload", "--upload-url", "http://example.com/upload", "--api-base", s.APIBase(),
			"--auth", "token", file}, token, "https"},
		{"http API base to another host", []string{"upload", "--upload-url", s.UploadURL(), "--api-base", "http://example.com",
			"--auth", "token", file}, token, "https"},
		{"unknown flag", serverArgs(s, "--auth", "token", "--colour", file), token, "colour"},
		{"sandbox argument", []string{"sandbox", "extra"}, nil, `"extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.env, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr does not mention %q:\n%s", tt.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
	if st := s.Stats(); st != (redoxtest.Stats{}) {
		t.Errorf("the server was contacted by a command line that was wrong: %+v", st)
	}
}

func TestUploadOverMaxSize(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	small, big := writeFile(t, dir, "small.pdf", 500), writeFile(t, dir, "big.pdf", 5000)
	r := runCmd(t, map[string]string{"REDOX_API_SECRET": demo.Secret},
		append(serverArgs(s, "--api-key", demo.APIKey, "--max-size", "1000"), big)...)
	if r.code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitFailed, r.stderr)
	}
	first := lines(r.stderr)[0]
	for _, want := range []string{big + ": ", client.HumanSize(5000), client.HumanSize(1000)} {
		if !strings.Contains(first, want) {
			t.Errorf("stderr's first line does not name %q: %q", want, first)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	if st := s.Stats(); st.UploadRequests != 0 {
		t.Errorf("the server saw %d upload requests, want none", st.UploadRequests)
	}

	// A file within the limit still goes.
	r = runCmd(t, map[string]string{"REDOX_API_SECRET": demo.Secret},
		append(serverArgs(s, "--api-key", demo.APIKey, "--max-size", "1000"), small)...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	checkTabLines(t, s, r.stdout, []string{small})
}

func TestUploadNeverPrintsSecrets(t *testing.T) {
	const (
		canarySecret = "CANARY-secret-4f1c9d"
		canaryToken  = "CANARY-token-8b2e7a"
		wrongSecret  = "CANARY-wrong-secret-77d0"
		wrongToken   = "CANARY-wrong-token-31aa"
	)
	s, _ := newTestServer(t)
	s.AddLegacySource("canary", "canary-key", canarySecret)
	s.AddStaticToken("canary", canaryToken, time.Time{})
	dir := t.TempDir()
	good, missing := writeFile(t, dir, "a.pdf", 2000), filepath.Join(dir, "gone.pdf")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
	}{
		{"legacy", serverArgs(s, "--api-key", "canary-key", good, missing),
			map[string]string{"REDOX_API_SECRET": canarySecret}, exitFailed},
		{"legacy refused", serverArgs(s, "--api-key", "canary-key", good),
			map[string]string{"REDOX_API_SECRET": wrongSecret}, exitFailed},
		{"token", serverArgs(s, "--auth", "token", "--json", good, missing),
			map[string]string{"REDOX_ACCESS_TOKEN": canaryToken}, exitFailed},
		{"token refused", serverArgs(s, "--auth", "token", "--json", good),
			map[string]string{"REDOX_ACCESS_TOKEN": wrongToken}, exitFailed},
		{"usage error", serverArgs(s, "--auth", "legacy", good),
			map[string]string{"REDOX_API_SECRET": canarySecret, "REDOX_ACCESS_TOKEN": canaryToken}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.env, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			for _, out := range []string{r.stdout, r.stderr} {
				for _, secret := range []string{"CANARY", "Bearer", "Authorization"} {
					if strings.Contains(out, secret) {
						t.Errorf("output shows %q:\n%s", secret, out)
					}
				}
			}
		})
	}
}

func TestUploadSandboxFlag(t *testing.T) {
	file := writeFile(t, t.TempDir(), "consent.pdf", 3000)
	r := runCmd(t, nil, "upload", "--sandbox", file)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(file) + "\thttp://127\\.0\\.0\\.1:\\d+/blob/\\S+\n$").MatchString(r.stdout) {
		t.Errorf("stdout = %q, want one PATH<TAB>URI line with a sandbox URI", r.stdout)
	}
}

// TestUploadFlagsAfterFiles: a flag written after the files is a flag, not a file: 'upload
// FILE --sandbox' uploads to the sandbox (it once sent FILE to Redox, and "--sandbox" was a
// missing file), and --data-dir after them keeps the history there. After "--" a name that
// starts with a dash is a file.
func TestUploadFlagsAfterFiles(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	file := writeFile(t, dir, "consent.pdf", 3000)
	dashed := writeFile(t, dir, "-ward.pdf", 2000)
	r := runCmd(t, nil, "upload", file, "--data-dir", data, "--sandbox", "--", dashed)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitOK || len(lines) != 2 || !strings.Contains(lines[0], file+"\thttp://127.0.0.1:") ||
		!strings.Contains(lines[1], dashed+"\thttp://127.0.0.1:") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s\nwant both files uploaded to the sandbox", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "history.db")); err != nil {
		t.Errorf("--data-dir after the files: no history in it (%v)", err)
	}
}

// TestUploadConnectionFlagsNeedTheirOwnSource: --max-size and the other flags that set up a
// source of the command line's own are refused, not ignored, with --sandbox or --source: a test
// of the size limit against the sandbox must not pass because the limit was never applied.
func TestUploadConnectionFlagsNeedTheirOwnSource(t *testing.T) {
	file := writeFile(t, t.TempDir(), "scan.pdf", 3000)
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--max-size", []string{"upload", "--sandbox", "--max-size", "2000", file}},
		{"--upload-url", []string{"upload", "--source", "Radiology", "--upload-url", "https://blob.example.org/upload", file}},
	} {
		r := runCmd(t, nil, tc.args...)
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "Leave "+tc.flag+" out.") {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s\nwant exit 2 naming %s, nothing uploaded", tc.args, r.code, r.stdout, r.stderr, tc.flag)
		}
	}
}

// TestUploadFolderPrintsPathsAsGiven: the files of a folder named on the command line are
// printed under the folder as it was written (relative stays relative), as the files named are,
// so a script can match its input to the output.
func TestUploadFolderPrintsPathsAsGiven(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("scans", 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, "scans", "a.pdf", 1000)
	writeFile(t, ".", "b.pdf", 2000)
	r := runCmd(t, nil, "upload", "--sandbox", "scans", "b.pdf")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, filepath.Join("scans", "a.pdf")+"\t") ||
		!strings.Contains(r.stdout, "\nb.pdf\t") {
		t.Errorf("exit %d, stdout:\n%s\nwant scans/a.pdf and b.pdf as written; stderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestSandboxRefusesNonLoopbackAddress(t *testing.T) {
	r := runCmd(t, nil, "sandbox", "--addr", "0.0.0.0:0")
	if r.code != exitFailed {
		t.Errorf("exit %d, want %d", r.code, exitFailed)
	}
	if !strings.Contains(r.stderr, "only listens on this computer") {
		t.Errorf("stderr does not explain the refusal:\n%s", r.stderr)
	}
}

// bannerWriter collects output and closes ready once the text holds marker.
type bannerWriter struct {
	marker string
	ready  chan struct{}

	mu   sync.Mutex
	buf  bytes.Buffer
	seen bool
}

func newBannerWriter(marker string) *bannerWriter {
	return &bannerWriter{marker: marker, ready: make(chan struct{})}
}

func (w *bannerWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if !w.seen && strings.Contains(w.buf.String(), w.marker) {
		w.seen = true
		close(w.ready)
	}
	return n, err
}

func (w *bannerWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout := newBannerWriter("Press Ctrl+C to stop.")
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runCLI(ctx, []string{"sandbox"}, cliEnv{stdin: strings.NewReader(""), stdout: stdout, stderr: &stderr,
			getenv: func(string) string { return "" }})
	}()
	select {
	case <-stdout.ready:
	case code := <-done:
		t.Fatalf("the sandbox returned %d before printing its banner; stderr:\n%s", code, stderr.String())
	case <-time.After(5 * time.Second):
		t.Fatalf("no banner after 5 s; stdout so far:\n%s", stdout.String())
	}

	banner := stdout.String()
	field := func(re string) string {
		t.Helper()
		m := regexp.MustCompile(re).FindStringSubmatch(banner)
		if m == nil {
			t.Fatalf("the banner has no match for %s:\n%s", re, banner)
		}
		return m[1]
	}
	uploadURL := field(`upload URL +(http://127\.0\.0\.1:\d+/upload)\n`)
	apiBase := field(`API base +(http://127\.0\.0\.1:\d+)\n`)
	apiKey := field(`--api-key (\S+) `)
	secret := field(`REDOX_API_SECRET=(\S+)`)

	file := writeFile(t, t.TempDir(), "discharge.pdf", 4000)
	r := runCmd(t, map[string]string{"REDOX_API_SECRET": secret},
		"upload", "--upload-url", uploadURL, "--api-base", apiBase, "--api-key", apiKey, file)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, file+"\t"+apiBase+"/blob/") {
		t.Errorf("upload to the sandbox: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("the sandbox returned %d after cancel, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the sandbox did not stop within 5 s of cancel")
	}
	if !strings.Contains(stdout.String(), "Sandbox stopped after 1 upload(s).") {
		t.Errorf("no closing line counting the upload:\n%s", stdout.String())
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"help", "-h", "--help"} {
		r := runCmd(t, nil, arg)
		if r.code != exitOK || !strings.Contains(r.stdout, "upload") || !strings.Contains(r.stdout, "sandbox") {
			t.Errorf("%s: exit %d, stdout:\n%s", arg, r.code, r.stdout)
		}
	}
}

// TestUploadWebAddressAndFileURI: a web address given as a file is refused before anything is
// opened (it left a failed row "could not be found" in the history); a file:// URI, as a file
// manager copies a file, is uploaded as the file it names.
func TestUploadWebAddressAndFileURI(t *testing.T) {
	data := t.TempDir()
	r := runCmd(t, nil, "upload", "--sandbox", "--data-dir", data, "https://example.org/results/Doe%20Jane.pdf")
	if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "is a web address, not a file on this computer") {
		t.Errorf("web address: exit %d, stdout %q, stderr:\n%s\nwant exit 2 saying it is a web address", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "history.db")); !os.IsNotExist(err) {
		t.Errorf("the web address was refused after the history was opened (%v)", err)
	}

	file := writeFile(t, t.TempDir(), "Scan 12 March.pdf", 3000)
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()
	r = runCmd(t, nil, "upload", "--sandbox", "--data-dir", data, uri)
	if r.code != exitOK || !strings.Contains(r.stdout, "\thttp://127.0.0.1:") {
		t.Errorf("file URI %s: exit %d, stdout %q, stderr:\n%s\nwant it uploaded", uri, r.code, r.stdout, r.stderr)
	}
}
