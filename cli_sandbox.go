package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"redoxuploader/app"
)

// runSandbox runs the local Redox stand-in until Ctrl+C, printing its addresses and demo
// credentials.
func runSandbox(ctx context.Context, args []string, env cliEnv) error {
	fs := newFlagSet("sandbox", "[--addr 127.0.0.1:PORT]", env)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `HOST:PORT` to listen on (port 0 picks a free one)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sandbox: unexpected argument %q", fs.Arg(0))
	}
	sb, err := app.StartSandbox(*addr)
	if err != nil {
		return fmt.Errorf("the sandbox could not start: %w", err)
	}
	defer sb.Close()
	keyFile, err := writeDemoKey(sb.Demo.PrivateKeyPEM)
	if err != nil {
		return fmt.Errorf("could not write the demo OAuth key: %w", err)
	}
	defer os.RemoveAll(filepath.Dir(keyFile))

	d := sb.Demo
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
`, sb.UploadURL(), sb.APIBase(), d.APIKey, d.Secret, d.Token, d.ClientID, d.KeyID, keyFile)
	<-ctx.Done()
	if err := sb.Close(); err != nil {
		fmt.Fprintln(env.stderr, "redox-uploader: stopping the sandbox:", err)
	}
	fmt.Fprintf(env.stdout, "Sandbox stopped after %d upload(s).\n", len(sb.Handler.Uploads()))
	return nil
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
