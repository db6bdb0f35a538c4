package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"redoxuploader/client"
)

// TestAdviceNamesWhatTheSurfaceHas: every fix gets a sentence on both surfaces; the window's
// names its Settings page, a command line's names flags or commands and never Settings, which
// the headless build does not have.
func TestAdviceNamesWhatTheSurfaceHas(t *testing.T) {
	fixes := []client.Fix{client.FixCredentials, client.FixSourceAddress, client.FixProxy, client.FixCertificates, client.FixStallTimeout}
	for _, fix := range fixes {
		window, cli := SurfaceWindow.Advice(fix), SurfaceCommandLine.Advice(fix)
		if !strings.Contains(window, "Settings →") {
			t.Errorf("window advice for %v = %q: names no Settings page", fix, window)
		}
		if cli == "" || strings.Contains(cli, "Settings") || !strings.Contains(cli, "redox-uploader") {
			t.Errorf("command-line advice for %v = %q: must name a command or flag and never Settings", fix, cli)
		}
	}
	for _, s := range []Surface{SurfaceWindow, SurfaceCommandLine} {
		if a := s.Advice(client.FixNone); a != "" {
			t.Errorf("advice for FixNone = %q, want none", a)
		}
	}
}

func TestExplainAddsAdviceToClientErrorsOnly(t *testing.T) {
	proxy := &client.Error{Kind: client.KindNetwork, Fix: client.FixProxy, Message: "The proxy refused."}
	wrapped := fmt.Errorf("checking the connection: %w", proxy)
	tests := []struct {
		err  error
		s    Surface
		want string
	}{
		{proxy, SurfaceWindow, "The proxy refused. The proxy settings are in Settings → Network."},
		{wrapped, SurfaceCommandLine, "checking the connection: The proxy refused. " + SurfaceCommandLine.Advice(client.FixProxy)},
		{&client.Error{Kind: client.KindServer, Message: "Redox had a problem."}, SurfaceWindow, "Redox had a problem."},
		{errors.New("plain"), SurfaceCommandLine, "plain"},
		{nil, SurfaceWindow, ""},
	}
	for _, tt := range tests {
		if got := tt.s.Explain(tt.err); got != tt.want {
			t.Errorf("Explain(%v) on %v = %q, want %q", tt.err, tt.s, got, tt.want)
		}
	}
}

// TestShellQuote: one quoter for both surfaces. A name or a folder that a shell reads as one
// word stays as it is; anything else is single-quoted, with hidden characters shown escaped.
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"Main":                "Main",
		"st-mary_1.2":         "st-mary_1.2",
		"/srv/redox-data":     "/srv/redox-data",
		"C:/data,x=1":         "C:/data,x=1",
		"Main Lab":            "'Main Lab'",
		"it's":                `'it'\''s'`,
		"Zürich":              "'Zürich'",
		"$HOME":               "'$HOME'",
		"Radiology\u202eevil": "'Radiology<U+202E>evil'",
		"":                    "''",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
