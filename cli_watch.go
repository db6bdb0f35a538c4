package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// runWatch sends the files that appear in folders to a saved source (or the sandbox) until
// Ctrl+C or SIGTERM, printing one line per file: time, name, outcome, then the URI, where in
// its folder it was moved and why. Without folders named, it watches the source's own watched
// folders (what Settings or the organisation's policy set): what a service run for a managed
// source wants. Either way the source's settle time applies unless --settle says otherwise.
// Uploads under way when it is stopped finish for a few seconds, then are cancelled and
// journaled; their files stay and are sent at the next start.
func runWatch(ctx context.Context, args []string, env cliEnv) error {
	var (
		source  sourceName
		sandbox bool
		settle  float64
		rescan  float64
	)
	fs := newFlagSet("watch", "--source NAME [--settle SECONDS] [DIR...]", env)
	source.register(fs, "send the files to the saved source `NAME`")
	fs.BoolVar(&sandbox, "sandbox", false, "send to the built-in local Redox stand-in (nothing leaves this computer)")
	fs.Float64Var(&settle, "settle", app.DefaultWatchSettle.Seconds(),
		"a file is complete once its size and time have not changed for `SECONDS` (default: the source's settle time)")
	fs.Float64Var(&rescan, "rescan", app.DefaultWatchRescan.Seconds(),
		"list the folders again every `SECONDS` (network drives send no change events; folders gone are looked for again)")
	dataDir := dataDirFlag(fs)
	given, err := parseArgs(fs, args) // flags after the folders too
	if err != nil {
		return err
	}
	keepSendingWhenOutputCloses() // a watcher whose output is gone goes on sending
	switch {
	case sandbox && len(given) == 0:
		return usagef("watch: name at least one folder to watch")
	case source.given == sandbox:
		return usagef("watch: use either --source NAME or --sandbox")
	case settle < 0.1 || settle > 3600:
		return usagef("watch: --settle must be between 0.1 and 3600 seconds")
	case rescan < 0.1 || rescan > 3600:
		return usagef("watch: --rescan must be between 0.1 and 3600 seconds")
	}
	core, err := openCore(dataDir, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	if err := core.ReadOnly(); err != nil {
		return err
	}
	var p app.Profile
	if sandbox {
		p, err = core.Sandbox()
	} else {
		p, err = core.Profile(source.name)
	}
	if err != nil {
		return err
	}
	folders := given
	if len(folders) == 0 {
		if folders = p.WatchFolders; len(folders) == 0 {
			where := "add them to the source in the window's Settings"
			if p.Managed {
				where = "ask your IT department to set the source's watched folders"
			}
			return usagef("watch: the source %q has no watched folders: name the folders to watch (watch --source NAME DIR...), or %s",
				p.Name, where)
		}
	}
	if !givenFlags(fs)["settle"] {
		settle = p.WatchSettle().Seconds()
	}
	if err := core.CheckWatch(p, folders, seconds(settle)); err != nil {
		return err
	}
	verbose := dataDir.resolve(env).verbose
	w, err := app.NewWatcher(core.Queue, p, folders, app.WatchOptions{
		Settle: seconds(settle), Rescan: seconds(rescan),
		OnEvent: func(e app.WatchEvent) {
			if e.Outcome == app.WatchSending && !verbose {
				return
			}
			fmt.Fprintln(env.stdout, visible.Line(e.String()))
		},
	})
	if err != nil {
		return usagef("watch: %v", err)
	}
	fmt.Fprintf(env.stderr, "Watching %d folder(s) for %q; a file is sent once unchanged for %s. Press Ctrl+C to stop.\n",
		len(folders), p.Name, strconv.FormatFloat(settle, 'f', -1, 64)+" s")
	if err := w.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.stderr, "Stopped watching.")
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
