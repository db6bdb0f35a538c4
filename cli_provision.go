package main

import (
	"context"
	"fmt"

	"redoxuploader/app"
)

// runSourceProvision stores a managed source's secret, read from standard input, for every user
// of this computer (app.MachineSecrets): `source provision NAME < FILE`, run by an administrator.
func runSourceProvision(ctx context.Context, args []string, env cliEnv) error {
	core, p, _, err := openSourceProfile("provision", "NAME < FILE", args, env, noSandboxSecret)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	if !p.Managed {
		return app.ErrNotManaged
	}
	secret, err := readSecretInput(p, "provision", env)
	if err != nil {
		return err
	}
	if err := core.Secrets.Machine.Store(p, secret); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Stored for every user of this computer, in %s.\n", core.Secrets.Machine.Dir)
	fmt.Fprintf(env.stdout, "A user without a secret of their own for %q now signs in with it.\n", p.Name)
	return nil
}

// runSourceUnprovision removes the secret stored for every user: `source unprovision NAME`.
func runSourceUnprovision(ctx context.Context, args []string, env cliEnv) error {
	core, p, _, err := openSourceProfile("unprovision", "NAME", args, env, noSandboxSecret)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	if err := core.Secrets.Machine.Remove(p); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Removed the secret stored for every user of this computer for %q; users' own secrets stay.\n", p.Name)
	return nil
}
