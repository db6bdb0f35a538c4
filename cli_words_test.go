package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestSourceCommandAndItsAlias: `source` is the command; `profile`, its earlier name, runs the
// same actions on the same sources, so scripts written for it keep working.
func TestSourceCommandAndItsAlias(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	s.must("source", "add", "Clinic A", "--api-key", "key-a")
	s.must("profile", "add", "Clinic B", "--api-key", "key-b")
	for _, command := range []string{"source", "profile"} {
		list := s.must(command, "list").stdout
		if !strings.Contains(list, "\nClinic A ") || !strings.Contains(list, "\nClinic B ") {
			t.Errorf("%s list lacks a source added through the other name:\n%s", command, list)
		}
		if r := s.must(command, "show", "clinic b"); !strings.Contains(r.stdout, "api-key: key-b\n") {
			t.Errorf("%s show:\n%s", command, r.stdout)
		}
	}
	if src, alias := s.must("source", "help").stdout, s.must("profile", "help").stdout; src != alias ||
		!strings.HasPrefix(src, "Usage: redox-uploader source ACTION") {
		t.Errorf("source help and profile help differ, or do not name source:\n%s\n---\n%s", src, alias)
	}
	s.must("profile", "remove", "Clinic A")
	s.must("source", "remove", "Clinic B")
	if list := s.must("source", "list").stdout; strings.Contains(list, "Clinic") {
		t.Errorf("a source removed through either name is still listed:\n%s", list)
	}

	var help strings.Builder
	usage(&help)
	if !regexp.MustCompile(`(?m)^  source +add, list`).MatchString(help.String()) || strings.Contains(help.String(), "profile") {
		t.Errorf("help does not list source, or lists profile:\n%s", help.String())
	}
}

// TestSourceFlagAndItsAlias: upload --source NAME and --profile NAME send through the same
// saved source, history --source and --profile select the same rows, and two different names
// are refused.
func TestSourceFlagAndItsAlias(t *testing.T) {
	srv, demo := newTestServer(t)
	s := newCLISession(t, mockKeychain(t))
	s.addServerProfile(srv, "Clinic", demo.Secret, "--api-key", demo.APIKey)
	dir := t.TempDir()
	viaSource, viaProfile := writeFile(t, dir, "a.pdf", 3000), writeFile(t, dir, "b.pdf", 4000)
	checkTabLines(t, srv, s.must("upload", "--source", "Clinic", viaSource).stdout, []string{viaSource})
	checkTabLines(t, srv, s.must("upload", "--profile", "clinic", viaProfile).stdout, []string{viaProfile})
	s.env["REDOX_ACCESS_TOKEN"] = demo.Token
	s.must(append(serverArgs(srv, "--auth", "token"), writeFile(t, dir, "ad-hoc.pdf", 5000))...)

	bySource := s.must("history", "--source", "Clinic").stdout
	if byProfile := s.must("history", "--profile", "clinic").stdout; bySource != byProfile {
		t.Errorf("history --source and --profile differ:\n%s\n---\n%s", bySource, byProfile)
	}
	if rows := tableRows(t, bySource); len(rows) != 2 || rows[0][2] != "Clinic" || rows[1][2] != "Clinic" {
		t.Errorf("history --source Clinic = %q, want the two uploads through Clinic", rows)
	}

	for _, args := range [][]string{
		{"upload", "--source", "Clinic", "--profile", "Other", viaSource},
		{"history", "--profile", "Clinic", "--source", "Other"},
	} {
		if r := s.run(args...); r.code != exitUsage || !strings.Contains(r.stderr, `name one source: "Clinic" or "Other"`) {
			t.Errorf("%q: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
	if r := s.run("upload", "--source", "Clinic", "--sandbox", viaSource); r.code != exitUsage ||
		!strings.Contains(r.stderr, "use either --source or --sandbox") {
		t.Errorf("--source with --sandbox: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestOutputSaysSourceOnly: the main commands, succeeding and failing, never say
// "profile" to the person: a saved Redox source is a source everywhere. Help, which names the
// earlier spelling of the command and flag, and the CSV export's stable column names are not
// run here.
func TestOutputSaysSourceOnly(t *testing.T) {
	srv, demo := newTestServer(t)
	s := newCLISession(t, mockKeychain(t))
	dir := t.TempDir()
	file := writeFile(t, dir, "scan.pdf", 3000)
	conn := []string{"--upload-url", srv.UploadURL(), "--api-base", srv.APIBase()}

	s.run(append([]string{"source", "add", "Clinic", "--api-key", demo.APIKey}, conn...)...)
	s.run("source", "list")
	s.run("source", "show", "Clinic")           // no secret yet: says how to store one
	s.run("source", "test", "Clinic")           // refused: no secret
	s.run("upload", "--source", "Clinic", file) // refused: no secret
	s.runStdin(demo.Secret, "source", "set-secret", "Clinic")
	s.run("source", "test", "Clinic")
	s.run("upload", "--source", "Clinic", file)
	s.run("upload", "--source", "Clinic", file) // a duplicate
	s.run("upload", "--source", "Clinic", dir+"/gone.pdf")
	s.run(append([]string{"source", "add", "Clinic", "--api-key", demo.APIKey}, conn...)...) // the name is taken
	s.run("source", "add", "Broken", "--auth", "oauth", "--max-size", "0")                   // needs changes
	s.run("source", "add", "Sandbox", "--api-key", "k")
	s.run("source", "add")
	s.run("source", "add", "A", "B", "--api-key", "k")
	s.run("source", "show", "Nobody")
	s.run("source", "remove", "Nobody")
	s.run("source", "remove", "Sandbox")
	s.run("source", "set-secret", "Sandbox")
	s.run("upload", "--source", "Nobody", file)
	s.run("history")
	s.run("history", "--source", "Clinic", "--csv", "--columns", "id,status,uri")
	s.run("history", "--status", "failed", "--limit", "5", "--csv")
	s.run("resend", "1")
	s.run("resend", "999")
	s.run("diagnostics")
	s.env["REDOX_ACCESS_TOKEN"] = demo.Token
	s.run(append(serverArgs(srv, "--auth", "token"), writeFile(t, dir, "ad-hoc.pdf", 4000))...) // row 6
	s.run("resend", "6")                                                                        // uploaded with flags: says how to save them as a source
	s.run("source", "remove", "Clinic")
	s.run("source", "list") // none saved: says how to add one
	s.run("resend", "1")    // its source is gone

	for i, out := range s.outputs {
		if strings.Contains(strings.ToLower(out), "profile") {
			t.Errorf("output %d says profile:\n%s", i, out)
		}
	}
	all := strings.Join(s.outputs, "")
	for _, want := range []string{"Sources: 1 saved", "needs changes", "connection flags, not a saved source", "No saved sources yet",
		"source set-secret Clinic", "SOURCE  STATUS"} {
		if !strings.Contains(all, want) {
			t.Errorf("no output says %q: the commands did not run as this test expects", want)
		}
	}
}
