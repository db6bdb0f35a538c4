package app

import (
	"errors"
	"fmt"

	"redoxuploader/client"
)

// Surface is where a person reads the app's messages: the window or a command line. The
// client's messages name what IT should check (the proxy, a certificate, the sign-in details)
// but not where it is changed, since only the surface knows what it has: the window has
// Settings, a command has flags and the profile commands, and the headless build has no
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
			return "IT: store the source's secret again with 'redox-uploader profile set-secret NAME < FILE', " +
				"then check it with 'redox-uploader profile test NAME'."
		case client.FixSourceAddress:
			return "IT: 'redox-uploader profile show NAME' shows the source's addresses " +
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
		return fmt.Sprintf("IT can store it with: redox-uploader profile set-secret %s < FILE", shellQuote(p.Name))
	}
	return fmt.Sprintf("IT can enter the %s of the source %q in Settings → Sources.", p.Auth.SecretName(), p.Name)
}

// addSourceAdvice says how IT adds a saved source on this surface.
func (s Surface) addSourceAdvice() string {
	if s == SurfaceCommandLine {
		return "Add it with 'redox-uploader profile add', or see the saved ones with 'redox-uploader profile list'."
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
