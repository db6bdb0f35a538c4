package main

import (
	"context"
	"fmt"
)

// runDiagnostics prints the support summary the window's Help → Copy diagnostics copies:
// version, system, sources without their secrets, network settings, recent failures.
func runDiagnostics(_ context.Context, args []string, env cliEnv) error {
	fs := newFlagSet("diagnostics", "[--data-dir DIR]", env)
	cf := dataDirFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("diagnostics: unexpected argument %q", fs.Arg(0))
	}
	core, err := openCore(cf, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	fmt.Fprint(env.stdout, core.Diagnostics(versionLine()))
	return nil
}
