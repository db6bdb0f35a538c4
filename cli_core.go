package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// coreFlags are the flags of every subcommand that opens the app core.
type coreFlags struct {
	dir     string // --data-dir
	verbose bool   // --verbose
}

// dataDirFlag registers --data-dir and --verbose, which every subcommand that keeps state
// accepts.
func dataDirFlag(fs *flag.FlagSet) *coreFlags {
	cf := &coreFlags{}
	fs.StringVar(&cf.dir, "data-dir", "", "keep settings, history and logs in `DIR` instead of the user's folders (also $REDOX_UPLOADER_HOME)")
	fs.BoolVar(&cf.verbose, "verbose", false, "write more detail to the log file (never secrets)")
	return cf
}

// resolve puts the command's own --data-dir and --verbose over the global ones given before
// the command (env.global).
func (cf *coreFlags) resolve(env cliEnv) coreFlags {
	r := env.global
	if cf.dir != "" {
		r.dir = cf.dir
	}
	r.verbose = r.verbose || cf.verbose
	return r
}

// openCore opens the app core for a command in --data-dir (the command's, else the global one),
// $REDOX_UPLOADER_HOME or the user's folders, with its log file. run are the command's
// choices for every client the core builds (see app.Options.ClientOptions).
func openCore(cf *coreFlags, env cliEnv, run ...app.ClientOption) (*app.Core, error) {
	return openCoreFor(app.SurfaceCommandLine, cf, env, run...)
}

// openCoreFor is openCore for the surface whose messages the core words: the window's advice
// names Settings, a command's names flags and commands.
func openCoreFor(surface app.Surface, cf *coreFlags, env cliEnv, run ...app.ClientOption) (*app.Core, error) {
	flags := cf.resolve(env)
	paths, err := corePaths(cf, env)
	if err != nil {
		return nil, err
	}
	if len(env.clientOptions) > 0 {
		run = append(run, app.WithClientOptions(env.clientOptions...))
	}
	core, err := app.Open(paths, app.Options{KeychainService: env.getenv("REDOX_UPLOADER_KEYCHAIN_SERVICE"), Logging: true,
		Verbose: flags.verbose, Surface: surface, ClientOptions: run, PolicyFile: env.policyFile})
	if err == nil {
		warnPolicyProblem(core.Policy(), env)
	}
	return core, err
}

// warnPolicyProblem says on standard error, once a command, that the organisation's policy
// could not be read in full, and what of it.
func warnPolicyProblem(p *app.Policy, env cliEnv) {
	if p == nil || p.Problem == nil {
		return
	}
	printError(env, "warning: your organisation's settings for Redox Uploader could not be read in full; "+
		"what could not be read is locked. Tell your IT department.")
	for _, line := range strings.Split(p.Problem.Error(), "\n") {
		fmt.Fprintf(env.stderr, "    (%s)\n", visible.Line(line))
	}
}

// corePaths are the folders openCore opens: --data-dir (the command's, else the global one),
// $REDOX_UPLOADER_HOME or the user's folders.
func corePaths(cf *coreFlags, env cliEnv) (app.Paths, error) {
	if dir := cf.resolve(env).dir; dir != "" {
		return app.PathsIn(dir), nil
	}
	return app.DefaultPaths(env.getenv)
}

// closeCore lets running uploads finish for a few seconds, then cancels and journals them.
func closeCore(core *app.Core, env cliEnv) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	switch err := core.Close(ctx); {
	case errors.Is(err, app.ErrNotSaved): // says itself which results, and their URIs
		printError(env, err.Error())
	case err != nil:
		printError(env, "while closing: "+err.Error())
	}
}
