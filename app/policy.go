package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Policy is what the organisation's IT sets for every user of a computer (managed
// configuration): on Windows the registry keys HKLM, then HKCU, \SOFTWARE\Policies\Redox
// Uploader (Group Policy writes them; see packaging/windows/policy), on Linux
// /etc/redox-uploader/policy.json. A setting the policy holds is shown as "Set by your
// organisation" and cannot be changed by the user, in the window or on the command line; no
// environment variable or flag overrides it. A nil *Policy is no policy: everything is the
// user's.
//
// A field left nil is not set. A policy that cannot be read (Problem) still starts the app;
// what could not be read counts as locked.
type Policy struct {
	// Origin names where the policy was read, for diagnostics and the banner.
	Origin string
	// Sources are the managed sources, each with Managed set. They come before the user's own,
	// and hide a user's source of the same name.
	Sources []Profile
	// UserSources, when false, stops users adding, changing or removing sources of their own;
	// the ones they have stay usable.
	UserSources *bool
	// Network settings IT sets, each on its own: a field set here replaces the user's.
	ProxyMode, ProxyURL, ExtraCAFile *string
	// LockNetwork keeps the user's network settings as they are, when the policy that would
	// say more could not be read.
	LockNetwork bool
	// RetentionDays, when set, is the history retention every user has (0 keeps it forever);
	// otherwise MinimumRetentionDays, when above 0, is the shortest retention a user may choose.
	RetentionDays        *int
	MinimumRetentionDays int
	// Notifications and AutoCopy are defaults for users who have not chosen, and with their
	// lock, what every user has.
	Notifications, AutoCopy         *bool
	LockNotifications, LockAutoCopy bool
	// Sandbox, when false, stops offering the built-in sandbox source.
	Sandbox *bool
	// Problem says what of the policy could not be read, in plain words, or is nil.
	Problem error
}

// PolicyKey is the registry key, under HKLM and HKCU, where Group Policy keeps the policy on
// Windows (see packaging/windows/policy).
const PolicyKey = `SOFTWARE\Policies\Redox Uploader`

// ErrSetByOrganisation matches every change refused because the policy holds the setting.
var ErrSetByOrganisation = errors.New("set by your organisation")

// organisationError is a change the policy refuses, in one plain sentence that says what is
// set and who can change it.
type organisationError struct{ what string }

func (e *organisationError) Error() string {
	return e.what + " set by your organisation, so it cannot be changed here. Ask your IT department if it needs to change."
}

func (e *organisationError) Is(target error) bool { return target == ErrSetByOrganisation }

// lockedAll is what a policy that could not be read at all imposes: every lock locked, nothing
// else set.
func lockedAll(origin string, problem error) *Policy {
	p := &Policy{Origin: origin, Problem: problem}
	p.lockAll()
	return p
}

// lockAll locks what a policy can lock, at the values the user has.
func (p *Policy) lockAll() {
	lockSources(p)
	p.LockNotifications, p.LockAutoCopy, p.LockNetwork = true, true, true
}

// ManagedSource returns the managed source named name (ignoring case).
func (p *Policy) ManagedSource(name string) (Profile, bool) {
	if p == nil {
		return Profile{}, false
	}
	i := slices.IndexFunc(p.Sources, func(s Profile) bool { return strings.EqualFold(s.Name, name) })
	if i < 0 {
		return Profile{}, false
	}
	return p.Sources[i], true
}

// UserSourcesLocked reports whether users may not add, change or remove sources of their own.
func (p *Policy) UserSourcesLocked() bool { return p != nil && p.UserSources != nil && !*p.UserSources }

// NetworkLocked reports which network settings the policy sets: proxy (mode and address) and
// the extra certificates file.
func (p *Policy) NetworkLocked() (proxy, certificates bool) {
	if p == nil {
		return false, false
	}
	return p.LockNetwork || p.ProxyMode != nil || p.ProxyURL != nil, p.LockNetwork || p.ExtraCAFile != nil
}

// RetentionLocked reports whether the policy sets the retention outright.
func (p *Policy) RetentionLocked() bool { return p != nil && p.RetentionDays != nil }

// SandboxOffered reports whether the built-in sandbox source is offered.
func (p *Policy) SandboxOffered() bool { return p == nil || p.Sandbox == nil || *p.Sandbox }

// NotificationsLocked and AutoCopyLocked report whether those preferences are the policy's.
func (p *Policy) NotificationsLocked() bool { return p != nil && p.LockNotifications }

// AutoCopyLocked: see NotificationsLocked.
func (p *Policy) AutoCopyLocked() bool { return p != nil && p.LockAutoCopy }

// defaults are the settings of a user who has saved none, with the policy's defaults.
func (p *Policy) defaults() Settings {
	st := DefaultSettings()
	if p == nil {
		return st
	}
	if p.Notifications != nil {
		st.Notifications = *p.Notifications
	}
	if p.AutoCopy != nil {
		st.AutoCopy = *p.AutoCopy
	}
	return st
}

// Effective is st, the user's saved settings, with the policy applied: the managed sources
// first (a user's source of the same name left out), the network settings, retention and
// locked preferences the policy sets. It is what the app uses; only the user's own part is
// ever saved.
func (p *Policy) Effective(st Settings) Settings {
	if p == nil {
		return st
	}
	profiles := slices.Clone(p.Sources)
	for i := range profiles { // the policy's own list stays the policy's, whatever the caller does with these
		profiles[i].WatchFolders = slices.Clone(profiles[i].WatchFolders)
	}
	for _, own := range st.Profiles {
		if _, managed := p.ManagedSource(own.Name); !managed {
			profiles = append(profiles, own)
		}
	}
	st.Profiles = profiles
	st.Network = p.network(st.Network)
	switch {
	case p.RetentionDays != nil:
		st.RetentionDays = *p.RetentionDays
	case p.MinimumRetentionDays > 0 && st.RetentionDays > 0 && st.RetentionDays < p.MinimumRetentionDays:
		st.RetentionDays = p.MinimumRetentionDays
	}
	if p.LockNotifications && p.Notifications != nil {
		st.Notifications = *p.Notifications
	}
	if p.LockAutoCopy && p.AutoCopy != nil {
		st.AutoCopy = *p.AutoCopy
	}
	return st
}

// proxyMode is how the policy has users reach Redox: its ProxyMode, or manual when it sets the
// proxy's address alone (that proxy is then the one to go through); nil when it sets neither.
func (p *Policy) proxyMode() *string {
	if p.ProxyMode == nil && p.ProxyURL != nil {
		manual := ProxyManual
		return &manual
	}
	return p.ProxyMode
}

// network is ns with the network settings the policy sets.
func (p *Policy) network(ns NetworkSettings) NetworkSettings {
	for _, f := range []struct {
		set *string
		to  *string
	}{{p.proxyMode(), &ns.ProxyMode}, {p.ProxyURL, &ns.ProxyURL}, {p.ExtraCAFile, &ns.ExtraCAFile}} {
		if f.set != nil {
			*f.to = *f.set
		}
	}
	return ns
}

// ownNetwork is what the user saves of ns: ns, with the fields the policy sets kept at own,
// the user's saved values, so that a policy withdrawn leaves the user's choices.
func (p *Policy) ownNetwork(own, ns NetworkSettings) NetworkSettings {
	if p == nil {
		return ns
	}
	return (&Policy{ProxyMode: keptIf(p.proxyMode(), own.ProxyMode), ProxyURL: keptIf(p.ProxyURL, own.ProxyURL),
		ExtraCAFile: keptIf(p.ExtraCAFile, own.ExtraCAFile)}).network(ns)
}

// keptIf is &own when set is set, else nil.
func keptIf(set *string, own string) *string {
	if set == nil {
		return nil
	}
	return &own
}

// checkSourceChange refuses adding, changing or removing the source named name when the policy
// manages it or keeps users from changing their own.
func (p *Policy) checkSourceChange(name string) error {
	if managed, ok := p.ManagedSource(name); ok {
		return &organisationError{what: fmt.Sprintf("The source %q is", managed.Name)}
	}
	if p.UserSourcesLocked() {
		return &organisationError{what: "Which sources this computer uploads to is"}
	}
	return nil
}

// checkNetwork refuses new network settings that change, from the effective ones (old), what
// the policy sets or locks.
func (p *Policy) checkNetwork(old, ns NetworkSettings) error {
	proxy, certificates := p.NetworkLocked()
	switch {
	case proxy && (old.Mode() != ns.Mode() || old.ProxyURL != ns.ProxyURL):
		return &organisationError{what: "The proxy is"}
	case certificates && old.ExtraCAFile != ns.ExtraCAFile:
		return &organisationError{what: "The extra trusted certificates file is"}
	}
	return nil
}

// checkRunNetwork refuses one run's network overrides in r (WithNetworkOverride: the command
// line's --proxy and --ca-file) that change what the policy sets or locks: a file goes out
// through the organisation's proxy, trusting the certificates it chose, whatever a flag says.
func (p *Policy) checkRunNetwork(r clientRecipe) error {
	if r.network == nil || len(r.overrides) == 0 {
		return nil
	}
	run, _ := r.runNetwork()
	return p.checkNetwork(*r.network, run)
}

// checkPreferences refuses a change of old into st in what the policy locks.
func (p *Policy) checkPreferences(old, st Settings) error {
	switch {
	case p == nil:
		return nil
	case p.LockNotifications && st.Notifications != old.Notifications:
		return &organisationError{what: "Whether Redox Uploader shows notifications is"}
	case p.LockAutoCopy && st.AutoCopy != old.AutoCopy:
		return &organisationError{what: "Whether a new URI is copied at once is"}
	case p.RetentionDays != nil && st.RetentionDays != *p.RetentionDays:
		return &organisationError{what: "How long the upload history is kept is"}
	case p.MinimumRetentionDays > 0 && st.RetentionDays > 0 && st.RetentionDays < p.MinimumRetentionDays:
		return Sentencef("Your organisation keeps the upload history for at least %d days; choose %d days or more, or keep it forever.",
			p.MinimumRetentionDays, p.MinimumRetentionDays)
	}
	return nil
}

// summary writes, for diagnostics, where the policy comes from, what of it could not be read,
// and what it sets (never a secret: a policy holds none).
func (p *Policy) summary(line func(string, ...any)) {
	if p == nil {
		line("Policy: none (the user sets everything)")
		return
	}
	line("Policy: %s", p.Origin)
	if p.Problem != nil {
		line("  problem: %s", strings.ReplaceAll(p.Problem.Error(), "\n", "; "))
	}
	var names []string
	for _, s := range p.Sources {
		names = append(names, s.Name)
	}
	line("  managed sources: %s", orNone(strings.Join(names, ", "), "none"))
	for _, s := range p.Sources { // how many folders, not their paths: diagnostics name no path of the user's files
		if len(s.WatchFolders) > 0 {
			line("  %s %s", s.Name, s.watchSummary())
		}
	}
	line("  sources of the user's own: %s", map[bool]string{true: "locked", false: "allowed"}[p.UserSourcesLocked()])
	proxy, certificates := p.NetworkLocked()
	line("  proxy: %s; extra certificates file: %s", setOrUser(proxy), setOrUser(certificates))
	switch {
	case p.RetentionDays != nil:
		line("  history retention: %d days (0: kept forever), set", *p.RetentionDays)
	case p.MinimumRetentionDays > 0:
		line("  history retention: the user's, at least %d days", p.MinimumRetentionDays)
	}
	line("  notifications: %s; copy new URIs: %s; sandbox: %s", preference(p.Notifications, p.LockNotifications),
		preference(p.AutoCopy, p.LockAutoCopy), map[bool]string{true: "offered", false: "not offered"}[p.SandboxOffered()])
}

// setOrUser says whether a setting is the policy's.
func setOrUser(set bool) string {
	if set {
		return "set by the policy"
	}
	return "the user's"
}

// preference says what the policy does to an on/off preference.
func preference(v *bool, locked bool) string {
	switch {
	case v != nil && locked:
		return "set to " + onOff(*v)
	case locked:
		return "locked at the user's choice"
	case v != nil:
		return "default " + onOff(*v) + ", the user's choice"
	}
	return "the user's"
}
