package main

// The flags several commands share: how to reach Redox without a saved source (upload and
// source add), the network settings for one run (upload, check), and the parsing of flags
// given among a command's other arguments.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"redoxuploader/app"
	"redoxuploader/client"
)

// connection is how an ad-hoc upload (and `source add`) reaches Redox.
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

// connectionFlagsGiven names, as "--flag", the flags given in fs that set up a source of the
// command line's own (connection.register's, but --parallel, which any source takes): beside a
// saved source or the sandbox they would be ignored.
func connectionFlagsGiven(fs *flag.FlagSet) []string {
	own := flag.NewFlagSet("", flag.ContinueOnError)
	new(connection).register(own, 1)
	var given []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "parallel" && own.Lookup(f.Name) != nil {
			given = append(given, "--"+f.Name)
		}
	})
	return given
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

// profile turns the connection flags into a source (not saved).
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

// sourceName is the value of --source NAME, a saved source, and of --profile, its earlier name
// kept for scripts: both set it, and naming two different sources is a mistake.
type sourceName struct {
	name  string
	given bool
}

func (s *sourceName) String() string { return s.name }

func (s *sourceName) Set(name string) error {
	if s.given && !strings.EqualFold(name, s.name) {
		return fmt.Errorf("name one source: %q or %q (--profile is the earlier name of --source)", s.name, name)
	}
	s.name, s.given = name, true
	return nil
}

// folderList is the value of a flag given once per folder (--watch DIR --watch DIR2), each made a
// full path from the folder the command runs in.
type folderList []string

func (l *folderList) String() string { return strings.Join(*l, ", ") }

func (l *folderList) Set(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	*l = append(*l, abs)
	return nil
}

// register adds --source and --profile to fs, with usage for --source.
func (s *sourceName) register(fs *flag.FlagSet, usage string) {
	fs.Var(s, "source", usage)
	fs.Var(s, "profile", "the earlier name of --source `NAME`, kept for scripts")
}

// flagOfField names the flag of source add that sets a source's field (app.FieldError.Field).
var flagOfField = map[string]string{
	"name":          "NAME",
	"environment":   "--environment",
	"auth":          "--auth",
	"apiKey":        "--api-key",
	"clientId":      "--client-id",
	"keyId":         "--key-id",
	"apiBase":       "--api-base",
	"uploadUrl":     "--upload-url",
	"maxSize":       "--max-size",
	"parallel":      "--parallel",
	"secret":        "--private-key",
	"watchFolders":  "--watch",
	"settleSeconds": "--settle",
}

// fieldFlag is the flag for a source's field, or the field's own name if no flag sets it.
func fieldFlag(field string) string {
	if f, ok := flagOfField[field]; ok {
		return f
	}
	return field
}

// flagChanges are the problems v lists, each after the flag to change: "--max-size: Set a
// size limit...".
func flagChanges(v *app.ValidationError) []string {
	changes := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		changes[i] = fieldFlag(p.Field) + ": " + p.Message
	}
	return changes
}

// flagProblems words the problems of a source made of connection flags on one line, each after
// the flag to change: the person gave flags, and saved no source.
func flagProblems(err error) error {
	var v *app.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	return errors.New(strings.Join(flagChanges(v), " "))
}

// givenFlags are the names of the flags given on the command line (not left at their defaults).
func givenFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// parseFlags parses a command's flags: flag.ErrHelp after --help (the usage printed), a
// *flagError after a mistake the flag package found, said in one line with where to find help
// (the flag package alone follows it with every flag the command has).
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
	case err != nil:
		fmt.Fprintf(out, "redox-uploader %s: %v\nRun 'redox-uploader %s --help' for its flags.\n", fs.Name(), err, fs.Name())
		return &flagError{err: err}
	}
	return err
}

// parseArgs parses flags that may come before, between or after the positional arguments
// ("source add NAME --api-key K"), which flag.Parse alone stops at. After "--" everything is
// positional. It returns the positional arguments, or parseFlags's error.
func parseArgs(fs *flag.FlagSet, args []string) (positional []string, err error) {
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
