package app

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"redoxuploader/client"
	"redoxuploader/internal/smallfile"
)

// MaxCertificatesSize caps a file (or pasted text) of extra trusted certificates: a few
// certificate authorities take a few KB, and the whole Mozilla bundle about 220 KB, so 4 MB
// is any real bundle with room to spare while a wrong file (a disk image, /dev/zero) is
// refused at once instead of read into memory.
const MaxCertificatesSize = 4 << 20

// NetworkSettings are how this computer reaches Redox: the proxy and the extra certificates to
// trust (for firewalls that inspect TLS). They apply to every saved profile, not the Sandbox.
// They hold no secret: a proxy password lives in the keychain (Secrets.SetProxyPassword).
type NetworkSettings struct {
	ProxyMode   string `json:"proxyMode,omitempty"`   // "system" (also ""), "environment", "none" or "manual"
	ProxyURL    string `json:"proxyUrl,omitempty"`    // with "manual": http(s)://[user@]host:port
	ExtraCAFile string `json:"extraCaFile,omitempty"` // a PEM (or DER) file of certificates to trust as well
	ExtraCAPEM  string `json:"extraCaPem,omitempty"`  // pasted PEM certificates to trust as well
	// StallSeconds is how long a transfer may make no progress (nothing sent, no reply) before
	// the try is given up and retried; 0 means client.DefaultStallTimeout (60 s). Slow or
	// congested links may need more.
	StallSeconds int `json:"stallSeconds,omitempty"`
}

// The range StallSeconds may take when it is set: under 15 s a busy but working link would be
// cut off; over 30 minutes a dead connection would keep a nurse waiting for nothing.
const (
	MinStallSeconds = 15
	MaxStallSeconds = 30 * 60
)

// StallTimeout is how long a transfer may make no progress under these settings.
func (ns NetworkSettings) StallTimeout() time.Duration {
	if ns.StallSeconds == 0 {
		return client.DefaultStallTimeout
	}
	return time.Duration(ns.StallSeconds) * time.Second
}

// The proxy modes as the settings file spells them.
const (
	ProxyEnvironment = "environment"
	ProxySystem      = "system"
	ProxyNone        = "none"
	ProxyManual      = "manual"
)

// DefaultProxyMode is the mode of settings that name none: the computer's own proxy settings.
// On Windows that is HTTPS_PROXY or HTTP_PROXY when set, else the Windows proxy settings (PAC
// script included), else a direct connection: all that ProxyEnvironment does and more. On
// Linux it is exactly the environment; on macOS, the system settings. Hospital workstations
// run Windows with the proxy set by group policy, so this works without IT touching the app.
const DefaultProxyMode = ProxySystem

// Mode is the proxy mode in effect: ProxyMode, or DefaultProxyMode when that is empty.
func (ns NetworkSettings) Mode() string {
	if strings.TrimSpace(ns.ProxyMode) == "" {
		return DefaultProxyMode
	}
	return ns.ProxyMode
}

// NetworkError is a network setting that cannot be used. Field is "proxyMode", "proxyUrl",
// "extraCaFile", "extraCaPem" or "stallSeconds", for a settings form to mark; Error is plain words.
type NetworkError struct {
	Field string
	Err   error
}

func (e *NetworkError) Error() string { return e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// Validate checks the settings as ClientOptions would use them: a known mode, a valid proxy
// address without a password when the mode is manual, a readable certificate file and
// certificates that parse. It reads ExtraCAFile.
func (ns NetworkSettings) Validate() error {
	_, err := ns.ClientOptions("")
	return err
}

// NetworkOverride is one run's choices put over the saved network settings: the command
// line's --proxy, --ca-file and --stall-timeout, and $REDOX_PROXY_PASSWORD. Zero fields keep
// what is saved.
type NetworkOverride struct {
	// Proxy is "none", "system" or "environment" (any case), or the address of a proxy to use
	// (manual mode): http(s)://[user@]host:port.
	Proxy string
	// CAFile is a file of extra certificates to trust instead of the saved ones.
	CAFile string
	// StallSeconds is how long a transfer may make no progress (see NetworkSettings).
	StallSeconds int
	// ProxyPassword is the manual proxy user's password, instead of the keychain's.
	ProxyPassword string
}

// Apply returns ns with o put over it. It checks nothing: Validate the result.
func (o NetworkOverride) Apply(ns NetworkSettings) NetworkSettings {
	switch p := strings.TrimSpace(o.Proxy); strings.ToLower(p) {
	case "":
	case ProxyNone, ProxySystem, ProxyEnvironment:
		ns.ProxyMode, ns.ProxyURL = strings.ToLower(p), ""
	default:
		ns.ProxyMode, ns.ProxyURL = ProxyManual, p
	}
	if o.CAFile != "" {
		ns.ExtraCAFile, ns.ExtraCAPEM = o.CAFile, ""
	}
	if o.StallSeconds != 0 {
		ns.StallSeconds = o.StallSeconds
	}
	return ns
}

// Proxy returns the client's proxy configuration for these settings.
func (ns NetworkSettings) Proxy() (client.ProxyConfig, error) {
	mode, err := client.ParseProxyMode(ns.Mode())
	if err != nil {
		return client.ProxyConfig{}, &NetworkError{Field: "proxyMode", Err: errors.New("choose how to reach the network: environment, system, none or manual")}
	}
	pc := client.ProxyConfig{Mode: mode}
	if mode != client.ProxyManual {
		return pc, nil
	}
	u, err := client.ParseProxyURL(ns.ProxyURL)
	if err != nil {
		return pc, &NetworkError{Field: "proxyUrl", Err: err}
	}
	if _, has := u.User.Password(); has {
		return pc, &NetworkError{Field: "proxyUrl", Err: errors.New("the proxy address must not contain a password " +
			"(it would be saved in the settings file); enter the user name only, as http://user@host:port, and the password separately")}
	}
	pc.URL = u.String()
	return pc, nil
}

// ClientOptions returns the client options of these settings, putting password into the proxy
// address when there is a manual proxy with a user name. Errors are *NetworkError.
func (ns NetworkSettings) ClientOptions(password string) ([]client.Option, error) {
	pc, err := ns.Proxy()
	if err != nil {
		return nil, err
	}
	if pc.Mode == client.ProxyManual && password != "" {
		u, _ := client.ParseProxyURL(pc.URL)
		if name := u.User.Username(); name != "" {
			u.User = url.UserPassword(name, password)
			pc.URL = u.String()
		}
	}
	if s := ns.StallSeconds; s != 0 && (s < MinStallSeconds || s > MaxStallSeconds) {
		return nil, &NetworkError{Field: "stallSeconds", Err: fmt.Errorf("the time to wait for a transfer that stopped moving "+
			"must be between %d seconds and %d minutes, not %d seconds", MinStallSeconds, MaxStallSeconds/60, s)}
	}
	opts := []client.Option{client.WithProxy(pc), client.WithStallTimeout(ns.StallTimeout())}
	if ns.ExtraCAFile != "" {
		data, err := smallfile.Read(ns.ExtraCAFile, "the extra trusted certificates file", MaxCertificatesSize)
		if err != nil {
			return nil, &NetworkError{Field: "extraCaFile", Err: err}
		}
		if _, err := client.ParseCertificates(data); err != nil {
			return nil, &NetworkError{Field: "extraCaFile", Err: fmt.Errorf("the extra trusted certificates file %s cannot be used: %v", ns.ExtraCAFile, err)}
		}
		opts = append(opts, client.WithExtraRootCAs(data))
	}
	if len(ns.ExtraCAPEM) > MaxCertificatesSize {
		return nil, &NetworkError{Field: "extraCaPem", Err: fmt.Errorf("the pasted extra trusted certificates are longer than %s, far more than certificates take; paste only the certificates IT gave you", client.HumanSize(MaxCertificatesSize))}
	}
	if strings.TrimSpace(ns.ExtraCAPEM) != "" {
		if _, err := client.ParseCertificates([]byte(ns.ExtraCAPEM)); err != nil {
			return nil, &NetworkError{Field: "extraCaPem", Err: fmt.Errorf("the pasted extra trusted certificates cannot be used: %v", err)}
		}
		opts = append(opts, client.WithExtraRootCAs([]byte(ns.ExtraCAPEM)))
	}
	return opts, nil
}

// proxyPasswordFor is the keychain's proxy password when ns names a manual proxy with a user;
// otherwise, or when none is stored, "".
func (s Secrets) proxyPasswordFor(ns NetworkSettings) (string, error) {
	pc, err := ns.Proxy()
	if err != nil || pc.Mode != client.ProxyManual || !strings.Contains(pc.URL, "@") {
		return "", nil
	}
	pw, err := s.ProxyPassword()
	if err != nil && !errors.Is(err, ErrSecretNotFound) {
		return "", err
	}
	return pw, nil
}

// networkClientError makes a network settings problem a *client.Error whose Fix names the
// setting at fault (the certificates or the proxy), so each surface can say where it is mended.
func networkClientError(opts []client.Option, err error) ([]client.Option, error) {
	if err == nil {
		return opts, nil
	}
	fix := client.FixProxy
	var ne *NetworkError
	if errors.As(err, &ne) && strings.HasPrefix(ne.Field, "extraCa") {
		fix = client.FixCertificates
	}
	return nil, &client.Error{Kind: client.KindNetwork, Op: "upload", Err: err, Fix: fix,
		Message: "The network settings cannot be used: " + err.Error() + ". Ask IT to fix them."}
}

// SaveNetworkOptions is what SaveNetwork stores beside the settings.
type SaveNetworkOptions struct {
	ProxyPassword string // the manual proxy's password for the keychain; "" keeps the one stored
}

// SaveNetwork validates ns and saves it in the settings, with opts.ProxyPassword in the
// keychain, under the settings' lock, so that the two stay a pair (a keychain failure saves
// neither); then it makes the next uploads of every profile use them. What the organisation's
// policy sets cannot change (its error matches ErrSetByOrganisation) and is not saved as the
// user's.
func (c *Core) SaveNetwork(ns NetworkSettings, opts SaveNetworkOptions) error {
	if err := ns.Validate(); err != nil {
		return err
	}
	var st Settings
	err := c.Settings.Update(func(cur *Settings) error {
		if err := c.policy.checkNetwork(c.policy.Effective(*cur).Network, ns); err != nil {
			return err // checked under the lock, against the settings it changes
		}
		if opts.ProxyPassword != "" {
			if err := c.Secrets.SetProxyPassword(opts.ProxyPassword); err != nil {
				return err
			}
		}
		cur.Network = c.policy.ownNetwork(cur.Network, ns)
		st = *cur
		return nil
	})
	if err != nil {
		return err
	}
	c.NetworkChanged(c.policy.Effective(st))
	return nil
}

// NetworkChanged drops the clients built with the previous network settings (or proxy
// password), so the next upload of each profile in st uses the current ones.
func (c *Core) NetworkChanged(st Settings) {
	for _, p := range st.Profiles {
		c.Queue.ForgetClient(p.Name)
	}
}

const proxyPasswordKey = "network/proxy-password"

// SetProxyPassword keeps the password of the manual proxy's user in the keychain; "" removes it.
func (s Secrets) SetProxyPassword(password string) error {
	if password == "" {
		if err := s.Keychain.Delete(proxyPasswordKey); err != nil && !errors.Is(err, ErrSecretNotFound) {
			return err
		}
		return nil
	}
	return s.Keychain.Set(proxyPasswordKey, password)
}

// ProxyPassword returns the manual proxy's password, or ErrSecretNotFound.
func (s Secrets) ProxyPassword() (string, error) {
	return s.Keychain.Get(proxyPasswordKey)
}
