//go:build wine

// These tests run the Windows build under Wine: the commands through the console program
// redox-uploader.exe (REDOX_UPLOADER_EXE), as scripts call them, and a few through the window
// program redox-uploader-window.exe (REDOX_UPLOADER_WINDOW_EXE), which takes them too. The
// Windows user folders, the Credential Manager, the Windows proxy settings and the Windows
// certificate verifier are then Wine's versions of the Windows APIs the programs call. Wine is
// not Windows: these tests find what breaks in our use of those APIs, not every way Windows
// differs. Run them with scripts/wine-test.sh, which builds a fresh Wine prefix (a scratch
// Windows user) for them.

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
)

// credentialPrefix starts the Credential Manager target of every entry the app stores:
// go-keyring names a target "service:user", and the service is the app's default.
const credentialPrefix = "Redox Uploader:"

// wineSession returns a CLI session whose commands run the console program redox-uploader.exe
// under Wine, with the Windows user's own folders (no --data-dir) and the default keychain
// service.
func wineSession(t *testing.T) *cliSession {
	t.Helper()
	exe := wineProgram(t, "REDOX_UPLOADER_EXE")
	return &cliSession{t: t, env: map[string]string{}, exec: func(t *testing.T, env map[string]string, stdin string, args []string) cliResult {
		t.Helper()
		return runWine(t, stdin, append([]string{exe}, args...)...)
	}}
}

// wineProgram is the Windows program the environment variable name gives.
func wineProgram(t *testing.T, name string) string {
	t.Helper()
	exe := os.Getenv(name)
	if exe == "" || os.Getenv("WINEPREFIX") == "" {
		t.Fatalf("%s or WINEPREFIX is not set: run scripts/wine-test.sh", name)
	}
	return exe
}

// runWine runs a Windows program under Wine and returns its exit code and output.
func runWine(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // also in Cleanup, after t.Context ends
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "wine", args...)
	cmd.Env = append(os.Environ(), "WINEDEBUG=-all", "LANG=C.UTF-8") // Wine turns arguments into UTF-16 by the locale
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second // a Wine service started by this command may hold its output open
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return cliResult{exit.ExitCode(), stdout.String(), stderr.String()}
	case err != nil:
		t.Fatalf("wine %s: %v", strings.Join(args, " "), err)
	}
	return cliResult{0, stdout.String(), stderr.String()}
}

// credentialTargets lists the Credential Manager targets of the app, read from Wine's
// registry with reg.exe: a look at the store that does not go through the app.
func credentialTargets(t *testing.T) []string {
	t.Helper()
	r := runWine(t, "", "reg", "query", `HKCU\Software\Wine\Credential Manager`)
	var targets []string
	for _, l := range lines(strings.ReplaceAll(r.stdout, "\r", "")) {
		if _, target, ok := strings.Cut(l, `Credential Manager\Generic: `); ok && strings.HasPrefix(target, credentialPrefix) {
			targets = append(targets, strings.TrimPrefix(target, credentialPrefix))
		}
	}
	return targets
}

// setWindowsProxy sets the current user's proxy as Windows' Internet Options does, in the
// registry values it writes (an empty server turns the proxy off).
func setWindowsProxy(t *testing.T, server string) {
	t.Helper()
	const key = `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`
	enable := "0"
	if server != "" {
		enable = "1"
	}
	for _, v := range [][]string{
		{key, "ProxyEnable", "REG_DWORD", enable},
		{key, "ProxyServer", "REG_SZ", server},
		{key + `\Connections`, "DefaultConnectionSettings", "REG_BINARY", connectionSettings(server)},
	} {
		if r := runWine(t, "", "reg", "add", v[0], "/v", v[1], "/t", v[2], "/d", v[3], "/f"); r.code != 0 {
			t.Fatalf("reg add %s: exit %d: %s%s", v[1], r.code, r.stdout, r.stderr)
		}
	}
}

// connectionSettings is the DefaultConnectionSettings blob, in hex, for a fixed proxy server
// (or none), the value WinHTTP's WinHttpGetIEProxyConfigForCurrentUser reads.
func connectionSettings(server string) string {
	const version, direct, useProxy = 0x46, 1, 2
	flags := uint32(direct)
	if server != "" {
		flags |= useProxy
	}
	var b []byte
	for _, v := range []uint32{version, 0 /* change counter */, flags, uint32(len(server))} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	b = append(b, server...)
	b = append(b, make([]byte, 8+32)...) // no bypass list, no PAC address, then auto-detect state
	return hex.EncodeToString(b)
}

// windowsPath turns a Windows path printed by the program into this machine's path.
func windowsPath(t *testing.T, p string) string {
	t.Helper()
	out, err := exec.Command("winepath", "-u", p).Output()
	if err != nil {
		t.Fatalf("winepath -u %s: %v", p, err)
	}
	return strings.TrimSpace(string(out))
}

// TestWindowsBuildUnderWine runs a CLI session with the Windows build: console output and exit
// codes, secrets in the Credential Manager (a 4096-bit key in chunks), the Windows proxy
// settings, extra trusted certificates with Windows' verifier, the Windows user folders, and
// finally a scan of those folders and of every output for secrets and tokens.
func TestWindowsBuildUnderWine(t *testing.T) {
	s := wineSession(t)
	canary, canaryToken := newCanaries()
	key, err := rsa.GenerateKey(rand.Reader, 4096)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})

	h := redoxtest.NewHandler(redoxtest.Config{})
	h.AddLegacySource("canary-source", "canary-api-key", canary)
	h.AddOAuthSource("big-key-source", "big-key-client", "big-key-id", &key.PublicKey)
	h.AddStaticToken("canary-source", canaryToken, time.Time{})
	tee := &tokenTee{next: h}
	srv := &redoxtest.Server{Server: httptest.NewServer(tee), Handler: h}
	t.Cleanup(srv.Close)
	conn := []string{"--upload-url", srv.UploadURL(), "--api-base", srv.APIBase()}
	dir := t.TempDir()
	tlsSrv, tlsDemo, caFile := newTLSTestServer(t, dir)
	var files []string
	for i := range 6 {
		files = append(files, writeFile(t, dir, fmt.Sprintf("ward-%d.pdf", i), 3000+700*i))
	}

	t.Run("console and exit codes", func(t *testing.T) {
		r := s.must("version")
		if !regexp.MustCompile(`^Redox Uploader \S+ \(commit \S+, built \S+\)\r?\n$`).MatchString(r.stdout) {
			t.Errorf("version printed %q", r.stdout)
		}
		if r := s.run("upload", "--everything"); r.code != exitUsage || !strings.Contains(r.stderr, "-everything") {
			t.Errorf("an unknown flag: exit %d, stderr %q; want exit %d naming it", r.code, r.stderr, exitUsage)
		}
		if r := s.run("upload", "--profile", "Nowhere", files[0]); r.code == exitOK || r.stderr == "" {
			t.Errorf("an upload to a missing profile: exit %d, stderr %q", r.code, r.stderr)
		}
		// The window program, a GUI program, still takes the commands and prints to its caller.
		if w := runWine(t, "", wineProgram(t, "REDOX_UPLOADER_WINDOW_EXE"), "version"); w.code != exitOK || w.stdout != r.stdout {
			t.Errorf("redox-uploader-window.exe version: exit %d, stdout %q, stderr %q; want %q as the console program prints",
				w.code, w.stdout, w.stderr, r.stdout)
		}
		// The console program without the window program beside it, given no command.
		program, err := os.ReadFile(wineProgram(t, "REDOX_UPLOADER_EXE"))
		if err != nil {
			t.Fatal(err)
		}
		alone := filepath.Join(t.TempDir(), "redox-uploader.exe")
		if err := os.WriteFile(alone, program, 0o755); err != nil {
			t.Fatal(err)
		}
		if r := runWine(t, "", alone, "--sandbox"); r.code != exitUsage || !strings.Contains(r.stderr, "redox-uploader-window.exe, is not in the same folder") {
			t.Errorf("redox-uploader.exe --sandbox without the window program: exit %d, stderr %q; want exit %d and where it looked",
				r.code, r.stderr, exitUsage)
		}
	})

	t.Run("credential manager", func(t *testing.T) {
		s.must(append([]string{"profile", "add", "Legacy", "--api-key", "canary-api-key"}, conn...)...)
		s.mustStdin(canary+"\n", "profile", "set-secret", "Legacy")
		s.must(append([]string{"profile", "add", "OAuth", "--client-id", "big-key-client", "--key-id", "big-key-id"}, conn...)...)
		s.mustStdin(string(keyPEM), "profile", "set-secret", "OAuth")
		targets := credentialTargets(t)
		if !slices.Contains(targets, "profile/Legacy/secret") {
			t.Errorf("the legacy secret is not in the Credential Manager; the app's targets: %q", targets)
		}
		chunks := 0
		for _, tg := range targets {
			if strings.HasPrefix(tg, "profile/OAuth/secret#") {
				chunks++
			}
		}
		if want := len(keyPEM)/2000 + 1; chunks < want {
			t.Errorf("the %d-byte key is in %d chunks, want at least %d (Windows takes 2,560 bytes a credential); targets: %q",
				len(keyPEM), chunks, want, targets)
		}
		for _, name := range []string{"Legacy", "OAuth"} {
			if r := s.must("profile", "list"); !strings.Contains(lineWith(t, r.stdout, name+" "), "  secret stored  ") { // the SECRET column
				t.Errorf("profile list does not show the %s secret as stored:\n%s", name, r.stdout)
			}
			s.must("profile", "test", name) // reads the secret back, chunks and all, and signs in
		}
		signIns := h.Stats().Authenticate
		checkTabLines(t, srv, s.must("upload", "--profile", "Legacy", files[0], files[1]).stdout, files[:2])
		if n := h.Stats().Authenticate - signIns; n != 0 {
			t.Errorf("the upload signed in %d more time(s): the token cached in the Credential Manager was not reused", n)
		}
		checkTabLines(t, srv, s.must("upload", "--profile", "OAuth", files[2]).stdout, files[2:3])
	})

	t.Run("extra trusted certificates", func(t *testing.T) {
		s.must("profile", "add", "Inspected", "--auth", "token", "--upload-url", tlsSrv.UploadURL(), "--api-base", tlsSrv.APIBase())
		s.mustStdin(tlsDemo.Token+"\n", "profile", "set-secret", "Inspected")
		r := s.run("upload", "--profile", "Inspected", "--proxy", "none", files[3])
		if r.code == exitOK || !strings.Contains(r.stderr, "extra trusted certificates") || !strings.Contains(r.stderr, "--ca-file FILE") {
			t.Errorf("an unknown certificate authority: exit %d, stderr:\n%s\nwant a failure naming the extra trusted certificates and --ca-file", r.code, r.stderr)
		}
		checkTabLines(t, tlsSrv, s.must("upload", "--profile", "Inspected", "--proxy", "none", "--ca-file", caFile, files[3]).stdout, files[3:4])
	})

	t.Run("windows proxy settings", func(t *testing.T) {
		// A host name nobody can resolve, which the stand-in's certificate covers: the upload
		// arrives only if the proxy in the Windows settings carried it.
		_, port, _ := net.SplitHostPort(tlsSrv.Listener.Addr().String())
		named := "https://redox-uploader.example.com:" + port
		proxy := redoxtest.NewForwardProxy(redoxtest.ProxyConfig{Target: tlsSrv.Listener.Addr().String()})
		t.Cleanup(proxy.Close)
		setWindowsProxy(t, proxy.Listener.Addr().String())
		t.Cleanup(func() { setWindowsProxy(t, "") })
		s.must("profile", "add", "Named", "--auth", "token", "--upload-url", named+"/upload", "--api-base", named)
		s.mustStdin(tlsDemo.Token+"\n", "profile", "set-secret", "Named")
		// No --proxy: the default is the computer's own proxy settings.
		out := s.must("upload", "--profile", "Named", "--ca-file", caFile, files[4]).stdout
		checkTabLines(t, tlsSrv, out, files[4:5])
		if n := proxy.Count("CONNECT redox-uploader.example.com:" + port); n < 1 {
			t.Errorf("the proxy in the Windows settings carried %q, not the upload", proxy.Seen())
		}
	})

	t.Run("a folder, a non-English name and an empty file", func(t *testing.T) {
		folder := filepath.Join(dir, "Clinic letters")
		if err := os.Mkdir(folder, 0o700); err != nil {
			t.Fatal(err)
		}
		const name = "Befund Müller – 東京 №7.pdf"
		writeFile(t, folder, name, 4321)
		writeFile(t, folder, "empty.pdf", 0)
		r := s.run("upload", "--profile", "Legacy", folder)
		if r.code != exitFailed || !strings.Contains(r.stderr, "empty.pdf") || !strings.Contains(r.stderr, "The file is empty") {
			t.Errorf("a folder with an empty file: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		path, uri, _ := strings.Cut(strings.TrimSpace(r.stdout), "\t")
		if !strings.HasSuffix(path, name) {
			t.Fatalf("stdout %q does not name %q", r.stdout, name)
		}
		ups := srv.Uploads()
		if last := ups[len(ups)-1]; last.URI != uri || last.FileName != name || last.Size != 4321 {
			t.Errorf("Redox received %q (%d bytes) as %s; want %q (4321 bytes) as %s", last.FileName, last.Size, last.URI, name, uri)
		}
	})

	t.Run("folders, log and leaks", func(t *testing.T) {
		h.Script(redoxtest.Fault{Status: 503, RetryAfter: "1"})
		checkTabLines(t, srv, s.must("upload", "--verbose", "--profile", "Legacy", files[5]).stdout, files[5:6])

		diag := strings.ReplaceAll(s.must("diagnostics").stdout, "\r", "")
		folders := map[string]string{}
		for label, want := range map[string]string{"Settings file: ": `\AppData\Roaming\`, "History file: ": `\AppData\Local\`, "Log folder: ": `\AppData\Local\`} {
			p, _, _ := strings.Cut(strings.TrimPrefix(lineWith(t, diag, label), label), " (")
			if !strings.Contains(p, want) {
				t.Errorf("%s%s is not in the Windows user's %s folder", label, p, want)
			}
			folders[label] = windowsPath(t, p)
		}
		if _, err := os.Stat(filepath.Join(folders["Log folder: "], app.LogFileName)); err != nil {
			t.Errorf("no log file: %v", err)
		}

		for _, name := range []string{"Legacy", "OAuth", "Named", "Inspected"} {
			s.must("profile", "remove", name)
		}
		if left := credentialTargets(t); len(left) != 0 {
			t.Errorf("profile remove left Credential Manager entries: %q", left)
		}

		needles := secretNeedles(map[string]string{"legacy secret canary": canary, "static token canary": canaryToken,
			"CANARY": "CANARY"}, tee, keyPEM)
		roots := []string{filepath.Dir(folders["Settings file: "]), filepath.Dir(folders["History file: "])}
		scanned := scanForNeedles(t, roots, needles, "canary-api-key", filepath.Base(files[5]), "upload retry scheduled")
		scanOutputs(t, s.outputs, needles)
		t.Logf("%d commands; scanned %q and their output for %d needles (%d tokens issued)", len(s.outputs)/2, scanned, len(needles), len(tee.issued()))
	})
}
