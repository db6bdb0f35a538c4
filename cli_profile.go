package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// profileActions are the verbs of `redox-uploader profile`, in the order help lists them.
var profileActions = []struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, env cliEnv) int
}{
	{"add", "NAME [FLAGS]", "save a Redox source (no secret: see set-secret)", runProfileAdd},
	{"list", "", "list the saved sources and whether each has its secret", runProfileList},
	{"show", "NAME", "print every setting of a source (never its secret)", runProfileShow},
	{"set-secret", "NAME < FILE", "store the API secret, private key or token read from stdin in the keychain", runProfileSetSecret},
	{"test", "NAME", "sign in to Redox and print how long the access token is valid", runProfileTest},
	{"remove", "NAME", "delete a source from the settings and its secret from the keychain", runProfileRemove},
}

func runProfile(ctx context.Context, args []string, env cliEnv) int {
	if len(args) == 0 {
		profileUsage(env.stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "--help":
		profileUsage(env.stdout)
		return exitOK
	}
	for _, a := range profileActions {
		if a.name == args[0] {
			return a.run(ctx, args[1:], env)
		}
	}
	return usageError(env, "profile: unknown action %q (want add, list, show, set-secret, test or remove)", args[0])
}

func profileUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: redox-uploader profile ACTION [NAME] [FLAGS]")
	fmt.Fprintln(w, "\nA profile is one Redox source. Its settings are saved in settings.json; its secret only in the")
	fmt.Fprintln(w, "system keychain. Actions:")
	for _, a := range profileActions {
		fmt.Fprintf(w, "  %-11s %s\n", a.name, a.summary)
	}
	fmt.Fprintln(w, "\nRun 'redox-uploader profile ACTION --help' for an action's flags.")
}

// parseArgs parses flags that may come before, between or after the positional arguments
// ("profile add NAME --api-key K"), which flag.Parse alone stops at. After "--" everything is
// positional. It returns the positional arguments, or the exit code after --help or a flag
// error (already printed by fs): ok is false then.
func parseArgs(fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		} else if err != nil {
			return nil, exitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, exitOK, true
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), exitOK, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// oneName checks that exactly one profile name was given.
func oneName(env cliEnv, action string, args []string) (string, int) {
	switch len(args) {
	case 1:
		return args[0], exitOK
	case 0:
		return "", usageError(env, "profile %s: name the profile", action)
	}
	return "", usageError(env, "profile %s: one profile at a time (got %d names; quote a name with spaces)", action, len(args))
}

// profileFlagSet is the flag set of `profile ACTION` with --data-dir.
// openForProfile parses the flags and the one NAME of a profile action, refuses the built-in
// Sandbox with sandboxRefusal (when it is not ""), and opens the core. A nil core means the
// action is over, with code.
func openForProfile(action, synopsis string, args []string, env cliEnv, sandboxRefusal string) (core *app.Core, name, dataDir string, code int) {
	fs, dir := profileFlagSet(action, synopsis, env)
	names, code, ok := parseArgs(fs, args)
	if !ok {
		return nil, "", "", code
	}
	name, code = oneName(env, action, names)
	if code != exitOK {
		return nil, "", "", code
	}
	if sandboxRefusal != "" && strings.EqualFold(name, app.SandboxProfileName) {
		fmt.Fprintln(env.stderr, sandboxRefusal)
		return nil, "", "", exitFailed
	}
	core, err := openCore(dir, env)
	if err != nil {
		return nil, "", "", coreError(env, err)
	}
	return core, name, dir.resolve(env).dir, exitOK
}

func profileFlagSet(action, synopsis string, env cliEnv) (*flag.FlagSet, *coreFlags) {
	fs := newFlagSet("profile "+action, synopsis, env)
	return fs, dataDirFlag(fs)
}

// flagOfField names the profile add flag that sets a profile field (app.FieldError.Field).
var flagOfField = map[string]string{
	"name":        "NAME",
	"environment": "--environment",
	"auth":        "--auth",
	"apiKey":      "--api-key",
	"clientId":    "--client-id",
	"keyId":       "--key-id",
	"apiBase":     "--api-base",
	"uploadUrl":   "--upload-url",
	"maxSize":     "--max-size",
	"parallel":    "--parallel",
	"secret":      "--private-key",
}

// fieldFlag is the flag for a profile field, or the field's own name if no flag sets it.
func fieldFlag(field string) string {
	if f, ok := flagOfField[field]; ok {
		return f
	}
	return field
}

func runProfileAdd(ctx context.Context, args []string, env cliEnv) int {
	var c connection
	fs, dataDir := profileFlagSet("add", "NAME [FLAGS]", env)
	c.register(fs, 3)
	environment := fs.String("environment", string(app.EnvDevelopment), "the Redox environment of this source: Development, Staging or Production")
	replace := fs.Bool("replace", false, "overwrite a saved profile of the same name")
	names, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	name, code := oneName(env, "add", names)
	if code != exitOK {
		return code
	}
	p, err := c.profile(name, env)
	if err != nil {
		return usageError(env, "profile add: %v", err)
	}
	p.Environment = app.Environment(canonicalEnvironment(*environment))
	if p.Environment == app.EnvSandbox {
		return usageError(env, "profile add: --environment must be Development, Staging or Production; the Sandbox profile is built in")
	}
	if err := p.Validate(); err != nil {
		var v *app.ValidationError
		if !errors.As(err, &v) {
			return usageError(env, "profile add: %v", err)
		}
		fmt.Fprintf(env.stderr, "redox-uploader: profile add: the profile %q needs changes:\n", name)
		for _, prob := range v.Problems {
			fmt.Fprintf(env.stderr, "  %s: %s\n", fieldFlag(prob.Field), prob.Message)
		}
		return exitUsage
	}
	// A private key named with --private-key goes to the keychain, never to the settings.
	var pemKey []byte
	if c.pkey != "" {
		if p.Auth != app.AuthOAuth {
			return usageError(env, "profile add: --private-key is only for --auth oauth")
		}
		if pemKey, err = app.ReadPrivateKeyFile(c.pkey); err != nil {
			return usageError(env, "profile add: --private-key: %v", err)
		}
		if _, err := client.ParsePrivateKey(pemKey); err != nil {
			return usageError(env, "profile add: the private key in %s cannot be used: %v", c.pkey, err)
		}
	}

	core, err := openCore(dataDir, env)
	if err != nil {
		return coreError(env, err)
	}
	defer closeCore(core, env)
	saved, err := core.SaveProfile(p, app.SaveProfileOptions{Secret: string(pemKey), Replace: *replace})
	var taken *app.ProfileExistsError
	switch {
	case errors.As(err, &taken):
		return coreError(env, fmt.Errorf("a profile named %q already exists. Run again with --replace to overwrite it, or choose another name.", taken.Name))
	case err != nil:
		return coreError(env, fmt.Errorf("the profile %q was not saved: %w", p.Name, flagProblems(err)))
	}
	fmt.Fprintf(env.stdout, "Saved profile %q: %s, %s, uploads to %s.\n", p.Name, envLabel(p.Environment), authLabel(p.Auth), hostOf(p.UploadURL))
	dir := dataDirArg(dataDir.resolve(env).dir)
	next := "redox-uploader profile set-secret " + quoteArg(p.Name) + dir + " < FILE"
	switch saved.Secret {
	case app.SecretStored:
		fmt.Fprintln(env.stdout, "Stored its private key in the keychain.")
		fmt.Fprintf(env.stdout, "Next, check that it signs in: redox-uploader profile test %s%s\n", quoteArg(p.Name), dir)
	case app.SecretKept:
		fmt.Fprintln(env.stdout, "The secret already stored in the keychain for it is kept.")
		fmt.Fprintf(env.stdout, "To replace it: %s\n", next)
	default:
		fmt.Fprintf(env.stdout, "Next, store its %s in the keychain (FILE holds it; nothing else does):\n  %s\n", p.Auth.SecretName(), next)
	}
	return exitOK
}

// canonicalEnvironment accepts an environment name in any case.
func canonicalEnvironment(s string) string {
	for _, e := range []app.Environment{app.EnvDevelopment, app.EnvStaging, app.EnvProduction, app.EnvSandbox} {
		if strings.EqualFold(s, string(e)) {
			return string(e)
		}
	}
	return s
}

func runProfileList(ctx context.Context, args []string, env cliEnv) int {
	fs, dataDir := profileFlagSet("list", "", env)
	names, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(names) > 0 {
		return usageError(env, "profile list: unexpected argument %q", names[0])
	}
	core, err := openCore(dataDir, env)
	if err != nil {
		return coreError(env, err)
	}
	defer closeCore(core, env)
	st, err := core.LoadSettings()
	if err != nil {
		return coreError(env, err)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENT\tSIGN-IN\tUPLOAD HOST\tSECRET")
	var keychainErr error // after the first failure, the keychain is not asked again
	for _, p := range st.Profiles {
		secret := "keychain unavailable"
		if keychainErr == nil {
			switch _, err := core.Secrets.Secret(p); {
			case err == nil:
				secret = "secret stored"
			case errors.Is(err, app.ErrSecretNotFound):
				secret = "no secret"
			default:
				keychainErr = err
			}
		}
		if p.Validate() != nil {
			secret += "; needs changes (see profile show)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", visible.Name(p.Name), envLabel(p.Environment), visible.Name(string(p.Auth)), hostOf(p.UploadURL), secret)
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", app.SandboxProfileName, app.EnvSandbox, "built in", "this computer only", "demo credentials")
	tw.Flush()
	if len(st.Profiles) == 0 {
		fmt.Fprintln(env.stdout, "No saved profiles yet. Add one with: redox-uploader profile add NAME --auth legacy --api-key KEY")
	}
	if keychainErr != nil {
		printError(env, keychainErr.Error())
	}
	return exitOK
}

// envLabel spells Production in capitals, so nobody mistakes it for a test source.
func envLabel(e app.Environment) string {
	if e == app.EnvProduction {
		return "PRODUCTION"
	}
	return string(e)
}

func runProfileShow(ctx context.Context, args []string, env cliEnv) int {
	core, name, dataDir, code := openForProfile("show", "NAME", args, env, "")
	if core == nil {
		return code
	}
	defer closeCore(core, env)
	w := env.stdout
	if strings.EqualFold(name, app.SandboxProfileName) {
		fmt.Fprintf(w, "name: %s\nenvironment: %s\nbuilt in: yes; uploads go to a local stand-in of Redox on 127.0.0.1 and never leave this computer\nsecret: demo credentials, built in\n",
			app.SandboxProfileName, app.EnvSandbox)
		return exitOK
	}
	p, err := core.Profile(name)
	if err != nil {
		return coreError(env, err)
	}
	fmt.Fprintf(w, "name: %s\n", visible.Name(p.Name))
	fmt.Fprintf(w, "environment: %s\n", envLabel(p.Environment))
	fmt.Fprintf(w, "auth: %s (%s)\n", visible.Name(string(p.Auth)), authLabel(p.Auth))
	switch p.Auth {
	case app.AuthLegacy:
		fmt.Fprintf(w, "api-key: %s\n", visible.Name(p.APIKey))
	case app.AuthOAuth:
		fmt.Fprintf(w, "client-id: %s\nkey-id: %s\n", visible.Name(p.ClientID), visible.Name(p.KeyID))
	}
	fmt.Fprintf(w, "api-base: %s\n", visible.Name(p.APIBase))
	fmt.Fprintf(w, "upload-url: %s\n", visible.Name(p.UploadURL))
	fmt.Fprintf(w, "max-size: %d bytes (%s)\n", p.MaxSize, client.HumanSize(p.MaxSize))
	fmt.Fprintf(w, "parallel: %d\n", p.Parallel)
	fmt.Fprintf(w, "source: %s\n", visible.Name(p.SourceID()))
	switch _, err := core.Secrets.Secret(p); {
	case err == nil:
		fmt.Fprintln(w, "secret: stored in the keychain")
	case errors.Is(err, app.ErrSecretNotFound):
		fmt.Fprintln(w, "secret: not set")
		fmt.Fprintf(w, "  store the %s with: redox-uploader profile set-secret %s%s < FILE\n", p.Auth.SecretName(), quoteArg(p.Name), dataDirArg(dataDir))
	default:
		fmt.Fprintln(w, "secret: unknown, keychain unavailable")
		printError(env, err.Error())
	}
	var v *app.ValidationError
	if errors.As(p.Validate(), &v) {
		fmt.Fprintln(w, "needs changes (uploads through it are refused until then):")
		for _, prob := range v.Problems {
			fmt.Fprintf(w, "  %s: %s\n", fieldFlag(prob.Field), prob.Message)
		}
	}
	return exitOK
}

func runProfileRemove(ctx context.Context, args []string, env cliEnv) int {
	core, name, _, code := openForProfile("remove", "NAME", args, env, "redox-uploader: the Sandbox profile is built in and cannot be removed.")
	if core == nil {
		return code
	}
	defer closeCore(core, env)
	p, _, err := core.RemoveProfile(name)
	var left *app.SecretsLeftError
	switch {
	case errors.Is(err, app.ErrNoProfile):
		return coreError(env, fmt.Errorf("there is no profile named %q. 'redox-uploader profile list' shows the saved ones.", name))
	case errors.As(err, &left):
		fmt.Fprintf(env.stderr, "redox-uploader: the profile %q was removed from the settings, but its keychain entries were not: %v\n", p.Name, left.Err)
		fmt.Fprintln(env.stderr, "Once the keychain is available, add the profile again and remove it, or delete the entries by hand.")
		return exitFailed
	case err != nil:
		return coreError(env, err)
	}
	fmt.Fprintf(env.stdout, "Removed profile %q and its keychain entries. Its uploads stay in the history.\n", p.Name)
	return exitOK
}

// maxSecretInput caps what set-secret reads: far more than any key, secret or token.
const maxSecretInput = app.MaxSecretSize

func runProfileSetSecret(ctx context.Context, args []string, env cliEnv) int {
	core, name, dataDir, code := openForProfile("set-secret", "NAME < FILE", args, env, "redox-uploader: the Sandbox profile is built in and uses demo credentials; it has no secret to store.")
	if core == nil {
		return code
	}
	defer closeCore(core, env)
	p, err := core.Profile(name)
	if err != nil {
		return coreError(env, err)
	}
	if f, ok := env.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(env.stderr, "Paste the %s, then press Enter and Ctrl+D (Ctrl+Z, Enter on Windows).\n"+
				"Better: redox-uploader profile set-secret %s < FILE, so it is not shown on the screen.\n", p.Auth.SecretName(), quoteArg(p.Name))
		}
	}
	data, err := io.ReadAll(io.LimitReader(env.stdin, maxSecretInput+1))
	defer func() { clear(data) }()
	switch {
	case err != nil:
		fmt.Fprintln(env.stderr, "redox-uploader: reading standard input:", err)
		return exitFailed
	case len(data) > maxSecretInput:
		fmt.Fprintf(env.stderr, "redox-uploader: standard input holds more than %s, more than any %s holds. Pipe in the file that holds only the %s.\n",
			client.HumanSize(maxSecretInput), p.Auth.SecretName(), p.Auth.SecretName())
		return exitFailed
	}
	secret := strings.TrimRight(string(data), "\r\n")
	if strings.TrimFunc(secret, unicode.IsSpace) == "" {
		fmt.Fprintf(env.stderr, "redox-uploader: nothing was read from standard input. Pipe in the %s: redox-uploader profile set-secret %s < FILE\n",
			p.Auth.SecretName(), quoteArg(p.Name))
		return exitFailed
	}
	if err := core.Secrets.SetSecret(p, secret); err != nil {
		printError(env, err.Error())
		return exitFailed
	}
	fmt.Fprintln(env.stdout, "Stored in the keychain.")
	fmt.Fprintf(env.stdout, "Check that it signs in: redox-uploader profile test %s%s\n", quoteArg(p.Name), dataDirArg(dataDir))
	return exitOK
}

func runProfileTest(ctx context.Context, args []string, env cliEnv) int {
	core, name, _, code := openForProfile("test", "NAME", args, env, "")
	if core == nil {
		return code
	}
	defer closeCore(core, env)
	p, err := core.Profile(name)
	if err != nil {
		return coreError(env, err)
	}
	cl, err := core.Client(p)
	if err != nil {
		return plainError(env, err)
	}
	if p.Auth == app.AuthToken {
		fmt.Fprintln(env.stdout, "The access token is stored in the keychain. Redox has no way to check a token before an upload:")
		fmt.Fprintln(env.stdout, "it is checked when the first file is sent, and a refusal then says so.")
		return exitOK
	}
	tok, err := cl.Authenticate(ctx)
	if err != nil {
		return plainError(env, err)
	}
	until := "does not expire"
	if !tok.Expires.IsZero() {
		until = "is valid until " + tok.Expires.Local().Format("2006-01-02 15:04:05 MST")
	}
	fmt.Fprintf(env.stdout, "Signed in to Redox (%s). The access token %s.\n", visible.Name(p.SourceID()), until)
	return exitOK
}

// plainError prints err's plain message and, when it adds something, its technical detail for
// IT (never a secret), and returns exitFailed.
func plainError(env cliEnv, err error) int {
	printError(env, app.SurfaceCommandLine.Explain(err))
	if d := client.Detail(err); d != "" && d != err.Error() {
		fmt.Fprintf(env.stderr, "    (%s)\n", visible.Line(d))
	}
	return exitFailed
}

// authLabel says in words how a profile signs in.
func authLabel(m app.AuthMethod) string {
	switch m {
	case app.AuthLegacy:
		return "legacy API key and secret"
	case app.AuthOAuth:
		return "OAuth client ID and private key"
	case app.AuthToken:
		return "access token from IT"
	}
	return string(m)
}

// hostOf is the host (and port) of an address, or the address itself if it has none.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return visible.Name(u.Host)
	}
	return visible.Name(raw)
}

// dataDirArg repeats --data-dir in a suggested command line when the user gave it.
func dataDirArg(dir string) string {
	if dir == "" {
		return ""
	}
	return " --data-dir " + quoteArg(dir)
}

// quoteArg quotes s for a POSIX shell command line a person can paste, when it needs it.
func quoteArg(s string) string {
	safe := func(r rune) bool {
		return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.@+/:=,", r))
	}
	if s != "" && !slices.ContainsFunc([]rune(s), func(r rune) bool { return !safe(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(visible.Name(s), "'", `'\''`) + "'"
}
