package app

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// Surface is where a person reads the app's messages: the window or a command line. The
// client's messages name what IT should check (the proxy, a certificate, the sign-in details)
// but not where it is changed, since only the surface knows what it has: the window has
// Settings, a command has flags and the source commands, and the headless build has no
// Settings at all.
type Surface int

const (
	SurfaceWindow      Surface = iota // the desktop window and its Settings
	SurfaceCommandLine                // a command at a prompt, in a script or on a server
)

// Advice returns one sentence saying where IT changes what fix names, on this surface; ""
// for client.FixNone.
func (s Surface) Advice(fix client.Fix) string {
	if s == SurfaceCommandLine {
		switch fix {
		case client.FixCredentials:
			return "IT: store the source's secret again with 'redox-uploader source set-secret NAME < FILE', " +
				"then check it with 'redox-uploader source test NAME'."
		case client.FixSourceAddress:
			return "IT: 'redox-uploader source show NAME' shows the source's addresses " +
				"(--upload-url and --api-base give others for one run)."
		case client.FixProxy:
			return "IT: --proxy URL gives the proxy for one run (its password in $REDOX_PROXY_PASSWORD); " +
				"'redox-uploader check --proxy URL' tests it."
		case client.FixCertificates:
			return "IT: --ca-file FILE trusts the firewall's certificate for one run; " +
				"'redox-uploader check --ca-file FILE' tests it."
		case client.FixStallTimeout:
			return "On a slow or busy link, 'redox-uploader upload --stall-timeout SECONDS' gives transfers longer."
		}
		return ""
	}
	switch fix {
	case client.FixCredentials:
		return "IT can check the source in Settings → Sources."
	case client.FixSourceAddress:
		return "IT can check the source's addresses in Settings → Sources."
	case client.FixProxy:
		return "The proxy settings are in Settings → Network."
	case client.FixCertificates:
		return "Extra trusted certificates are added in Settings → Network."
	case client.FixStallTimeout:
		return "On a slow or busy link, IT can give transfers longer in Settings → Network → Slow links."
	}
	return ""
}

// storeSecretAdvice says how IT stores the secret of the saved source p on this surface.
func (s Surface) storeSecretAdvice(p Profile) string {
	if s == SurfaceCommandLine {
		return fmt.Sprintf("IT can store it with: redox-uploader source set-secret %s < FILE", ShellQuote(p.Name))
	}
	return fmt.Sprintf("IT can enter the %s of the source %q in Settings → Sources.", p.Auth.SecretName(), p.Name)
}

// addSourceAdvice says how IT adds a saved source on this surface.
func (s Surface) addSourceAdvice() string {
	if s == SurfaceCommandLine {
		return "Add it with 'redox-uploader source add', or see the saved ones with 'redox-uploader source list'."
	}
	return "Add it in Settings → Sources."
}

// Explain returns err's plain-words message followed by the advice on where to mend it, when
// err carries a *client.Error that names a fix.
func (s Surface) Explain(err error) string {
	if err == nil {
		return ""
	}
	var e *client.Error
	if errors.As(err, &e) {
		if advice := s.Advice(e.Fix); advice != "" {
			return err.Error() + " " + advice
		}
	}
	return err.Error()
}

// ShellQuote quotes s, a source's name or a folder, for a POSIX shell command line a person can
// paste, when it needs it: Main stays as it is; Main Lab is put in single quotes, and a single
// quote inside is written as the shell wants it. Hidden characters are shown as visible.Name
// shows them. The command line's output and the advice above use it.
func ShellQuote(s string) string {
	unsafe := func(r rune) bool {
		return r >= unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.@+/:=,", r))
	}
	if s != "" && !strings.ContainsFunc(s, unsafe) {
		return s
	}
	return "'" + strings.ReplaceAll(visible.Name(s), "'", `'\''`) + "'"
}
