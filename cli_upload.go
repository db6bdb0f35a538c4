package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"redoxuploader/app"
	"redoxuploader/internal/fileuri"
	"redoxuploader/internal/visible"
)

// uploadFlags are the settings of one upload run. Secrets never come from flags:
// REDOX_API_SECRET holds the legacy secret and REDOX_ACCESS_TOKEN a static token.
type uploadFlags struct {
	connection
	network       networkFlags
	source        sourceName
	json, sandbox bool
	force         bool
}

// adHocSourceName names uploads made with connection flags in the history.
const adHocSourceName = "Command line"

// runUpload sends the files named, through a saved source (--source), the sandbox or the
// connection flags, and prints each file's URI. Some files not uploaded is errFailed: each
// said why as it ended.
func runUpload(ctx context.Context, args []string, env cliEnv) error {
	var f uploadFlags
	fs := newFlagSet("upload", "[FLAGS] FILE...", env)
	f.connection.register(fs, 4)
	f.source.register(fs, "upload with the saved source `NAME` and its keychain secret")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per file instead of PATH<TAB>URI")
	fs.BoolVar(&f.sandbox, "sandbox", false, "upload to the built-in local Redox stand-in (nothing leaves this computer)")
	fs.BoolVar(&f.force, "force", false, "upload files even if the same content was already uploaded to this source")
	f.network.register(fs)
	f.network.registerStall(fs)
	dataDir := dataDirFlag(fs)
	paths, err := parseArgs(fs, args) // flags after the files too: "upload a.pdf --sandbox" is to the sandbox
	if err != nil {
		return err
	}
	if paths, err = localFiles(paths); err != nil {
		return err
	}
	switch {
	case len(paths) == 0:
		return usagef("upload: name at least one file")
	case f.parallel < 1 || f.parallel > 16:
		return usagef("upload: --parallel must be between 1 and 16")
	case f.source.given && f.sandbox:
		return usagef("upload: use either --source or --sandbox")
	case f.sandbox && f.network.given():
		return usagef("upload: --proxy, --ca-file and --stall-timeout do not apply to --sandbox, which never leaves this computer")
	}
	if given := connectionFlagsGiven(fs); len(given) > 0 && (f.source.given || f.sandbox) {
		which, whose := "--sandbox", "the sandbox's own settings"
		if f.source.given {
			which, whose = "--source", fmt.Sprintf("the settings saved for %q", f.source.name)
		}
		list, set := strings.Join(given, ", "), "set"
		if len(given) == 1 {
			set = "sets"
		}
		return usagef("upload: %s %s up a source of the command line's own; with %s the upload uses %s. Leave %s out.",
			list, set, which, whose, list)
	}
	if err := f.network.validate(); err != nil {
		return usagef("upload: %v", err)
	}
	var p app.Profile
	adHoc := !f.source.given && !f.sandbox
	run := []app.ClientOption{f.network.clientOption(env)}
	if adHoc {
		var secret string
		if p, secret, err = adHocSource(f.connection, env); err != nil {
			return usagef("upload: %v", err)
		}
		run = append(run, app.WithSecret(secret))
	}

	core, err := openCore(dataDir, env, run...)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	switch {
	case f.sandbox:
		p, err = core.Sandbox()
	case f.source.given:
		p, err = core.Profile(f.source.name)
	}
	if err == nil && (adHoc || f.network.given()) {
		_, err = core.Client(p) // the connection this run brings, checked once before any file is queued
	}
	if err != nil {
		return err
	}
	return uploadAll(ctx, core, p, paths, f, env)
}

// localFiles is the files named on the command line as paths: a file:// URI (as a file
// manager copies a file) names its file; a web address is refused before anything is opened,
// as there is nothing to send from this computer (a file of that name aside).
func localFiles(args []string) ([]string, error) {
	paths := make([]string, len(args))
	for i, a := range args {
		if p, ok := fileuri.Path(a); ok {
			paths[i] = p
			continue
		}
		if u, err := url.Parse(a); err == nil && u.Host != "" && u.Scheme != "" {
			if _, err := os.Stat(a); err != nil {
				return nil, usagef("upload: %s is a web address, not a file on this computer. Download the file first, "+
					"then upload it from where it was saved.", visible.Name(a))
			}
		}
		paths[i] = a
	}
	return paths, nil
}

// adHocSource is the unsaved source the connection flags describe, and its secret from the
// environment or the --private-key file: both checked before anything is opened, each problem
// named after the flag or variable to change.
func adHocSource(c connection, env cliEnv) (p app.Profile, secret string, err error) {
	if p, err = c.profile(adHocSourceName, env); err != nil {
		return p, "", err
	}
	secret, from, err := c.secret(p, env)
	if err != nil {
		return p, "", err
	}
	if err := flagProblems(p.Validate()); err != nil {
		return p, "", err
	}
	if _, err := app.NewClient(p, app.WithSecret(secret)); err != nil {
		return p, "", fmt.Errorf("%s: %w", from, err)
	}
	return p, secret, nil
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
// is left; every row is journaled either way. A file not uploaded makes it errFailed.
func uploadAll(ctx context.Context, core *app.Core, p app.Profile, paths []string, f uploadFlags, env cliEnv) error {
	shown := asGiven(paths)
	out := sendingOutput(&env)
	sub := core.Queue.SubscribeTo(app.OutcomeOrRetry) // before Submit, so no event is missed
	defer sub.Close()
	s, err := core.Queue.Submit(ctx, p, paths, app.SubmitOptions{Force: f.force})
	for _, note := range s.Folders {
		fmt.Fprintln(env.stderr, visible.Line(note.String()))
	}
	if err != nil {
		return err
	}
	failed := len(s.IDs) == 0 // a folder without files, said in its note
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
				failed = true
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
	if err := out.problem(); err != nil {
		return err
	}
	if failed {
		return errFailed
	}
	return nil
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
// again, when and why: "scan.pdf: Redox did not answer in time. Trying again in 1 s (attempt
// 2 of 4)."
func printRetry(e app.Event, path string, env cliEnv) {
	fmt.Fprintf(env.stderr, "%s: %s. %s.\n", visible.Name(path), visible.Line(e.RetryReason()), e.RetryPlan())
}

// asGiven maps the absolute paths the queue records back to the spelling the user gave: of a
// file named, or of the folder a file was found in.
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
		if folder, ok := given[filepath.Dir(abs)]; ok { // a file of a folder given: in the folder's spelling
			return filepath.Join(folder, filepath.Base(abs))
		}
		return abs
	}
}
