package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"redoxuploader/app"
)

func runSandbox(ctx context.Context, args []string, env cliEnv) int {
	fs := newFlagSet("sandbox", "[--addr 127.0.0.1:PORT]", env)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `HOST:PORT` to listen on (port 0 picks a free one)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usageError(env, "sandbox: unexpected argument %q", fs.Arg(0))
	}
	sb, err := app.StartSandbox(*addr)
	if err != nil {
		fmt.Fprintln(env.stderr, "redox-uploader: the sandbox could not start:", err)
		return exitFailed
	}
	defer sb.Close()
	keyFile, err := writeDemoKey(sb.Demo.PrivateKeyPEM)
	if err != nil {
		fmt.Fprintln(env.stderr, "redox-uploader: could not write the demo OAuth key:", err)
		return exitFailed
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
