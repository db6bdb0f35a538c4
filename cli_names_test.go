package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// rawHidden returns the first hidden character in out other than the line breaks and tabs the
// output itself uses, or "".
func rawHidden(out string) string {
	i := strings.IndexFunc(out, func(r rune) bool { return r != '\n' && r != '\t' && visible.Hidden(r) })
	if i < 0 {
		return ""
	}
	return visible.Name(string([]rune(out[i:])[0]))
}

// TestCLIShowsDisguisedNamesEscaped: a file whose right-to-left override makes it read as
// another ("rtl\u202efdp.exe" shows as "rtlexe.pdf") is shown escaped in every output of the
// command line — upload's lines, its JSON, the history table and CSV, diagnostics — while the
// history keeps its true name.
func TestCLIShowsDisguisedNamesEscaped(t *testing.T) {
	s, demo := newTestServer(t)
	dir := t.TempDir()
	home := t.TempDir()
	file := writeFile(t, dir, "rtl\u202efdp.exe", 2000)
	missing := filepath.Join(dir, "gone\u2066.pdf")
	env := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token, "REDOX_UPLOADER_HOME": home}
	shown := filepath.Join(dir, "rtl<U+202E>fdp.exe")

	r := runCmd(t, env, append(serverArgs(s, "--auth", "token"), file, missing)...)
	uri := s.Uploads()[0].URI
	if r.code != exitFailed || r.stdout != shown+"\t"+uri+"\n" {
		t.Errorf("upload: exit %d, stdout %q, want %q", r.code, r.stdout, shown+"\t"+uri+"\n")
	}
	if !strings.HasPrefix(r.stderr, filepath.Join(dir, "gone<U+2066>.pdf")+": ") {
		t.Errorf("upload's stderr does not start with the escaped path:\n%s", r.stderr)
	}
	outputs := map[string]string{"upload stdout": r.stdout, "upload stderr": r.stderr}

	r = runCmd(t, env, append(serverArgs(s, "--auth", "token", "--json"), file)...)
	var o struct{ Path, URI string }
	if err := json.Unmarshal([]byte(r.stdout), &o); err != nil || o.Path != file || o.URI != uri {
		t.Errorf("--json decodes to %+v (%v), want the true path %q and the URI", o, err, file)
	}
	if !strings.Contains(r.stdout, `rtl\u202efdp.exe`) {
		t.Errorf("--json does not show the character as a JSON escape: %s", r.stdout)
	}
	outputs["upload --json"] = r.stdout

	r = runCmd(t, env, "history")
	if !strings.Contains(r.stdout, " rtl<U+202E>fdp.exe ") || !strings.Contains(r.stdout, " gone<U+2066>.pdf ") {
		t.Errorf("history does not show the names escaped:\n%s", r.stdout)
	}
	outputs["history"] = r.stdout
	r = runCmd(t, env, "history", "--csv", "--columns", "file,path")
	if !strings.Contains(r.stdout, "\nrtl<U+202E>fdp.exe,"+shown+"\n") {
		t.Errorf("history --csv does not show the names escaped:\n%s", r.stdout)
	}
	outputs["history --csv"] = r.stdout
	outputs["diagnostics"] = runCmd(t, env, "diagnostics").stdout
	if !strings.Contains(outputs["diagnostics"], "gone<U+2066>.pdf") {
		t.Errorf("diagnostics do not list the failed file escaped:\n%s", outputs["diagnostics"])
	}
	for what, out := range outputs {
		if c := rawHidden(out); c != "" {
			t.Errorf("%s holds a raw %s:\n%s", what, c, out)
		}
	}

	core, err := app.Open(app.PathsIn(home), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close(t.Context())
	rows, err := core.History.Search(t.Context(), app.Query{Statuses: []app.Status{app.StatusDone}})
	if err != nil || len(rows) != 1 || rows[0].Name != "rtl\u202efdp.exe" || rows[0].Path != file {
		t.Errorf("the history holds %+v (%v), want the true name and path", rows, err)
	}
}

// TestProfileNamesWithHiddenCharacters: profile add refuses such a name; one already in a
// hand-edited settings file is listed and shown escaped, marked as needing changes.
func TestProfileNamesWithHiddenCharacters(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	r := s.run("profile", "add", "Radiology\u202eevil", "--api-key", "k")
	if r.code != exitUsage || !strings.Contains(r.stderr, "NAME: Remove the invisible character <U+202E> from the name") {
		t.Errorf("profile add: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if c := rawHidden(r.stderr); c != "" {
		t.Errorf("profile add's message holds a raw %s:\n%s", c, r.stderr)
	}

	p := app.NewProfile("Cardio\u200blogy")
	p.APIKey = "key\u2066"
	data, _ := json.Marshal(map[string]any{"profiles": []app.Profile{p}})
	settings := app.PathsIn(s.home()).SettingsFile()
	if err := os.MkdirAll(filepath.Dir(settings), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settings, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r = s.must("profile", "list")
	if !strings.Contains(r.stdout, "Cardio<U+200B>logy ") || !strings.Contains(r.stdout, "needs changes") {
		t.Errorf("profile list:\n%s", r.stdout)
	}
	show := s.must("profile", "show", "Cardio\u200blogy")
	if !strings.Contains(show.stdout, "name: Cardio<U+200B>logy\n") || !strings.Contains(show.stdout, "api-key: key<U+2066>\n") ||
		!strings.Contains(show.stdout, "source: legacy:key<U+2066>@") {
		t.Errorf("profile show:\n%s", show.stdout)
	}
	for _, out := range []string{r.stdout, r.stderr, show.stdout, show.stderr} {
		if c := rawHidden(out); c != "" {
			t.Errorf("output holds a raw %s:\n%s", c, out)
		}
	}
}
