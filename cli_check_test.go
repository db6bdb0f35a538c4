package main

import (
	"net"
	"strings"
	"testing"

	"redoxuploader/client/redoxtest"
)

// TestCheckCommand: check reaches a saved source's server through the network settings of the
// run — refused while its certificate authority is unknown, reached with --ca-file, then
// through a proxy that wants a password — and never prints the password.
func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	srv, _, caFile := newTLSTestServer(t, dir)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	named := "https://redox.example.com:" + port // reachable only through the proxy; the certificate covers it
	s := newCLISession(t, mockKeychain(t))
	s.must("profile", "add", "Radiology", "--auth", "token", "--upload-url", named+"/upload", "--api-base", named)

	const password = "proxy-pass-7c1e"
	proxy := redoxtest.NewForwardProxy(redoxtest.ProxyConfig{User: "nurse", Password: password, Target: srv.Listener.Addr().String()})
	t.Cleanup(proxy.Close)
	via := strings.Replace(proxy.URL, "http://", "http://nurse@", 1)

	r := s.run("check", "--proxy", via, "--ca-file", caFile)
	if r.code != exitFailed || !strings.Contains(r.stderr, "sign-in") {
		t.Errorf("a proxy that wants a password, none given: exit %d\n%s", r.code, r.stderr)
	}
	s.env["REDOX_PROXY_PASSWORD"] = password
	r = s.run("check", "--proxy", via)
	if r.code != exitFailed || !strings.Contains(r.stderr, "extra trusted certificates") || !strings.Contains(r.stderr, "--ca-file FILE trusts") {
		t.Errorf("an unknown certificate authority: exit %d\n%s", r.code, r.stderr)
	}
	r = s.must("check", "--proxy", via, "--ca-file", caFile)
	want := "Reached redox.example.com:" + port + " through " + proxy.Listener.Addr().String() + " (HTTPS, "
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("check printed %q, want it to start with %q", r.stdout, want)
	}
	if n := proxy.Count("CONNECT redox.example.com:" + port); n != 3 {
		t.Errorf("the proxy was asked %q; want three tunnels, one a check", proxy.Seen())
	}
	if len(srv.Uploads()) != 0 || srv.Stats().Authenticate != 0 {
		t.Error("check signed in or uploaded")
	}
	for _, out := range s.outputs {
		if strings.Contains(out, password) {
			t.Errorf("the proxy password was printed:\n%s", out)
		}
	}

	for _, args := range [][]string{{"check", "extra"}, {"check", "--proxy", "ftp://proxy.example.org"}} {
		if r := s.run(args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
}
