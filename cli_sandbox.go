package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// sandbox is the local Redox stand-in served on loopback, with demo credentials.
type sandbox struct {
	handler *redoxtest.Handler
	server  *http.Server
	addr    string
	demo    redoxtest.Demo
}

// startSandbox serves the stand-in on addr, which must be a loopback address: the sandbox
// speaks plain http and has no business on a network.
func startSandbox(addr string) (*sandbox, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%q is not HOST:PORT: %w", addr, err)
	}
	if !client.IsLoopback(host) {
		return nil, fmt.Errorf("the sandbox only listens on this computer (127.0.0.1), not on %q", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	h := redoxtest.NewHandler(redoxtest.Config{})
	sb := &sandbox{handler: h, addr: ln.Addr().String(), demo: h.AddDemoSources(),
		server: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go sb.server.Serve(ln)
	return sb, nil
}

func (sb *sandbox) apiBase() string   { return "http://" + sb.addr }
func (sb *sandbox) uploadURL() string { return sb.apiBase() + "/upload" }

// Close stops the server and releases any request a fault left hanging.
func (sb *sandbox) Close() error {
	sb.handler.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return sb.server.Shutdown(ctx)
}

func runSandbox(ctx context.Context, args []string, env cliEnv) int {
	fs := newFlagSet("sandbox", "[--addr 127.0.0.1:PORT]", env)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `HOST:PORT` to listen on (port 0 picks a free one)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usageError(env, "sandbox: unexpected argument %q", fs.Arg(0))
	}
	sb, err := startSandbox(*addr)
	if err != nil {
		fmt.Fprintln(env.stderr, "redox-uploader: the sandbox could not start:", err)
		return exitFailed
	}
	defer sb.Close()
	keyFile, err := writeDemoKey(sb.demo.PrivateKeyPEM)
	if err != nil {
		fmt.Fprintln(env.stderr, "redox-uploader: could not write the demo OAuth key:", err)
		return exitFailed
	}
	defer os.RemoveAll(filepath.Dir(keyFile))

	d := sb.demo
	fmt.Fprintf(env.stdout, `Redox sandbox running. Nothing sent here leaves this computer.
  upload URL   %[1]s
  API base     %[2]s
Demo credentials (sandbox only):
  legacy       --api-key %[3]s   REDOX_API_SECRET=%[4]s
  token        REDOX_ACCESS_TOKEN=%[5]s
  oauth        --client-id %[6]s --key-id %[7]s --private-key %[8]s
Try:
  REDOX_API_SECRET=%[4]s redox-uploader upload --upload-url %[1]s --api-base %[2]s --api-key %[3]s FILE
Press Ctrl+C to stop.
`, sb.uploadURL(), sb.apiBase(), d.APIKey, d.Secret, d.Token, d.ClientID, d.KeyID, keyFile)
	<-ctx.Done()
	if err := sb.Close(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(env.stderr, "redox-uploader: stopping the sandbox:", err)
	}
	fmt.Fprintf(env.stdout, "Sandbox stopped after %d upload(s).\n", len(sb.handler.Uploads()))
	return exitOK
}

// writeDemoKey saves the sandbox's OAuth demo key where --private-key can read it, readable
// by this user only.
func writeDemoKey(pem []byte) (string, error) {
	dir, err := os.MkdirTemp("", "redox-sandbox-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "demo-oauth-key.pem")
	return path, os.WriteFile(path, pem, 0o600)
}
