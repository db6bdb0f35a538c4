package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"redoxuploader/client"
)

// uploadFlags are the connection settings of an ad-hoc upload. Secrets never come from flags:
// REDOX_API_SECRET holds the legacy secret and REDOX_ACCESS_TOKEN a static token.
type uploadFlags struct {
	uploadURL, apiBase            string
	auth                          string
	apiKey, clientID, keyID, pkey string
	maxSize                       int64
	parallel                      int
	json, sandbox                 bool
}

func runUpload(ctx context.Context, args []string, env cliEnv) int {
	var f uploadFlags
	fs := newFlagSet("upload", "[FLAGS] FILE...", env)
	fs.StringVar(&f.uploadURL, "upload-url", client.DefaultUploadURL, "Redox upload endpoint")
	fs.StringVar(&f.apiBase, "api-base", client.DefaultAPIBase, "base URL of Redox's sign-in endpoints")
	fs.StringVar(&f.auth, "auth", "", "sign-in method: legacy (API key + $REDOX_API_SECRET), oauth (client ID + key ID + private key), token ($REDOX_ACCESS_TOKEN); default: guessed from the other flags")
	fs.StringVar(&f.apiKey, "api-key", "", "legacy API key (its secret comes from $REDOX_API_SECRET)")
	fs.StringVar(&f.clientID, "client-id", "", "OAuth client ID")
	fs.StringVar(&f.keyID, "key-id", "", "OAuth key ID (kid) registered with Redox")
	fs.StringVar(&f.pkey, "private-key", "", "OAuth private key PEM `FILE` (PKCS#1, PKCS#8 or SEC1)")
	fs.Int64Var(&f.maxSize, "max-size", client.DefaultMaxSize, "largest file to send, in `BYTES`")
	fs.IntVar(&f.parallel, "parallel", 4, "files sent at once")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per file instead of PATH<TAB>URI")
	fs.BoolVar(&f.sandbox, "sandbox", false, "upload to a local Redox stand-in started for this run (nothing leaves this computer)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	paths := fs.Args()
	if len(paths) == 0 {
		return usageError(env, "upload: name at least one file")
	}
	if f.parallel < 1 || f.parallel > 64 {
		return usageError(env, "upload: --parallel must be between 1 and 64")
	}
	if f.sandbox {
		sb, err := startSandbox("127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(env.stderr, "redox-uploader: the sandbox could not start:", err)
			return exitFailed
		}
		defer sb.Close()
		f.uploadURL, f.apiBase, f.auth, f.apiKey = sb.uploadURL(), sb.apiBase(), "legacy", sb.demo.APIKey
		env.getenv = withEnv(env.getenv, "REDOX_API_SECRET", sb.demo.Secret)
	}
	c, err := newClientFromFlags(f, env)
	if err != nil {
		return usageError(env, "upload: %v", err)
	}
	return uploadAll(ctx, c, paths, f.parallel, f.json, env)
}

// newClientFromFlags builds a client from the flags and the secret environment variables.
func newClientFromFlags(f uploadFlags, env cliEnv) (*client.Client, error) {
	opts := []client.Option{client.WithUploadURL(f.uploadURL), client.WithAPIBase(f.apiBase), client.WithMaxSize(f.maxSize)}
	method := f.auth
	if method == "" {
		switch {
		case f.clientID != "":
			method = "oauth"
		case f.apiKey != "":
			method = "legacy"
		case env.getenv("REDOX_ACCESS_TOKEN") != "":
			method = "token"
		default:
			return nil, errors.New("say how to sign in: --auth legacy|oauth|token with its flags")
		}
	}
	switch method {
	case "legacy":
		secret := env.getenv("REDOX_API_SECRET")
		if f.apiKey == "" || secret == "" {
			return nil, errors.New("--auth legacy needs --api-key and the secret in $REDOX_API_SECRET")
		}
		opts = append(opts, client.WithLegacyKey(f.apiKey, secret))
	case "oauth":
		if f.clientID == "" || f.keyID == "" || f.pkey == "" {
			return nil, errors.New("--auth oauth needs --client-id, --key-id and --private-key")
		}
		pem, err := os.ReadFile(f.pkey)
		if err != nil {
			return nil, fmt.Errorf("reading the private key: %w", err)
		}
		opts = append(opts, client.WithOAuth(f.clientID, f.keyID, pem))
	case "token":
		token := env.getenv("REDOX_ACCESS_TOKEN")
		if token == "" {
			return nil, errors.New("--auth token needs the token in $REDOX_ACCESS_TOKEN")
		}
		opts = append(opts, client.WithStaticToken(token))
	default:
		return nil, fmt.Errorf("--auth must be legacy, oauth or token, not %q", method)
	}
	return client.New(opts...)
}

// fileOutcome is one line of upload output.
type fileOutcome struct {
	Path      string `json:"path"`
	URI       string `json:"uri,omitempty"`
	Size      int64  `json:"size,omitempty"`
	Attempts  int    `json:"attempts"`
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// uploadAll sends the files, at most parallel at a time, and prints the outcomes in the order
// the files were given, each as soon as it and those before it are done.
func uploadAll(ctx context.Context, c *client.Client, paths []string, parallel int, asJSON bool, env cliEnv) int {
	outcomes := make([]chan fileOutcome, len(paths))
	for i := range outcomes {
		outcomes[i] = make(chan fileOutcome, 1)
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, len(paths)) {
		wg.Go(func() {
			for i := range work {
				outcomes[i] <- uploadOne(ctx, c, paths[i])
			}
		})
	}
	go func() {
		for i := range paths {
			work <- i
		}
		close(work)
	}()

	code := exitOK
	for _, ch := range outcomes {
		o := <-ch
		if o.Error != "" {
			code = exitFailed
			fmt.Fprintf(env.stderr, "%s: %s\n    (%s)\n", oneLine(o.Path), o.Error, o.Detail)
		}
		switch {
		case asJSON:
			line, _ := json.Marshal(o)
			fmt.Fprintf(env.stdout, "%s\n", line)
		case o.Error == "":
			fmt.Fprintf(env.stdout, "%s\t%s\n", oneLine(o.Path), o.URI)
		}
	}
	wg.Wait()
	return code
}

func uploadOne(ctx context.Context, c *client.Client, path string) fileOutcome {
	res, err := c.Upload(ctx, path, client.UploadOptions{})
	o := fileOutcome{Path: path, URI: res.URI, Size: res.Size, Attempts: res.Attempts}
	if err != nil {
		o.Error, o.ErrorKind, o.Detail = err.Error(), client.KindOf(err).String(), client.Detail(err)
	}
	return o
}

// withEnv returns getenv with one variable overridden.
func withEnv(getenv func(string) string, key, value string) func(string) string {
	return func(k string) string {
		if k == key {
			return value
		}
		return getenv(k)
	}
}
