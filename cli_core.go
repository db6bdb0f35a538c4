package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"redoxuploader/app"
)

// dataDirFlag registers --data-dir, which every subcommand that keeps state accepts.
func dataDirFlag(fs *flag.FlagSet) *string {
	return fs.String("data-dir", "", "keep settings and history in `DIR` instead of the user's folders (also $REDOX_UPLOADER_HOME)")
}

// openCore opens the app core in --data-dir, $REDOX_UPLOADER_HOME or the user's folders.
func openCore(dataDir string, env cliEnv) (*app.Core, error) {
	paths, err := app.DefaultPaths(env.getenv)
	if dataDir != "" {
		paths, err = app.PathsIn(dataDir), nil
	}
	if err != nil {
		return nil, err
	}
	return app.Open(paths, app.Options{KeychainService: env.getenv("REDOX_UPLOADER_KEYCHAIN_SERVICE")})
}

// closeCore lets running uploads finish for a few seconds, then cancels and journals them.
func closeCore(core *app.Core, env cliEnv) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := core.Close(ctx); err != nil {
		fmt.Fprintln(env.stderr, "redox-uploader: while closing:", err)
	}
}

// coreError prints a failure to open or use the core and returns exitFailed.
func coreError(env cliEnv, err error) int {
	fmt.Fprintln(env.stderr, "redox-uploader:", err)
	return exitFailed
}
