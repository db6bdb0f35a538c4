package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// uploadFlags are the settings of one upload run. Secrets never come from flags:
// REDOX_API_SECRET holds the legacy secret and REDOX_ACCESS_TOKEN a static token.
type uploadFlags struct {
	connection
	network       networkFlags
	profile       string
	dataDir       string
	json, sandbox bool
	force         bool
}

// connection is how an ad-hoc upload (and `profile add`) reaches Redox.
type connection struct {
	uploadURL, apiBase            string
	auth                          string
	apiKey, clientID, keyID, pkey string
	maxSize                       int64
	parallel                      int
}

func (c *connection) register(fs interface {
	StringVar(*string, string, string, string)
	Int64Var(*int64, string, int64, string)
	IntVar(*int, string, int, string)
}, parallel int) {
	fs.StringVar(&c.uploadURL, "upload-url", client.DefaultUploadURL, "Redox upload endpoint")
	fs.StringVar(&c.apiBase, "api-base", client.DefaultAPIBase, "base URL of Redox's sign-in endpoints")
	fs.StringVar(&c.auth, "auth", "", "sign-in method: legacy (API key + secret), oauth (client ID + key ID + private key), token; default: guessed from the other flags")
	fs.StringVar(&c.apiKey, "api-key", "", "legacy API key")
	fs.StringVar(&c.clientID, "client-id", "", "OAuth client ID")
	fs.StringVar(&c.keyID, "key-id", "", "OAuth key ID (kid) registered with Redox")
	fs.StringVar(&c.pkey, "private-key", "", "OAuth private key PEM `FILE` (PKCS#1, PKCS#8 or SEC1)")
	fs.Int64Var(&c.maxSize, "max-size", client.DefaultMaxSize, "largest file to send, in `BYTES`")
	fs.IntVar(&c.parallel, "parallel", parallel, "files sent at once")
}

// method returns the sign-in method, guessed from the flags when --auth is left out.
func (c connection) method(env cliEnv) (app.AuthMethod, error) {
	switch {
	case c.auth != "":
		switch m := app.AuthMethod(c.auth); m {
		case app.AuthLegacy, app.AuthOAuth, app.AuthToken:
			return m, nil
		}
		return "", fmt.Errorf("--auth must be legacy, oauth or token, not %q", c.auth)
	case c.clientID != "":
		return app.AuthOAuth, nil
	case c.apiKey != "":
		return app.AuthLegacy, nil
	case env.getenv("REDOX_ACCESS_TOKEN") != "":
		return app.AuthToken, nil
	}
	return "", errors.New("say how to sign in: --auth legacy|oauth|token with its flags")
}

// profile turns the connection flags into a profile (not saved).
func (c connection) profile(name string, env cliEnv) (app.Profile, error) {
	m, err := c.method(env)
	if err != nil {
		return app.Profile{}, err
	}
	p := app.NewProfile(name)
	p.Auth, p.APIKey, p.ClientID, p.KeyID = m, c.apiKey, c.clientID, c.keyID
	p.UploadURL, p.APIBase, p.MaxSize, p.Parallel = c.uploadURL, c.apiBase, c.maxSize, c.parallel
	return p, nil
}

// secret returns the secret of an ad-hoc upload, from the environment or the --private-key
// file, and where it came from, to name in a message about it.
func (c connection) secret(p app.Profile, env cliEnv) (secret, from string, err error) {
	switch p.Auth {
	case app.AuthLegacy:
		secret := env.getenv("REDOX_API_SECRET")
		if p.APIKey == "" || secret == "" {
			return "", "", errors.New("--auth legacy needs --api-key and the secret in $REDOX_API_SECRET")
		}
		return secret, "$REDOX_API_SECRET", nil
	case app.AuthOAuth:
		if p.ClientID == "" || p.KeyID == "" || c.pkey == "" {
			return "", "", errors.New("--auth oauth needs --client-id, --key-id and --private-key")
		}
		pem, err := app.ReadPrivateKeyFile(c.pkey)
		if err != nil {
			return "", "", fmt.Errorf("--private-key: %w", err)
		}
		return string(pem), "--private-key", nil
	case app.AuthToken:
		token := env.getenv("REDOX_ACCESS_TOKEN")
		if token == "" {
			return "", "", errors.New("--auth token needs the token in $REDOX_ACCESS_TOKEN")
		}
		return token, "$REDOX_ACCESS_TOKEN", nil
	}
	return "", "", fmt.Errorf("unknown sign-in method %q", p.Auth)
}

// networkFlags override the saved network settings (Settings → Network) for one run.
type networkFlags struct {
	proxy, caFile string
	stallSeconds  int // --stall-timeout; 0: the saved setting
}

func (n *networkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.proxy, "proxy", "", "proxy for this run: an http(s)://[user@]host:port `URL` (password in $REDOX_PROXY_PASSWORD), "+
		"or none, system or environment; default: the saved network settings")
	fs.StringVar(&n.caFile, "ca-file", "", "PEM `FILE` of extra certificates to trust (a TLS-inspecting firewall's); default: the saved network settings")
}

// registerStall adds --stall-timeout, for the commands that send files.
func (n *networkFlags) registerStall(fs *flag.FlagSet) {
	fs.IntVar(&n.stallSeconds, "stall-timeout", 0, fmt.Sprintf("give up a try whose transfer makes no progress for `SECONDS` (%d to %d; "+
		"default: the saved network settings, else %d)", app.MinStallSeconds, app.MaxStallSeconds, int(client.DefaultStallTimeout.Seconds())))
}

func (n networkFlags) given() bool { return n.proxy != "" || n.caFile != "" || n.stallSeconds != 0 }

// override is what the flags put over the saved network settings.
func (n networkFlags) override() app.NetworkOverride {
	return app.NetworkOverride{Proxy: n.proxy, CAFile: n.caFile, StallSeconds: n.stallSeconds}
}

// apply returns ns with the flags given put over it, checked.
func (n networkFlags) apply(ns app.NetworkSettings) (app.NetworkSettings, error) {
	ns = n.override().Apply(ns)
	if err := ns.Validate(); err != nil {
		flag := "--proxy"
		var ne *app.NetworkError
		switch {
		case errors.As(err, &ne) && strings.HasPrefix(ne.Field, "extraCa"):
			flag = "--ca-file"
		case errors.As(err, &ne) && ne.Field == "stallSeconds":
			flag = "--stall-timeout"
		}
		return ns, fmt.Errorf("%s: %w", flag, err)
	}
	return ns, nil
}

// validate checks the flags on their own, before anything is opened.
func (n networkFlags) validate() error {
	if !n.given() {
		return nil
	}
	_, err := n.apply(app.NetworkSettings{})
	return err
}

// settings returns the saved network settings with the flags given put over them.
func (n networkFlags) settings(core *app.Core) (app.NetworkSettings, error) {
	st, err := core.LoadSettings()
	if err != nil || !n.given() {
		return st.Network, err
	}
	return n.apply(st.Network)
}

// clientOption makes the clients of this run use the flags over the saved network settings,
// with the proxy password from $REDOX_PROXY_PASSWORD (else the keychain's).
func (n networkFlags) clientOption(env cliEnv) app.ClientOption {
	o := n.override()
	o.ProxyPassword = env.getenv("REDOX_PROXY_PASSWORD")
	return app.WithNetworkOverride(o)
}

// adHocProfileName names uploads made with connection flags in the history.
const adHocProfileName = "Command line"

func runUpload(ctx context.Context, args []string, env cliEnv) int {
	var f uploadFlags
	fs := newFlagSet("upload", "[FLAGS] FILE...", env)
	f.connection.register(fs, 4)
	fs.StringVar(&f.profile, "profile", "", "upload with the saved source `NAME` and its keychain secret")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per file instead of PATH<TAB>URI")
	fs.BoolVar(&f.sandbox, "sandbox", false, "upload to the built-in local Redox stand-in (nothing leaves this computer)")
	fs.BoolVar(&f.force, "force", false, "upload files even if the same content was already uploaded to this source")
	f.network.register(fs)
	f.network.registerStall(fs)
	dataDir := dataDirFlag(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	paths := fs.Args()
	switch {
	case len(paths) == 0:
		return usageError(env, "upload: name at least one file")
	case f.parallel < 1 || f.parallel > 16:
		return usageError(env, "upload: --parallel must be between 1 and 16")
	case f.profile != "" && f.sandbox:
		return usageError(env, "upload: use either --profile or --sandbox")
	case f.sandbox && f.network.given():
		return usageError(env, "upload: --proxy, --ca-file and --stall-timeout do not apply to --sandbox, which never leaves this computer")
	}
	if err := f.network.validate(); err != nil {
		return usageError(env, "upload: %v", err)
	}
	var (
		p   app.Profile
		err error
	)
	adHoc := f.profile == "" && !f.sandbox
	run := []app.ClientOption{f.network.clientOption(env)}
	if adHoc {
		var secret, from string
		if p, err = f.connection.profile(adHocProfileName, env); err == nil {
			secret, from, err = f.connection.secret(p, env)
		}
		if err == nil {
			err = flagProblems(p.Validate())
		}
		if err == nil {
			if _, err = app.NewClient(p, app.WithSecret(secret)); err != nil { // the secret, before opening anything
				err = fmt.Errorf("%s: %w", from, err)
			}
		}
		if err != nil {
			return usageError(env, "upload: %v", err)
		}
		run = append(run, app.WithSecret(secret))
	}

	core, err := openCore(dataDir, env, run...)
	if err != nil {
		return coreError(env, err)
	}
	defer closeCore(core, env)
	switch {
	case f.sandbox:
		p, err = core.Sandbox()
	case f.profile != "":
		p, err = core.Profile(f.profile)
	}
	if err == nil && (adHoc || f.network.given()) {
		_, err = core.Client(p) // the connection this run brings, checked once before any file is queued
	}
	if err != nil {
		return coreError(env, err)
	}
	return uploadAll(ctx, core, p, paths, f, env)
}

// flagProblems words the problems a profile made of connection flags has, each after the flag
// to change ("--max-size: Set a size limit..."): the user gave flags, and saved no profile.
func flagProblems(err error) error {
	var v *app.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	parts := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		parts[i] = fieldFlag(p.Field) + ": " + p.Message
	}
	return errors.New(strings.Join(parts, " "))
}

// fileOutcome is one line of upload output.
type fileOutcome struct {
	ID        int64  `json:"id"`
	Path      string `json:"path"`
	Status    string `json:"status"`
	URI       string `json:"uri,omitempty"`
	Size      int64  `json:"size,omitempty"`
	SHA256    string `json:"sha256,omitempty"`
	Attempts  int    `json:"attempts"`
	Note      string `json:"note,omitempty"` // with status duplicate: when it was first uploaded
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
	Detail    string `json:"detail,omitempty"`
	NotSaved  string `json:"not_saved,omitempty"` // the history could not record this outcome (yet)
}

func outcomeOf(r app.Record) fileOutcome {
	o := fileOutcome{ID: r.ID, Path: r.Path, Status: string(r.Status), URI: r.URI, Size: r.Size, SHA256: r.SHA256,
		Attempts: r.Attempts, Error: r.ErrorMessage, ErrorKind: r.ErrorKind, Detail: r.ErrorDetail, NotSaved: r.NotSaved}
	if r.Status == app.StatusDuplicate {
		o.Note, o.Error = r.ErrorMessage, ""
	}
	return o
}

// uploadAll queues the files on the core and prints each outcome in the order the files were
// given (folders expanded), as soon as it and those before it are final. Ctrl+C cancels what
// is left; every row is journaled either way.
func uploadAll(ctx context.Context, core *app.Core, p app.Profile, paths []string, f uploadFlags, env cliEnv) int {
	shown := asGiven(paths)
	sub := core.Queue.Subscribe() // before Submit, so no event is missed
	defer sub.Close()
	s, err := core.Queue.Submit(ctx, p, paths, app.SubmitOptions{Force: f.force})
	for _, note := range s.Folders {
		fmt.Fprintln(env.stderr, visible.Line(note.String()))
	}
	if err != nil {
		printError(env, err.Error())
	}
	code := exitOK
	if err != nil || len(s.IDs) == 0 {
		code = exitFailed
	}
	final := map[int64]app.Record{}
	ours := map[int64]bool{}
	for _, id := range s.IDs {
		ours[id] = true
	}
	next := 0
	printReady := func() {
		for ; next < len(s.IDs); next++ {
			r, ok := final[s.IDs[next]]
			if !ok {
				return
			}
			r.Path = shown(r.Path)
			if !printOutcome(r, f.json, env) {
				code = exitFailed
			}
		}
	}
	cancelled := false
	for next < len(s.IDs) {
		select {
		case e := <-sub.C:
			switch {
			case e.Kind == app.EventRetrying && ours[e.Record.ID]:
				printRetry(e, shown(e.Record.Path), env)
			case e.Final():
				final[e.Record.ID] = e.Record
				printReady()
			}
		case <-ctx.Done():
			if !cancelled {
				cancelled = true
				core.Queue.CancelAll()
			}
			ctx = context.Background() // keep reading until every row is journaled
		}
	}
	return code
}

// printOutcome prints one row and reports whether it counts as success. Names and messages
// are shown through package visible; JSON keeps the true values, with the same characters
// as JSON escapes. A file that reached Redox but whose result the history could not save
// still prints its URI, and counts as a failure: the record of it is not yet safe.
func printOutcome(r app.Record, asJSON bool, env cliEnv) bool {
	uploaded := r.Status == app.StatusDone || r.Status == app.StatusDuplicate
	ok := uploaded && r.NotSaved == ""
	path := visible.Name(r.Path)
	if r.NotSaved != "" {
		fmt.Fprintf(env.stderr, "%s: %s\n", path, visible.Line(r.NotSaved))
	}
	if r.Status == app.StatusDuplicate {
		fmt.Fprintf(env.stderr, "%s: already uploaded to this source (row %d); this is that upload's URI. Use --force to send it again.\n",
			path, r.DuplicateOf)
	}
	if !uploaded {
		fmt.Fprintf(env.stderr, "%s: %s\n", path, visible.Line(r.ErrorMessage))
		if d := r.ErrorDetail; d != "" && d != r.ErrorMessage {
			fmt.Fprintf(env.stderr, "    (%s)\n", visible.Line(d))
		}
	}
	switch {
	case asJSON:
		line, _ := json.Marshal(outcomeOf(r))
		fmt.Fprintf(env.stdout, "%s\n", visible.JSON(line))
	case uploaded:
		fmt.Fprintf(env.stdout, "%s\t%s\n", path, visible.Name(r.URI))
	}
	return ok
}

// printRetry says on standard error that an upload failed for a passing reason and is tried
// again, when and why: "scan.pdf: Redox did not answer in time. Trying again in 4 s (attempt
// 2 of 4)."
func printRetry(e app.Event, path string, env cliEnv) {
	fmt.Fprintf(env.stderr, "%s: %s. %s.\n", visible.Name(path), visible.Line(e.RetryReason()), e.RetryPlan())
}

// asGiven maps the absolute paths the queue records back to the spelling the user gave, for
// files named directly; files found in folders keep their full paths.
func asGiven(paths []string) func(string) string {
	given := map[string]string{}
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			given[abs] = p
		}
	}
	return func(abs string) string {
		if p, ok := given[abs]; ok {
			return p
		}
		return abs
	}
}
