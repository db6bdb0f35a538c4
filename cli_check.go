package main

import (
	"context"
	"fmt"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// runCheck tries the network path to Redox — the saved network settings, or the --proxy and
// --ca-file given — and says what it reached and how. It signs in to nothing and sends no
// file: IT can run it before any source is set up.
func runCheck(ctx context.Context, args []string, env cliEnv) error {
	fs := newFlagSet("check", "[--proxy MODE|URL] [--ca-file FILE]", env)
	cf := dataDirFlag(fs)
	var nf networkFlags
	nf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("check: unexpected argument %q", fs.Arg(0))
	}
	if err := nf.validate(); err != nil {
		return usagef("check: %v", err)
	}
	core, err := openCore(cf, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	ns, err := nf.settings(core)
	if err != nil {
		return err
	}
	check, err := core.CheckNetwork(ctx, ns, env.getenv("REDOX_PROXY_PASSWORD"))
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, visible.Line(check.String()))
	return nil
}

// checkSummary is the command's line in the help.
var checkSummary = fmt.Sprintf("check that Redox can be reached through the network settings (no sign-in; at most %d s)",
	int(app.NetworkCheckTimeout.Seconds()))
