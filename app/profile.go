package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// AuthMethod is how a profile signs in to Redox.
type AuthMethod string

// SecretName names the secret a sign-in method keeps in the keychain, for messages.
func (m AuthMethod) SecretName() string {
	switch m {
	case AuthOAuth:
		return "private key (PEM)"
	case AuthToken:
		return "access token"
	default:
		return "API secret"
	}
}

// Label names the method for people, the same in the window's form and in the command line's
// output: "API key and secret (legacy)". It is "" for a method that is none of the three.
func (m AuthMethod) Label() string {
	switch m {
	case AuthLegacy:
		return "API key and secret (legacy)"
	case AuthOAuth:
		return "OAuth 2.0 with a private key"
	case AuthToken:
		return "Access token"
	}
	return ""
}

// The sign-in methods; see the SPEC's "Authentication".
const (
	AuthLegacy AuthMethod = "legacy" // API key and secret
	AuthOAuth  AuthMethod = "oauth"  // client ID, key ID and a private key signing a JWT
	AuthToken  AuthMethod = "token"  // a bearer token pasted by IT
)

// Environment is the kind of Redox environment a profile's source lives in. It labels the
// profile and its history rows; it changes no address.
type Environment string

// The environments.
const (
	EnvDevelopment Environment = "Development"
	EnvStaging     Environment = "Staging"
	EnvProduction  Environment = "Production"
	EnvSandbox     Environment = "Sandbox"
)

// MaxAllowedSize is the largest size limit a profile may set: 30 MiB, the most current Redox
// documentation allows for an upload.
const MaxAllowedSize = 30 << 20

// SandboxProfileName is the name of the built-in profile that uploads to the local stand-in; no
// saved profile may use it.
const SandboxProfileName = "Sandbox"

// Profile limits.
const (
	maxProfileNameLen = 64
	defaultParallel   = 3
	maxParallel       = 16
	sandboxHost       = "127.0.0.1"
)

// Profile is one Redox source: where to upload, how to sign in, and the limits to keep. It holds
// no secret: the legacy secret, OAuth private key or bearer token lives in the OS keychain (see
// Secrets), so a Profile can be saved, logged and shown.
type Profile struct {
	Name        string      `json:"name"`
	Environment Environment `json:"environment"`
	Auth        AuthMethod  `json:"auth"`
	APIKey      string      `json:"apiKey,omitempty"`   // legacy; not secret
	ClientID    string      `json:"clientId,omitempty"` // oauth
	KeyID       string      `json:"keyId,omitempty"`    // oauth
	APIBase     string      `json:"apiBase"`
	UploadURL   string      `json:"uploadUrl"`
	MaxSize     int64       `json:"maxSize"`  // bytes; default client.DefaultMaxSize, at most MaxAllowedSize
	Parallel    int         `json:"parallel"` // uploads at once, 1..16; default 3
	// WatchFolders are folders whose new files are sent to this source (watched folders);
	// absolute paths.
	WatchFolders []string `json:"watchFolders,omitempty"`
	// SettleSeconds is how long a watched file's size and time must stay the same before it is
	// sent, 1..600; 0 means DefaultWatchSettle.
	SettleSeconds int  `json:"settleSeconds,omitempty"`
	BuiltIn       bool `json:"-"` // the Sandbox profile: never saved
	Managed       bool `json:"-"` // set by the organisation's policy (see Policy): never saved
}

// NewProfile returns a profile named name with the defaults filled in: Development, legacy API
// key sign-in, Redox's own addresses, a 10 MiB limit and 3 uploads at once.
func NewProfile(name string) Profile {
	return Profile{
		Name:        name,
		Environment: EnvDevelopment,
		Auth:        AuthLegacy,
		APIBase:     client.DefaultAPIBase,
		UploadURL:   client.DefaultUploadURL,
		MaxSize:     client.DefaultMaxSize,
		Parallel:    defaultParallel,
	}
}

// SandboxProfile returns the built-in profile for the local stand-in serving at uploadURL and
// apiBase.
func SandboxProfile(uploadURL, apiBase string) Profile {
	p := NewProfile(SandboxProfileName)
	p.Environment = EnvSandbox
	p.UploadURL = uploadURL
	p.APIBase = apiBase
	p.BuiltIn = true
	return p
}

// FieldError is one problem with one field of a profile. Field is the field's JSON name
// ("name", "uploadUrl", ...); Message says in plain words what to change.
type FieldError struct {
	Field, Message string
}

// ValidationError lists every problem Validate found, in field order.
type ValidationError struct {
	Problems []FieldError
}

// fieldLabels are the names a user sees for the fields in messages.
var fieldLabels = map[string]string{
	"name":          "Name",
	"environment":   "Environment",
	"auth":          "Sign-in method",
	"apiKey":        "API key",
	"clientId":      "Client ID",
	"keyId":         "Key ID",
	"apiBase":       "API address",
	"uploadUrl":     "Upload address",
	"maxSize":       "Size limit",
	"parallel":      "Parallel uploads",
	"watchFolders":  "Watched folders",
	"settleSeconds": "Settle time",
	"secret":        "Secret",
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		label := fieldLabels[p.Field]
		if label == "" {
			label = p.Field
		}
		parts = append(parts, label+": "+p.Message)
	}
	return "the source needs changes: " + strings.Join(parts, " ")
}

// For returns the message for field ("" when it has no problem): what a form shows under it.
func (e *ValidationError) For(field string) string {
	for _, p := range e.Problems {
		if p.Field == field {
			return p.Message
		}
	}
	return ""
}

func (e *ValidationError) add(field, msg string) {
	e.Problems = append(e.Problems, FieldError{Field: field, Message: msg})
}

// Validate checks every field and returns a *ValidationError listing all problems, or nil.
func (p Profile) Validate() error {
	var v ValidationError
	if msg := nameProblem(p.Name, p.BuiltIn); msg != "" {
		v.add("name", msg)
	}
	switch p.Environment {
	case EnvDevelopment, EnvStaging, EnvProduction, EnvSandbox:
	default:
		v.add("environment", "Choose Development, Staging, Production or Sandbox.")
	}
	switch p.Auth {
	case AuthLegacy:
		if msg := idProblem(p.APIKey, "the API key Redox shows for this source"); msg != "" {
			v.add("apiKey", msg)
		}
	case AuthOAuth:
		if msg := idProblem(p.ClientID, "the client ID Redox shows for this source"); msg != "" {
			v.add("clientId", msg)
		}
		if msg := idProblem(p.KeyID, "the key ID (kid) registered with Redox for the public key"); msg != "" {
			v.add("keyId", msg)
		}
	case AuthToken:
	default:
		v.add("auth", `Choose "legacy" (API key and secret), "oauth" (client ID and private key) or "token" (an access token from IT).`)
	}
	if msg := urlProblem(p.APIBase, "https://api.redoxengine.com"); msg != "" {
		v.add("apiBase", msg)
	}
	if msg := urlProblem(p.UploadURL, client.DefaultUploadURL); msg != "" {
		v.add("uploadUrl", msg)
	}
	if p.MaxSize <= 0 || p.MaxSize > MaxAllowedSize {
		v.add("maxSize", "Set a size limit above 0 and at most 30 MiB (31457280 bytes); Redox's usual limit is 10 MiB.")
	}
	if p.Parallel < 1 || p.Parallel > maxParallel {
		v.add("parallel", fmt.Sprintf("Set parallel uploads between 1 and %d.", maxParallel))
	}
	if msg := watchFoldersProblem(p.WatchFolders); msg != "" {
		v.add("watchFolders", msg)
	}
	if p.SettleSeconds != 0 && (p.SettleSeconds < 1 || p.SettleSeconds > MaxSettleSeconds) {
		v.add("settleSeconds", fmt.Sprintf("Set the settle time between 1 and %d seconds.", MaxSettleSeconds))
	}
	if len(v.Problems) > 0 {
		return &v
	}
	return nil
}

func nameProblem(name string, builtIn bool) string {
	switch {
	case name == "":
		return "Enter a name for this source."
	case !utf8.ValidString(name):
		return "The name contains characters that are not text; type it again."
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "Remove line breaks, tabs and other control characters from the name."
	case strings.IndexFunc(name, visible.Hidden) >= 0:
		i := strings.IndexFunc(name, visible.Hidden)
		r, _ := utf8.DecodeRuneInString(name[i:])
		return fmt.Sprintf("Remove the invisible character %s from the name (type the name again): characters like it "+
			"can change how a name reads, and make one source look like another.", visible.Name(string(r)))
	case strings.TrimSpace(name) != name:
		return "Remove the spaces at the start or end of the name."
	case utf8.RuneCountInString(name) > maxProfileNameLen:
		return fmt.Sprintf("Shorten the name to at most %d characters.", maxProfileNameLen)
	case !builtIn && strings.EqualFold(name, SandboxProfileName):
		return `"Sandbox" is the name of the built-in test source; choose another name.`
	}
	return ""
}

// idProblem checks a public identifier (API key, client ID, key ID): present, one word.
func idProblem(id, what string) string {
	switch {
	case id == "":
		return "Enter " + what + "."
	case !utf8.ValidString(id) || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || visible.Hidden(r) }) >= 0:
		return "Remove spaces, line breaks and other invisible characters; paste " + what + " exactly."
	}
	return ""
}

// urlProblem checks an endpoint address with the client's rule (https anywhere, plain http only
// to this computer) and words the refusal for a person.
func urlProblem(raw, example string) string {
	if strings.TrimSpace(raw) == "" {
		return "Enter the address, for example " + example + "."
	}
	if _, err := client.ParseServiceURL(raw); err == nil {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return "This is not a web address; enter one like " + example + "."
	case u.Scheme == "http" && u.Host != "":
		return "Use https:// — plain http is only allowed to this computer."
	case u.Scheme != "http" && u.Scheme != "https":
		return "Start the address with https://, for example " + example + "."
	case u.User != nil:
		return "Remove the user name or password from the address; the secret belongs in the keychain."
	default:
		return "Enter a full address with a host name, for example " + example + "."
	}
}

// UploadHost is the host (and port, if any) the source uploads to, for people: "blob.redoxengine.com";
// the address as written when it has none.
func (p Profile) UploadHost() string { return hostOf(p.UploadURL) }

// hostOf is the host (and port) of an address, or the text itself when it has none.
func hostOf(raw string) string {
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// SourceID identifies the Redox source whose token uploads for this profile: the sign-in
// method, the source's public id and the upload host, for example
// "legacy:KEY@blob.redoxengine.com" or "oauth:CLIENTID@blob.redoxengine.com". A file's URI only
// works for the source that uploaded it, so history records this and duplicates are checked per
// source. It never depends on a secret: a static token has no public id, so the profile name
// stands in, hashed. The built-in sandbox is "sandbox@127.0.0.1" whatever its port.
func (p Profile) SourceID() string {
	if p.BuiltIn {
		return "sandbox@" + sandboxHost
	}
	host := ""
	if u, err := url.Parse(strings.TrimSpace(p.UploadURL)); err == nil {
		host = strings.ToLower(u.Hostname())
	}
	switch p.Auth {
	case AuthLegacy:
		return "legacy:" + p.APIKey + "@" + host
	case AuthOAuth:
		return "oauth:" + p.ClientID + "@" + host
	case AuthToken:
		sum := sha256.Sum256([]byte(p.Name))
		return "token:" + hex.EncodeToString(sum[:])[:12] + "@" + host
	default:
		return string(p.Auth) + ":" + p.Name + "@" + host
	}
}

// UploadsLike reports whether a file sent through p would go out as through o: every field
// but the watched folders' (which are no client's business, and make a Profile incomparable
// with ==). The queue keeps a client while its profile uploads alike; a window that shows p
// checks it against the saved profile before queuing files, so that nothing is sent with
// settings the user did not see.
func (p Profile) UploadsLike(o Profile) bool {
	p.WatchFolders, p.SettleSeconds, o.WatchFolders, o.SettleSeconds = nil, 0, nil, 0
	return reflect.DeepEqual(p, o)
}
