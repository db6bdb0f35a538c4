package app

import (
	"errors"
	"fmt"
	"slices"

	"redoxuploader/client"
)

// ClientOption says where NewClient takes a client's secret and network settings from, and
// what one run puts over them. Later options win over earlier ones.
type ClientOption func(*clientRecipe)

// clientRecipe is what the options gave NewClient.
type clientRecipe struct {
	secret      string
	secretGiven bool     // WithSecret: secret, not the keychain's
	keychain    *Secrets // WithKeychain
	network     *NetworkSettings
	overrides   []NetworkOverride
	extra       []client.Option
}

// WithSecret signs in with secret instead of the keychain's, taken as SetSecret would store it
// (trimmed and checked), and caches no token: what a settings form holds before it is saved, a
// source given on the command line with its secret in the environment, the Sandbox's demo
// credentials.
func WithSecret(secret string) ClientOption {
	return func(r *clientRecipe) { r.secret, r.secretGiven = secret, true }
}

// WithKeychain takes the source's secret from the keychain (unless WithSecret gives one),
// keeps the source's tokens there across processes, and reads the manual proxy's password
// there (unless a NetworkOverride gives one).
func WithKeychain(s Secrets) ClientOption {
	return func(r *clientRecipe) { r.keychain = &s }
}

// WithNetwork reaches Redox as ns says: proxy, extra trusted certificates, how long a
// transfer may stall. Without it (and without WithNetworkOverride) the client's defaults
// apply: the proxy of the environment, the system's certificates.
func WithNetwork(ns NetworkSettings) ClientOption {
	return func(r *clientRecipe) { r.network = &ns }
}

// WithNetworkOverride puts one run's choices over the network settings (see NetworkOverride).
func WithNetworkOverride(o NetworkOverride) ClientOption {
	return func(r *clientRecipe) { r.overrides = append(r.overrides, o) }
}

// WithClientOptions adds client options after all the others: tests shorten retry waits or
// count requests with them.
func WithClientOptions(opts ...client.Option) ClientOption {
	return func(r *clientRecipe) { r.extra = append(r.extra, opts...) }
}

// NewClient returns the Redox client of source p: its addresses and size limit, its
// credentials made from its secret (WithSecret, else the keychain's, with the keychain's
// token cache for the methods that sign in), and the network settings with one run's
// overrides. It is the one place a client is built; Core.Client gives it what a core knows.
//
// The built-in Sandbox source signs in only with WithSecret and ignores the network settings:
// it never leaves this computer. A profile that does not validate, a secret that is missing or
// cannot be used, and network settings that cannot be used are errors; the last is a
// *client.Error naming the setting to mend.
func NewClient(p Profile, opts ...ClientOption) (*client.Client, error) {
	r := recipeOf(opts)
	return r.client(p)
}

// client builds p's client from r, as NewClient describes.
func (r *clientRecipe) client(p Profile) (*client.Client, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("source %q: %w", p.Name, err)
	}
	credentials, err := r.credentials(p)
	if err != nil {
		return nil, err
	}
	network, err := r.networkOptions(p)
	if err != nil {
		return nil, err
	}
	addresses := []client.Option{client.WithUploadURL(p.UploadURL), client.WithAPIBase(p.APIBase), client.WithMaxSize(p.MaxSize)}
	return client.New(slices.Concat(addresses, credentials, network, r.extra)...)
}

// credentials are the options that sign in as p, with the keychain's token cache when the
// secret came from the keychain.
func (r *clientRecipe) credentials(p Profile) ([]client.Option, error) {
	secret, stored, err := r.secretOf(p)
	if err != nil {
		return nil, err
	}
	var opts []client.Option
	switch p.Auth {
	case AuthLegacy:
		opts = append(opts, client.WithLegacyKey(p.APIKey, secret))
	case AuthOAuth:
		if stored { // a given one was parsed by normalizeSecret already
			if _, err := client.ParsePrivateKey([]byte(secret)); err != nil {
				return nil, fmt.Errorf("the private key stored for the source %q cannot be used (%v); store it again", p.Name, err)
			}
		}
		opts = append(opts, client.WithOAuth(p.ClientID, p.KeyID, []byte(secret)))
	case AuthToken:
		opts = append(opts, client.WithStaticToken(secret))
	}
	if stored && p.Auth != AuthToken { // a token is the secret itself: caching it again would only make a second copy
		opts = append(opts, client.WithTokenStore(r.keychain.TokenStore(p)))
	}
	return opts, nil
}

// recipeOf is what opts give NewClient.
func recipeOf(opts []ClientOption) clientRecipe {
	var r clientRecipe
	for _, opt := range opts {
		opt(&r)
	}
	return r
}

// runNetwork is the network settings with the run's overrides put over them, and the proxy
// password an override gives ("" for none).
func (r *clientRecipe) runNetwork() (ns NetworkSettings, password string) {
	if r.network != nil {
		ns = *r.network
	}
	for _, o := range r.overrides {
		ns = o.Apply(ns)
		if o.ProxyPassword != "" {
			password = o.ProxyPassword
		}
	}
	return ns, password
}

// secretOf is p's secret: the one given, checked and trimmed, or the keychain's as stored
// (stored is then true).
func (r *clientRecipe) secretOf(p Profile) (secret string, stored bool, err error) {
	switch {
	case r.secretGiven:
		secret, err = normalizeSecret(p.Auth, r.secret)
		return secret, false, err
	case p.BuiltIn:
		return "", false, errors.New("the Sandbox signs in with its demo credentials, and none were given")
	case r.keychain == nil:
		return "", false, fmt.Errorf("no %s was given for the source %q", p.Auth.SecretName(), p.Name)
	}
	secret, err = r.keychain.Secret(p)
	return secret, err == nil, err
}

// networkOptions are the client options of the network settings with the run's overrides,
// the proxy password from an override or the keychain; none for the Sandbox.
func (r *clientRecipe) networkOptions(p Profile) ([]client.Option, error) {
	if p.BuiltIn || (r.network == nil && len(r.overrides) == 0) {
		return nil, nil
	}
	ns, password := r.runNetwork()
	if password == "" && r.keychain != nil {
		pw, err := r.keychain.proxyPasswordFor(ns)
		if err != nil {
			return nil, err
		}
		password = pw
	}
	return networkClientError(ns.ClientOptions(password))
}

// Client returns a Redox client for p built by NewClient from what this core knows: the
// Sandbox profile signs in with the sandbox's demo credentials; any other source with its
// keychain secret and token cache, through the saved network settings. The options given to
// Open (Options.ClientOptions) and then opts are applied over those; a run's network override
// that changes what the organisation's policy sets is refused (ErrSetByOrganisation).
func (c *Core) Client(p Profile, opts ...ClientOption) (*client.Client, error) {
	if p.BuiltIn {
		sb, err := c.sandboxServer()
		if err != nil {
			return nil, err
		}
		return NewClient(p, slices.Concat(c.clientOpts, opts, []ClientOption{WithSecret(sb.Demo.Secret)})...)
	}
	st, err := c.LoadSettings()
	if err != nil {
		return nil, err
	}
	r := recipeOf(slices.Concat([]ClientOption{WithKeychain(c.Secrets), WithNetwork(st.Network)}, c.clientOpts, opts))
	if err := c.policy.checkRunNetwork(r); err != nil {
		return nil, err
	}
	return r.client(p)
}

// queueClient is the queue's ClientSource: Client with this core's options only.
func (c *Core) queueClient(p Profile) (*client.Client, error) { return c.Client(p) }
