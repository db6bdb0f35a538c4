package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// sourceActions are the verbs of `redox-uploader source` (also `profile`, its earlier name), in
// the order help lists them.
var sourceActions = []struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, env cliEnv) error
}{
	{"add", "NAME [FLAGS]", "save a Redox source (no secret: see set-secret)", runSourceAdd},
	{"list", "", "list the saved sources and whether each has its secret", runSourceList},
	{"show", "NAME", "print every setting of a source (never its secret)", runSourceShow},
	{"set-secret", "NAME < FILE", "store the API secret, private key or token read from stdin in the keychain", runSourceSetSecret},
	{"provision", "NAME < FILE", "as an administrator: store a managed source's secret for every user of this computer", runSourceProvision},
	{"unprovision", "NAME", "as an administrator: remove the secret stored for every user", runSourceUnprovision},
	{"test", "NAME", "sign in to Redox and print how long the access token is valid", runSourceTest},
	{"remove", "NAME", "delete a source from the settings and its secret from the keychain", runSourceRemove},
}

// runSource runs one action on the saved sources: `redox-uploader source ACTION`.
func runSource(ctx context.Context, args []string, env cliEnv) error {
	if len(args) == 0 {
		sourceUsage(env.stderr)
		return &flagError{err: errors.New("source: no action given")}
	}
	switch args[0] {
	case "help", "-h", "--help":
		sourceUsage(env.stdout)
		return nil
	}
	for _, a := range sourceActions {
		if a.name == args[0] {
			return a.run(ctx, args[1:], env)
		}
	}
	return usagef("source: unknown action %q (want add, list, show, set-secret, test or remove)", args[0])
}

func sourceUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: redox-uploader source ACTION [NAME] [FLAGS]")
	fmt.Fprintln(w, "\nA source is a Redox source saved under a name. Its settings are saved in settings.json; its secret")
	fmt.Fprintln(w, "only in the system keychain. Actions:")
	for _, a := range sourceActions {
		fmt.Fprintf(w, "  %-11s %s\n", a.name, a.summary)
	}
	fmt.Fprintln(w, "\nRun 'redox-uploader source ACTION --help' for an action's flags.")
	fmt.Fprintln(w, "'redox-uploader profile ACTION' is the same command under its earlier name, kept for scripts.")
}

// oneName returns the one source name given to action.
func oneName(action string, args []string) (string, error) {
	switch len(args) {
	case 1:
		return args[0], nil
	case 0:
		return "", usagef("source %s: name the source", action)
	}
	return "", usagef("source %s: one source at a time (got %d names; quote a name with spaces)", action, len(args))
}

// openForSource parses the flags and the one NAME of a source action, refuses the built-in
// Sandbox with sandboxRefusal (when it is not ""), and opens the core. It returns the --data-dir
// in effect too, to repeat in the commands it suggests.
func openForSource(action, synopsis string, args []string, env cliEnv, sandboxRefusal string) (core *app.Core, name, dataDir string, err error) {
	fs, dir := sourceFlagSet(action, synopsis, env)
	names, err := parseArgs(fs, args)
	if err != nil {
		return nil, "", "", err
	}
	if name, err = oneName(action, names); err != nil {
		return nil, "", "", err
	}
	if sandboxRefusal != "" && strings.EqualFold(name, app.SandboxProfileName) {
		return nil, "", "", errors.New(sandboxRefusal)
	}
	if core, err = openCore(dir, env); err != nil {
		return nil, "", "", err
	}
	return core, name, dir.resolve(env).dir, nil
}

// openSourceProfile is openForSource that also looks the source up; on an error the core is
// closed already, otherwise the caller closes it.
func openSourceProfile(action, synopsis string, args []string, env cliEnv, sandboxRefusal string) (*app.Core, app.Profile, string, error) {
	core, name, dataDir, err := openForSource(action, synopsis, args, env, sandboxRefusal)
	if err != nil {
		return nil, app.Profile{}, "", err
	}
	p, err := core.Profile(name)
	if err != nil {
		closeCore(core, env)
		return nil, app.Profile{}, "", err
	}
	return core, p, dataDir, nil
}

// sourceFlagSet is the flag set of `source ACTION`, with --data-dir.
func sourceFlagSet(action, synopsis string, env cliEnv) (*flag.FlagSet, *coreFlags) {
	fs := newFlagSet("source "+action, synopsis, env)
	return fs, dataDirFlag(fs)
}

// runSourceAdd saves a source made of the connection flags, with the private key of
// --private-key in the keychain, and says what to do next.
func runSourceAdd(ctx context.Context, args []string, env cliEnv) error {
	var c connection
	fs, dataDir := sourceFlagSet("add", "NAME [FLAGS]", env)
	c.register(fs, 3)
	environment := fs.String("environment", string(app.EnvDevelopment), "the Redox environment of this source: Development, Staging or Production")
	replace := fs.Bool("replace", false, "overwrite a saved source of the same name")
	var watch folderList
	fs.Var(&watch, "watch", "a `FOLDER` whose new files are sent to this source, watched by the window and by 'watch --source NAME' (repeat for more)")
	settle := fs.Int("settle", 0, fmt.Sprintf("a watched file is complete once unchanged for `SECONDS` (1 to %d; default %d)",
		app.MaxSettleSeconds, int(app.DefaultWatchSettle.Seconds())))
	names, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	name, err := oneName("add", names)
	if err != nil {
		return err
	}
	p, err := c.profile(name, env)
	if err != nil {
		return usagef("source add: %v", err)
	}
	p.Environment = app.Environment(canonicalEnvironment(*environment))
	p.WatchFolders, p.SettleSeconds = watch, *settle
	if p.Environment == app.EnvSandbox {
		return usagef("source add: --environment must be Development, Staging or Production; the Sandbox source is built in")
	}
	if err := p.Validate(); err != nil {
		var v *app.ValidationError
		if !errors.As(err, &v) {
			return usagef("source add: %v", err)
		}
		return &usageError{msg: fmt.Sprintf("source add: the source %q needs changes:", name), changes: flagChanges(v)}
	}
	// A private key named with --private-key goes to the keychain, never to the settings.
	var pemKey []byte
	if c.pkey != "" {
		if p.Auth != app.AuthOAuth {
			return usagef("source add: --private-key is only for --auth oauth")
		}
		if pemKey, err = app.ReadPrivateKeyFile(c.pkey); err != nil {
			return usagef("source add: --private-key: %v", err)
		}
		if _, err := client.ParsePrivateKey(pemKey); err != nil {
			return usagef("source add: the private key in %s cannot be used: %v", c.pkey, err)
		}
	}

	core, err := openCore(dataDir, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	saved, err := core.SaveProfile(p, app.SaveProfileOptions{Secret: string(pemKey), Replace: *replace})
	var taken *app.ProfileExistsError
	switch {
	case errors.As(err, &taken):
		return app.Sentencef("a source named %q already exists. Run again with --replace to overwrite it, or choose another name.", taken.Name)
	case errors.Is(err, app.ErrSetByOrganisation):
		return err // one sentence that says it all
	case err != nil:
		return fmt.Errorf("the source %q was not saved: %w", p.Name, flagProblems(err))
	}
	fmt.Fprintf(env.stdout, "Saved source %q: %s, %s, uploads to %s.\n", p.Name, envLabel(p.Environment), p.Auth.Label(), visible.Name(p.UploadHost()))
	dir := dataDirArg(dataDir.resolve(env).dir)
	if n := len(p.WatchFolders); n > 0 {
		fmt.Fprintf(env.stdout, "Its %d watched folder(s) are watched while the window is open, or by: redox-uploader watch --source %s%s\n",
			n, app.ShellQuote(p.Name), dir)
	}
	next := "redox-uploader source set-secret " + app.ShellQuote(p.Name) + dir + " < FILE"
	switch saved.Secret {
	case app.SecretStored:
		fmt.Fprintln(env.stdout, "Stored its private key in the keychain.")
		fmt.Fprintf(env.stdout, "Next, check that it signs in: redox-uploader source test %s%s\n", app.ShellQuote(p.Name), dir)
	case app.SecretKept:
		fmt.Fprintln(env.stdout, "The secret already stored in the keychain for it is kept.")
		fmt.Fprintf(env.stdout, "To replace it: %s\n", next)
	default:
		fmt.Fprintf(env.stdout, "Next, store its %s in the keychain (FILE holds it; nothing else does):\n  %s\n", p.Auth.SecretName(), next)
	}
	return nil
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

// runSourceList prints the saved sources and the built-in Sandbox, and whether each has its
// secret.
func runSourceList(ctx context.Context, args []string, env cliEnv) error {
	fs, dataDir := sourceFlagSet("list", "", env)
	names, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		return usagef("source list: unexpected argument %q", names[0])
	}
	core, err := openCore(dataDir, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	st, err := core.LoadSettings()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENT\tSIGN-IN\tUPLOAD HOST\tSECRET\tSET-BY")
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
			secret += "; needs changes (see source show)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", visible.Name(p.Name), envLabel(p.Environment), visible.Name(string(p.Auth)),
			visible.Name(p.UploadHost()), secret, setBy(p))
	}
	if core.Policy().SandboxOffered() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", app.SandboxProfileName, app.EnvSandbox, "built in", "this computer only",
			"demo credentials", "built in")
	}
	tw.Flush()
	if len(st.Profiles) == 0 {
		fmt.Fprintln(env.stdout, "No saved sources yet. Add one with: redox-uploader source add NAME --auth legacy --api-key KEY")
	}
	if keychainErr != nil { // the list is printed all the same: a note, not a failure
		printError(env, keychainErr.Error())
	}
	return nil
}

// setBy says who set a source up: the organisation's policy, or the user.
func setBy(p app.Profile) string {
	if p.Managed {
		return "organisation"
	}
	return "you"
}

// envLabel spells Production in capitals, so nobody mistakes it for a test source.
func envLabel(e app.Environment) string {
	if e == app.EnvProduction {
		return "PRODUCTION"
	}
	return string(e)
}

// runSourceShow prints every setting of a source, whether its secret is stored (never the
// secret) and what it needs changed.
func runSourceShow(ctx context.Context, args []string, env cliEnv) error {
	core, name, dataDir, err := openForSource("show", "NAME", args, env, "")
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	w := env.stdout
	if strings.EqualFold(name, app.SandboxProfileName) {
		fmt.Fprintf(w, "name: %s\nenvironment: %s\nbuilt in: yes; uploads go to a local stand-in of Redox on 127.0.0.1 and never leave this computer\nsecret: demo credentials, built in\n",
			app.SandboxProfileName, app.EnvSandbox)
		return nil
	}
	p, err := core.Profile(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "name: %s\n", visible.Name(p.Name))
	fmt.Fprintf(w, "environment: %s\n", envLabel(p.Environment))
	if label := p.Auth.Label(); label != "" {
		fmt.Fprintf(w, "auth: %s — %s\n", visible.Name(string(p.Auth)), label)
	} else {
		fmt.Fprintf(w, "auth: %s\n", visible.Name(string(p.Auth)))
	}
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
	for _, dir := range p.WatchFolders {
		fmt.Fprintf(w, "watched folder: %s\n", visible.Name(dir))
	}
	if len(p.WatchFolders) > 0 {
		fmt.Fprintf(w, "settle: %s\n", app.WaitText(p.WatchSettle()))
	}
	switch _, err := core.Secrets.Secret(p); {
	case err == nil:
		fmt.Fprintln(w, "secret: stored in the keychain")
	case errors.Is(err, app.ErrSecretNotFound):
		fmt.Fprintln(w, "secret: not set")
		fmt.Fprintf(w, "  store the %s with: redox-uploader source set-secret %s%s < FILE\n", p.Auth.SecretName(), app.ShellQuote(p.Name), dataDirArg(dataDir))
	default: // the settings are shown all the same: a note, not a failure
		fmt.Fprintln(w, "secret: unknown, keychain unavailable")
		printError(env, err.Error())
	}
	var v *app.ValidationError
	if errors.As(p.Validate(), &v) {
		fmt.Fprintln(w, "needs changes (uploads through it are refused until then):")
		for _, change := range flagChanges(v) {
			fmt.Fprintln(w, "  "+change)
		}
	}
	return nil
}

// runSourceRemove deletes a source from the settings and its secret and cached token from the
// keychain; its uploads stay in the history.
func runSourceRemove(ctx context.Context, args []string, env cliEnv) error {
	core, name, _, err := openForSource("remove", "NAME", args, env, "the Sandbox source is built in and cannot be removed.")
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	p, _, err := core.RemoveProfile(name)
	var left *app.SecretsLeftError
	switch {
	case errors.Is(err, app.ErrNoProfile):
		return app.Sentencef("there is no source named %q. 'redox-uploader source list' shows the saved ones.", name)
	case errors.As(err, &left):
		return withNextSteps(fmt.Errorf("the source %q was removed from the settings, but its keychain entries were not: %w", p.Name, left.Err),
			"Once the keychain is available, add the source again and remove it, or delete the entries by hand.")
	case err != nil:
		return err
	}
	fmt.Fprintf(env.stdout, "Removed source %q and its keychain entries. Its uploads stay in the history.\n", p.Name)
	return nil
}

// noSandboxSecret refuses a secret for the Sandbox source.
const noSandboxSecret = "the Sandbox source is built in and uses demo credentials; it has no secret to store."

// maxSecretInput caps what set-secret reads: far more than any key, secret or token.
const maxSecretInput = app.MaxSecretSize

// runSourceSetSecret stores the secret read from standard input in the keychain for a source.
func runSourceSetSecret(ctx context.Context, args []string, env cliEnv) error {
	core, p, dataDir, err := openSourceProfile("set-secret", "NAME < FILE", args, env, noSandboxSecret)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	secret, err := readSecretInput(p, "set-secret", env)
	if err != nil {
		return err
	}
	if err := core.Secrets.SetSecret(p, secret); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "Stored in the keychain.")
	fmt.Fprintf(env.stdout, "Check that it signs in: redox-uploader source test %s%s\n", app.ShellQuote(p.Name), dataDirArg(dataDir))
	return nil
}

// runSourceTest signs in to Redox with a source and prints how long the access token is valid.
func runSourceTest(ctx context.Context, args []string, env cliEnv) error {
	core, p, _, err := openSourceProfile("test", "NAME", args, env, "")
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	cl, err := core.Client(p)
	if err != nil {
		return err
	}
	if p.Auth == app.AuthToken {
		fmt.Fprintln(env.stdout, "The access token is stored in the keychain. Redox has no way to check a token before an upload:")
		fmt.Fprintln(env.stdout, "it is checked when the first file is sent, and a refusal then says so.")
		return nil
	}
	tok, err := cl.Authenticate(ctx)
	if err != nil {
		return err
	}
	until := "does not expire"
	if !tok.Expires.IsZero() {
		until = "is valid until " + tok.Expires.Local().Format("2006-01-02 15:04:05 MST")
	}
	fmt.Fprintf(env.stdout, "Signed in to Redox (%s). The access token %s.\n", visible.Name(p.SourceID()), until)
	return nil
}

// dataDirArg repeats --data-dir in a suggested command line when the user gave it.
func dataDirArg(dir string) string {
	if dir == "" {
		return ""
	}
	return " --data-dir " + app.ShellQuote(dir)
}
