package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"redoxuploader/client"
)

// Core is everything the GUI and the CLI share, opened once per process: settings, secrets,
// history and the upload queue.
type Core struct {
	Paths    Paths
	Settings *SettingsStore
	Secrets  Secrets
	History  *History
	Queue    *Queue
	// Log is the app's log: the rotating file in LogDir when Options.Logging asked for it,
	// otherwise a logger that writes nothing. Never nil.
	Log *slog.Logger

	logFile    *RotatingFile  // nil when not logging
	logProblem error          // why the log file could not be opened; see LogProblem
	clientOpts []ClientOption // Options.ClientOptions
	policy     *Policy        // the organisation's; nil when there is none
	mu         sync.Mutex
	sandbox    *Sandbox
}

// Options adjust Open; the zero value is what the app uses.
type Options struct {
	KeychainService string // default KeychainService; tests use their own
	Logging         bool   // write the log file in Paths.LogDir (the GUI and CLI do; tests mostly not)
	Verbose         bool   // log at Debug level instead of Info
	// Surface is where this process's messages are read: the window (the zero value) or a
	// command line. Advice on where to change a setting names what that surface has.
	Surface Surface
	// ClientOptions apply to every client the core builds (Client, the queue's, TrySignIn's),
	// over the saved settings and the keychain: one run's choices on the command line
	// (WithNetworkOverride; WithSecret for a source given by flags, not saved) and tests'
	// client options. The window gives none.
	ClientOptions []ClientOption
	// PolicyFile is read as the organisation's policy instead of the computer's (the registry
	// on Windows, SystemPolicyFile elsewhere). Only tests set it: nothing a user can give
	// overrides a policy.
	PolicyFile string
	// MachineSecretsDir holds the secrets provisioned for every user instead of the
	// computer's (MachineSecretsDir()). Only tests set it.
	MachineSecretsDir string
}

// Open creates the folders if needed, opens the history (recovering rows a crash left behind)
// and applies the retention setting.
//
// A log file that cannot be written does not stop it: the core then logs nothing and
// LogProblem says why. A history that cannot be written (a full disk, a read-only folder) is
// opened for reading only: ReadOnly says why, and uploads are refused until the app is started
// again with the problem fixed.
func Open(paths Paths, opts Options) (*Core, error) {
	if err := paths.Ensure(); err != nil {
		return nil, err
	}
	if opts.KeychainService == "" {
		opts.KeychainService = KeychainService
	}
	c := &Core{Paths: paths, Settings: NewSettingsStore(paths.SettingsFile()),
		Secrets: Secrets{Keychain: Keychain{Service: opts.KeychainService}, Surface: opts.Surface,
			Machine: MachineSecrets{Dir: cmp.Or(opts.MachineSecretsDir, MachineSecretsDir())}},
		clientOpts: slices.Clone(opts.ClientOptions), policy: loadPolicy(opts.PolicyFile)}
	c.Settings.defaults = c.policy.defaults
	c.Log = DiscardLogger()
	if opts.Logging {
		lf, err := OpenRotatingFile(paths.LogFile(), LogMaxSize, LogKeepFiles)
		if err != nil {
			c.logProblem = folderError("opening the log in "+paths.LogDir(), paths.Data, err)
		} else {
			c.logFile, c.Log = lf, NewLogger(lf, opts.Verbose)
		}
	}
	h, err := OpenHistory(paths.HistoryFile())
	if err != nil {
		c.closeLog()
		return nil, err
	}
	c.History = h
	c.Queue = NewQueue(h, c.queueClient)
	c.Queue.Log = c.Log
	c.Queue.Surface = opts.Surface
	if c.policy != nil && c.policy.Problem != nil {
		c.Log.Warn("the organisation's policy could not be read in full; what could not be read is locked", "policy", c.policy.Origin,
			"problem", c.policy.Problem.Error())
	}
	if rec := h.Recovered(); rec != (Recovery{}) {
		c.Log.Warn("previous session ended with uploads in flight", "interrupted", rec.Interrupted, "unknown", rec.Unknown,
			"saved_late", rec.Saved)
	}
	if st, err := c.LoadSettings(); err == nil && st.RetentionDays > 0 && h.ReadOnly() == nil {
		cutoff := time.Now().AddDate(0, 0, -st.RetentionDays)
		if _, err := h.Purge(context.Background(), cutoff); err != nil {
			h.Close()
			c.closeLog()
			return nil, fmt.Errorf("applying the history retention setting: %w", err)
		}
	}
	return c, nil
}

// Close finishes or cancels the uploads under way (waiting until ctx ends), then closes the
// history and stops the sandbox.
func (c *Core) Close(ctx context.Context) error {
	err := c.Queue.Close(ctx)
	err = errors.Join(err, c.History.Close())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sandbox != nil {
		err = errors.Join(err, c.sandbox.Close())
		c.sandbox = nil
	}
	return errors.Join(err, c.closeLog())
}

// ReadOnly returns nil when uploads can be recorded, or why the history could only be opened
// for reading (see History.ReadOnly): the error matches ErrHistoryReadOnly and ErrDiskFull or
// ErrFolderReadOnly, says what to do in plain words, and is what Submit and Resend refuse with.
// The CLI and the window show it; the History tab and 'history' work as usual.
func (c *Core) ReadOnly() error { return c.History.ReadOnly() }

// LogProblem returns nil when the log file is being written (or was not asked for), or why it
// could not be opened, in plain words (a full disk, a read-only folder...): the core works
// without it and logs nothing.
func (c *Core) LogProblem() error { return c.logProblem }

// LogDir is the folder of the log files (Paths.LogDir), for "Open log folder"; it exists
// once the app has logged.
func (c *Core) LogDir() string { return c.Paths.LogDir() }

// closeLog closes the log file; the logger writes nothing afterwards.
func (c *Core) closeLog() error {
	if c.logFile == nil {
		return nil
	}
	return c.logFile.Close()
}

// LoadSettings reads the settings. A saved profile that no longer validates does not stop the
// others: it is returned as it is (uploads through it are refused with its problems), and only
// a settings file that cannot be read at all is an error.
//
// They are the effective settings: the user's with the organisation's policy applied (see
// Policy.Effective): the managed sources among them, marked Managed.
func (c *Core) LoadSettings() (Settings, error) {
	st, err := c.Settings.Load()
	var invalid *InvalidProfileError
	if err != nil && !errors.As(err, &invalid) {
		return c.policy.Effective(st), err
	}
	return c.policy.Effective(st), nil
}

// Policy is the organisation's policy this core applies, nil when there is none. What it sets
// the window shows as "Set by your organisation" and no one changes here.
func (c *Core) Policy() *Policy { return c.policy }

// SavePreferences saves the user's preferences as change makes them (notifications, copying
// new URIs, history retention), refusing what the organisation's policy locks.
func (c *Core) SavePreferences(change func(*Settings)) error {
	return c.Settings.Update(func(cur *Settings) error {
		old := c.policy.Effective(*cur) // what the user has now, read once, under the lock
		wanted := old
		change(&wanted)
		if err := c.policy.checkPreferences(old, wanted); err != nil {
			return err
		}
		change(cur)
		return nil
	})
}

// Sandbox returns the built-in Sandbox profile, starting the local stand-in on first use.
func (c *Core) Sandbox() (Profile, error) {
	if !c.policy.SandboxOffered() {
		return Profile{}, ErrSandboxOff
	}
	sb, err := c.sandboxServer()
	if err != nil {
		return Profile{}, err
	}
	return sb.Profile(), nil
}

func (c *Core) sandboxServer() (*Sandbox, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sandbox == nil {
		sb, err := StartSandbox("127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		c.sandbox = sb
	}
	return c.sandbox, nil
}

// ErrSandboxOff is the built-in sandbox asked for where the organisation's policy switched it off.
var ErrSandboxOff error = &organisationError{what: "Whether the built-in sandbox is offered is"}

// ErrNoProfile means no saved source has the name asked for.
var ErrNoProfile = errors.New("no saved source has that name")

// ProfileExistsError means SaveProfile was asked to add a source under a name a saved source
// already has (compared without case); Name is the saved one's.
type ProfileExistsError struct{ Name string }

func (e *ProfileExistsError) Error() string {
	return fmt.Sprintf("a source named %q is saved already", e.Name)
}

// SaveProfileOptions say how SaveProfile saves a source.
type SaveProfileOptions struct {
	// Secret, when not "", is stored in the keychain for the source, checked and trimmed as
	// Secrets.SetSecret does. When it is "", the secret stored for the source it replaces is
	// kept if it still fits (same name and sign-in method) and deleted if not.
	Secret string
	// Replace lets the source replace a saved one of the same name (ignoring case); without it
	// such a name is a *ProfileExistsError.
	Replace bool
}

// SecretOutcome is what SaveProfile did about a source's secret.
type SecretOutcome int

const (
	SecretNeeded SecretOutcome = iota // none was given and none kept: IT stores one next
	SecretStored                      // the secret given is in the keychain
	SecretKept                        // none was given; the one stored for the source still fits
)

// SavedProfile is what SaveProfile did.
type SavedProfile struct {
	Settings Settings      // as saved, with the policy applied (as LoadSettings returns them)
	Replaced bool          // a saved source of that name was replaced
	Secret   SecretOutcome // what became of its secret
}

// SaveProfile saves the source p, new or edited, under the settings' lock: it validates p,
// refuses a name taken unless opts.Replace, saves it, then (still under the lock) stores
// opts.Secret in the keychain, or keeps or deletes the secret of the source it replaces as
// the sign-in method requires (see SaveProfileOptions). Last, whatever came of it, the queue
// forgets its client of the source, so the next upload signs in with what is saved now.
//
// When a step fails the settings are left as they were (and a secret stored for a new source
// is deleted again): a profile or a secret that cannot be used is a *ValidationError (the
// secret's problem, too large for the keychain included, under the field "secret"), a name
// taken a *ProfileExistsError, a keychain that does not answer the keychain's error. The
// window's source form and 'profile add' both save through it.
func (c *Core) SaveProfile(p Profile, opts SaveProfileOptions) (SavedProfile, error) {
	if err := c.policy.checkSourceChange(p.Name); err != nil {
		return SavedProfile{}, err
	}
	if err := p.Validate(); err != nil {
		return SavedProfile{}, err
	}
	if opts.Secret != "" {
		if _, err := normalizeSecret(p.Auth, opts.Secret); err != nil {
			return SavedProfile{}, secretProblem(err)
		}
	}
	var (
		saved      SavedProfile
		old        Profile
		secretSent bool // opts.Secret went to the keychain
	)
	defer c.Queue.ForgetClient(p.Name)
	err := c.Settings.Update(func(cur *Settings) error {
		old, saved.Replaced = cur.Profile(p.Name)
		if saved.Replaced && !opts.Replace {
			return &ProfileExistsError{Name: old.Name}
		}
		replacing := ""
		if saved.Replaced {
			replacing = old.Name
		}
		if msg := folderWatchedElsewhere(p, replacing, c.policy.Effective(*cur)); msg != "" {
			return &ValidationError{Problems: []FieldError{{Field: "watchFolders", Message: msg}}}
		}
		if err := cur.PutProfile(p); err != nil {
			return err
		}
		renamed := saved.Replaced && old.Name != p.Name // in case only: secrets are kept by exact name
		fits := saved.Replaced && !renamed && old.Auth == p.Auth
		// The old entries go before the new secret comes: a keychain may not tell names apart
		// by case (Windows), and deleting after would delete the new one.
		if renamed || saved.Replaced && !fits && opts.Secret == "" {
			if err := c.Secrets.DeleteProfile(old); err != nil {
				return err
			}
		}
		switch {
		case opts.Secret != "":
			secretSent = true
			if err := c.Secrets.SetSecret(p, opts.Secret); errors.Is(err, ErrSecretTooBig) {
				return secretProblem(err)
			} else if err != nil {
				return err
			}
			saved.Secret = SecretStored
		case fits:
			saved.Secret = SecretKept
		}
		saved.Settings = c.policy.Effective(*cur)
		return nil
	})
	if saved.Replaced && old.Name != p.Name {
		c.Queue.ForgetClient(old.Name)
	}
	if err != nil {
		if secretSent && !saved.Replaced {
			_ = c.Secrets.DeleteProfile(p) // leave no secret behind for a source that was not saved
		}
		return SavedProfile{}, err
	}
	return saved, nil
}

// secretProblem is a secret that cannot be stored as the field problem of a source's form.
func secretProblem(err error) *ValidationError {
	return &ValidationError{Problems: []FieldError{{Field: "secret", Message: err.Error()}}}
}

// SecretsLeftError means a source was removed from the settings but its secret or cached
// sign-in could not be deleted from the keychain.
type SecretsLeftError struct {
	Profile string
	Err     error
}

func (e *SecretsLeftError) Error() string {
	return fmt.Sprintf("the source %q was removed from the settings, but not its keychain entries: %v", e.Profile, e.Err)
}

func (e *SecretsLeftError) Unwrap() error { return e.Err }

// RemoveProfile removes the saved source name from the settings (under their lock), then its
// secret and cached sign-in from the keychain, then the queue's client for it, which holds
// them in memory. It returns the source removed and the settings as saved (with the policy
// applied, as LoadSettings returns them). A name no saved
// source has is ErrNoProfile; a keychain that would not delete is a *SecretsLeftError, the
// source being gone from the settings all the same. Uploads to it under way are the caller's
// to stop first (Queue.Hold, Queue.StopProfile).
func (c *Core) RemoveProfile(name string) (Profile, Settings, error) {
	if err := c.policy.checkSourceChange(name); err != nil {
		return Profile{}, Settings{}, err
	}
	defer c.Queue.ForgetClient(name) // also when another window or command removed it first
	var p Profile
	var st Settings
	err := c.Settings.Update(func(cur *Settings) error {
		var ok bool
		if p, ok = cur.Profile(name); !ok {
			return fmt.Errorf("%w: %q", ErrNoProfile, name)
		}
		cur.RemoveProfile(p.Name)
		st = c.policy.Effective(*cur)
		return nil
	})
	if err != nil {
		return p, st, err
	}
	if err := c.Secrets.DeleteProfile(p); err != nil {
		return p, st, &SecretsLeftError{Profile: p.Name, Err: err}
	}
	return p, st, nil
}

// Profile returns the saved profile with that name, or the Sandbox profile.
func (c *Core) Profile(name string) (Profile, error) {
	if name == SandboxProfileName {
		return c.Sandbox()
	}
	st, err := c.LoadSettings()
	if err != nil {
		return Profile{}, err
	}
	p, ok := st.Profile(name)
	if !ok {
		return Profile{}, fmt.Errorf("there is no source named %q. %s", name, c.Queue.Surface.addSourceAdvice())
	}
	return p, nil
}

// TrySignIn asks Redox for a token as p with secret, as a settings form holds them before they
// are saved, through the saved network settings (proxy, extra certificates), as an upload
// would go. Nothing is stored or cached.
func (c *Core) TrySignIn(ctx context.Context, p Profile, secret string) (client.Token, error) {
	cl, err := c.Client(p, WithSecret(secret))
	if err != nil {
		return client.Token{}, err
	}
	return cl.Authenticate(ctx)
}

// Resend queues the file of row id again to the profile that first uploaded it.
func (c *Core) Resend(ctx context.Context, id int64, confirmChanged bool) (int64, error) {
	original, err := c.History.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	p, err := c.Profile(original.Profile)
	if err != nil {
		return 0, fmt.Errorf("%s cannot be resent: %w", original.Name, err)
	}
	return c.Queue.Resend(ctx, original, p, confirmChanged)
}
