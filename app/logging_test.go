package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
	"redoxuploader/internal/visible"
)

func TestRotatingFileRotatesBySize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "test.log")
	const maxSize, keep = 1000, 3
	rf, err := OpenRotatingFile(path, maxSize, keep)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 99) + "\n") // 100 bytes: ten fit in a file
	for i := 0; i < 65; i++ {
		if _, err := rf.Write(line); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := rf.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{path: 500, path + ".1": 1000, path + ".2": 1000, path + ".3": 1000}
	for p, size := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if fi.Size() != size {
			t.Errorf("%s is %d bytes, want %d", filepath.Base(p), fi.Size(), size)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if _, err := os.Stat(path + ".4"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a fourth old file exists: %v", err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("log folder: %v, %v; want mode 0700", fi.Mode().Perm(), err)
	}
	if _, err := rf.Write(line); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after Close = %v, want ErrClosed", err)
	}
}

func TestRotatingFileReopensAndContinues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.log")
	if err := os.WriteFile(path, bytes.Repeat([]byte("a"), 900), 0o644); err != nil {
		t.Fatal(err)
	}
	rf, err := OpenRotatingFile(path, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("existing file keeps mode %v, want 0600", fi.Mode().Perm())
		}
	}
	rf.Write(bytes.Repeat([]byte("b"), 200)) // 1100 > 1000: rotates first
	if data, _ := os.ReadFile(path + ".1"); len(data) != 900 {
		t.Errorf(".1 has %d bytes, want the 900 written before", len(data))
	}
	if data, _ := os.ReadFile(path); string(data) != strings.Repeat("b", 200) {
		t.Errorf("current file has %q", data)
	}
}

// TestRotatingFileConcurrentWriters writes JSON lines from many goroutines through slog (run it
// with -race): every line arrives whole, no file passes the cap, and none is lost beyond the
// kept files.
func TestRotatingFileConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.log")
	const maxSize, keep = 4096, 50
	rf, err := OpenRotatingFile(path, maxSize, keep)
	if err != nil {
		t.Fatal(err)
	}
	log := NewLogger(rf, false)
	const writers, each = 8, 100
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				log.Info("line", "writer", w, "i", i)
			}
		})
	}
	wg.Wait()
	rf.Close()
	files, _ := filepath.Glob(path + "*")
	lines := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > maxSize {
			t.Errorf("%s is %d bytes, over the %d cap", filepath.Base(f), len(data), maxSize)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s: a broken line %q: %v", filepath.Base(f), sc.Text(), err)
			}
			lines++
		}
	}
	if len(files) < 3 {
		t.Errorf("only %d files: no rotation happened", len(files))
	}
	if lines != writers*each {
		t.Errorf("%d lines in the files, want %d", lines, writers*each)
	}
}

func TestRedactingHandlerMasksSecretKeys(t *testing.T) {
	const canary = "CANARY-s3cr3t-value"
	var buf bytes.Buffer
	log := NewLogger(&buf, true)
	log = log.With("apiSecret", canary, "profile", "Radiology")
	log.WithGroup("auth").Info("event",
		"secret", canary, "Token", canary, "access_token", canary, "Authorization", "Bearer "+canary,
		"proxyPassword", canary, "privateKey", canary,
		slog.Group("nested", "refreshToken", canary, "kind", "network"),
		"detail", "request had Authorization: Bearer "+canary+" attached",
		"err", fmt.Errorf("sent bearer %s", canary),
		"apiKey", "public-key-id", "file", "report.pdf")
	out := buf.String()
	if strings.Contains(out, canary) {
		t.Fatalf("the canary leaked into the log:\n%s", out)
	}
	for _, want := range []string{`"apiKey":"public-key-id"`, `"file":"report.pdf"`, `"profile":"Radiology"`,
		`"kind":"network"`, `"secret":"[REDACTED]"`, `Bearer [REDACTED] attached`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

// TestLoggerShowsHiddenCharacters: a name whose right-to-left override makes it read as
// another ("rtl\u202efdp.exe" shows as "rtlexe.pdf") is written with the character escaped,
// and the line still decodes to the true name.
func TestLoggerShowsHiddenCharacters(t *testing.T) {
	var buf bytes.Buffer
	NewLogger(&buf, false).Info("upload finished \u2066", "file", "rtl\u202efdp.exe", "profile", "Main\u200b",
		"err", errors.New("rtl\u202efdp.exe: gone"), "tag", "x\U000E0041")
	out := buf.String()
	if i := strings.IndexFunc(out, func(r rune) bool { return r != '\n' && visible.Hidden(r) }); i >= 0 {
		t.Errorf("the log holds a hidden character at byte %d:\n%s", i, out)
	}
	for _, want := range []string{`"file":"rtl\u202efdp.exe"`, `"profile":"Main\u200b"`, `"msg":"upload finished \u2066"`, `"tag":"x\udb40\udc41"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line["file"] != "rtl\u202efdp.exe" {
		t.Errorf("the line decodes to %v (%v), want the true name", line, err)
	}
}

func TestNewLoggerLevel(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		var buf bytes.Buffer
		log := NewLogger(&buf, verbose)
		log.Debug("debug line")
		log.Info("info line")
		if got := strings.Contains(buf.String(), "debug line"); got != verbose {
			t.Errorf("verbose %v: debug written = %v", verbose, got)
		}
		if !strings.Contains(buf.String(), "info line") {
			t.Errorf("verbose %v: info line missing", verbose)
		}
	}
}

func TestWithoutPath(t *testing.T) {
	path := filepath.Join(string(filepath.Separator)+"patients", "Jane Doe MRN123", "scan.pdf")
	got := withoutPath("read "+path+": input/output error; folder "+filepath.Dir(path), path)
	if strings.Contains(got, "Jane Doe") || !strings.Contains(got, "read scan.pdf: input/output error") {
		t.Errorf("withoutPath = %q", got)
	}
}

// coreRig is a Core with logging on, a saved legacy profile whose canary secret is in the
// (mock) keychain, pointed at a stand-in.
type coreRig struct {
	core    *Core
	server  *redoxtest.Server
	demo    redoxtest.Demo
	profile Profile
}

func newCoreRig(t *testing.T) *coreRig {
	t.Helper()
	keyring.MockInit()
	r := &coreRig{server: redoxtest.NewServer(redoxtest.Config{})}
	t.Cleanup(r.server.Close)
	r.demo = r.server.AddDemoSources()
	// The keychain's client, with quick retries so the test need not wait seconds.
	quick := WithClientOptions(client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 4,
		BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxTotalWait: time.Second}))
	core, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-logging-test", Logging: true, Verbose: true,
		ClientOptions: []ClientOption{quick}})
	if err != nil {
		t.Fatal(err)
	}
	r.core = core
	t.Cleanup(func() { core.Close(t.Context()) })
	r.profile = secretsTestProfile("Radiology Night Desk", AuthLegacy, r.server, r.demo)
	st := DefaultSettings()
	if err := st.PutProfile(r.profile); err != nil {
		t.Fatal(err)
	}
	st.Network = NetworkSettings{ProxyMode: ProxyNone}
	if err := core.Settings.Save(st); err != nil {
		t.Fatal(err)
	}
	if err := core.Secrets.SetSecret(r.profile, r.demo.Secret); err != nil {
		t.Fatal(err)
	}
	return r
}

// upload submits paths and waits until every row is final.
func (r *coreRig) upload(t *testing.T, paths ...string) []int64 {
	t.Helper()
	sub := r.core.Queue.Subscribe()
	defer sub.Close()
	res, err := r.core.Queue.Submit(t.Context(), r.profile, paths, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFinalOn(t, sub, res.IDs...)
	return res.IDs
}

// patientFile writes a file in a folder whose name identifies a patient.
func patientFile(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "Jane-Doe-MRN-4471")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("%PDF-1.4 discharge summary\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestQueueLogsUploadsWithoutSecrets(t *testing.T) {
	r := newCoreRig(t)
	r.server.Script(redoxtest.Fault{Status: 503})
	path := patientFile(t, "discharge.pdf")
	missing := filepath.Join(filepath.Dir(path), "gone.pdf")
	ids := r.upload(t, path, missing)
	tok, err := r.core.Secrets.TokenStore(r.profile).LoadToken()
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("no token was cached: %v", err)
	}
	if err := r.core.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(filepath.Join(r.core.LogDir(), LogFileName))
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	t.Log(log)
	for what, secret := range map[string]string{"the secret": r.demo.Secret, "the access token": tok.AccessToken,
		"the refresh token": tok.RefreshToken, "the full path": path, "the patient's folder": "Jane-Doe-MRN-4471"} {
		if secret != "" && strings.Contains(log, secret) {
			t.Errorf("the log contains %s:\n%s", what, log)
		}
	}
	type line struct {
		Msg, File, Status, ErrorKind string
		Row                          int64
		Attempt, HTTPStatus          int
	}
	var lines []line
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		l := line{Msg: str(raw["msg"]), File: str(raw["file"]), Status: str(raw["status"]), ErrorKind: str(raw["error_kind"])}
		l.Row, l.Attempt, l.HTTPStatus = int64(num(raw["row"])), int(num(raw["attempt"])), int(num(raw["http_status"]))
		lines = append(lines, l)
	}
	has := func(want line) bool {
		for _, l := range lines {
			if l == want {
				return true
			}
		}
		return false
	}
	for _, want := range []line{
		{Msg: "upload started", File: "discharge.pdf", Row: ids[0]},
		{Msg: "upload retry scheduled", File: "discharge.pdf", Row: ids[0], Attempt: 2, ErrorKind: "server", HTTPStatus: 503},
		{Msg: "upload finished", File: "discharge.pdf", Row: ids[0], Status: "done", HTTPStatus: 201},
		{Msg: "upload finished", File: "gone.pdf", Row: ids[1], Status: "failed", ErrorKind: "file"},
	} {
		if !has(want) {
			t.Errorf("no log line %+v in:\n%s", want, log)
		}
	}
	fi, err := os.Stat(filepath.Join(r.core.LogDir(), LogFileName))
	if err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v", fi.Mode().Perm())
	}
}

func TestOpenWithoutLoggingWritesNoLog(t *testing.T) {
	paths := PathsIn(t.TempDir())
	core, err := Open(paths, Options{KeychainService: "redox-uploader-logging-test"})
	if err != nil {
		t.Fatal(err)
	}
	core.Log.Info("nothing")
	if err := core.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(paths.LogDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a log folder was made without Logging: %v", err)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
