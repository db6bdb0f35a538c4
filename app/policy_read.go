package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The policy's values have one name each, the registry value's (Group Policy's templates in
// packaging/windows/policy name the same); policy.json spells it with a lower-case first
// letter (PolicyValueNames, PolicySourceValueNames). Both readers walk the same tables, so a
// setting is read the same way from either.

// policyKind is the kind of value a policy setting holds.
type policyKind int

const (
	policyBool policyKind = iota // a REG_DWORD 0 or 1; true or false in JSON
	policyInt                    // a REG_DWORD; a whole number in JSON
	policyText                   // a REG_SZ; text in JSON
	policyList                   // a REG_MULTI_SZ; a list of texts in JSON
)

// policySetting is one value of the policy: its name, its kind, and where it goes.
type policySetting struct {
	name string
	kind policyKind
	set  func(p *Policy, v policyValue)
	// lock: a value that cannot be read locks what it would have set (see lockedBy).
	lock func(p *Policy)
}

// policyValue is a value read: one of the four, as its setting's kind says.
type policyValue struct {
	b    bool
	n    int64
	s    string
	list []string
}

func boolPtr(v policyValue) *bool        { return &v.b }
func textPtr(v policyValue) *string      { return &v.s }
func intPtr(v policyValue) *int          { n := int(v.n); return &n }
func lockSources(p *Policy)              { no := false; p.UserSources = &no }
func lockNetwork(p *Policy)              { p.LockNetwork = true }
func lockNotifications(p *Policy)        { p.LockNotifications = true }
func lockAutoCopy(p *Policy)             { p.LockAutoCopy = true }
func lockNothing(*Policy)                {}
func intValue(v policyValue) int         { return int(v.n) }
func textValue(v policyValue) string     { return v.s }
func int64Value(v policyValue) int64     { return v.n }
func envValue(v policyValue) Environment { return Environment(v.s) }

// policySettings are the values at the top of the policy.
var policySettings = []policySetting{
	{"UserSources", policyBool, func(p *Policy, v policyValue) { p.UserSources = boolPtr(v) }, lockSources},
	{"ProxyMode", policyText, func(p *Policy, v policyValue) { p.ProxyMode = textPtr(v) }, lockNetwork},
	{"ProxyUrl", policyText, func(p *Policy, v policyValue) { p.ProxyURL = textPtr(v) }, lockNetwork},
	{"ExtraCaFile", policyText, func(p *Policy, v policyValue) { p.ExtraCAFile = textPtr(v) }, lockNetwork},
	{"RetentionDays", policyInt, func(p *Policy, v policyValue) { p.RetentionDays = intPtr(v) }, lockNothing},
	{"MinimumRetentionDays", policyInt, func(p *Policy, v policyValue) { p.MinimumRetentionDays = intValue(v) }, lockNothing},
	{"Notifications", policyBool, func(p *Policy, v policyValue) { p.Notifications = boolPtr(v) }, lockNothing},
	{"LockNotifications", policyBool, func(p *Policy, v policyValue) { p.LockNotifications = v.b }, lockNotifications},
	{"AutoCopy", policyBool, func(p *Policy, v policyValue) { p.AutoCopy = boolPtr(v) }, lockNothing},
	{"LockAutoCopy", policyBool, func(p *Policy, v policyValue) { p.LockAutoCopy = v.b }, lockAutoCopy},
	{"Sandbox", policyBool, func(p *Policy, v policyValue) { p.Sandbox = boolPtr(v) }, lockNothing},
}

// policySourcesKey holds the managed sources: in the registry one subkey each (its name is the
// source's unless Name says otherwise), in policy.json a list of objects.
const policySourcesKey = "Sources"

// sourceSetting is one value of a managed source.
type sourceSetting struct {
	name string
	kind policyKind
	set  func(s *Profile, v policyValue)
}

// policySourceSettings are the values of a managed source; those not given keep NewProfile's.
var policySourceSettings = []sourceSetting{
	{"Name", policyText, func(s *Profile, v policyValue) { s.Name = textValue(v) }},
	{"Environment", policyText, func(s *Profile, v policyValue) { s.Environment = envValue(v) }},
	{"Auth", policyText, func(s *Profile, v policyValue) { s.Auth = AuthMethod(v.s) }},
	{"ApiKey", policyText, func(s *Profile, v policyValue) { s.APIKey = textValue(v) }},
	{"ClientId", policyText, func(s *Profile, v policyValue) { s.ClientID = textValue(v) }},
	{"KeyId", policyText, func(s *Profile, v policyValue) { s.KeyID = textValue(v) }},
	{"UploadUrl", policyText, func(s *Profile, v policyValue) { s.UploadURL = textValue(v) }},
	{"ApiBase", policyText, func(s *Profile, v policyValue) { s.APIBase = textValue(v) }},
	{"MaxSize", policyInt, func(s *Profile, v policyValue) { s.MaxSize = int64Value(v) }},
	{"Parallel", policyInt, func(s *Profile, v policyValue) { s.Parallel = intValue(v) }},
	{"WatchFolders", policyList, func(s *Profile, v policyValue) { s.WatchFolders = slices.Clone(v.list) }},
	{"SettleSeconds", policyInt, func(s *Profile, v policyValue) { s.SettleSeconds = intValue(v) }},
}

// PolicyValueNames are the names of the values at the top of the policy, and
// PolicySourceValueNames those of each managed source, as the registry and Group Policy's
// templates spell them.
func PolicyValueNames() []string {
	names := make([]string, len(policySettings))
	for i, s := range policySettings {
		names[i] = s.name
	}
	return names
}

// PolicySourceValueNames: see PolicyValueNames.
func PolicySourceValueNames() []string {
	names := make([]string, len(policySourceSettings))
	for i, s := range policySourceSettings {
		names[i] = s.name
	}
	return names
}

// policyReader reads one place a policy is kept: a registry key or a JSON object.
type policyReader interface {
	// value reads the value name of kind k; found is false when it is not there. An error is a
	// value there that cannot be read (the wrong kind).
	value(name string, k policyKind) (v policyValue, found bool, err error)
	// sources returns a reader for each managed source, and its key's name ("" in JSON).
	sources() ([]namedReader, error)
	// names lists the value names there, to point out those the app does not know.
	names() []string
	// label is name as this place spells it, for problems.
	label(name string) string
}

// namedReader is a managed source's reader, the name of its registry key, and what releases
// it once read (nil when nothing needs to).
type namedReader struct {
	key   string
	r     policyReader
	close func()
}

// readPolicy applies what r holds to p: later readers override earlier ones value by value
// (HKCU is read first, then HKLM). Problems are joined into p.Problem; a value that cannot be
// read locks what it would have set.
func readPolicy(p *Policy, r policyReader) {
	var problems []error
	for _, s := range policySettings {
		v, found, err := r.value(s.name, s.kind)
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("%s: %w", r.label(s.name), err))
			s.lock(p)
		case found:
			s.set(p, v)
		}
	}
	problems = append(problems, unknownNames(r.names(), PolicyValueNames(), policySourcesKey)...)
	srcs, err := r.sources()
	if err != nil {
		problems = append(problems, err)
		lockSources(p)
	}
	for _, sr := range srcs {
		if sr.key != "" && len(namedValues(sr.r)) == 0 { // a Group Policy slot left without values: no source
			if sr.close != nil {
				sr.close()
			}
			continue
		}
		s, err := readSource(sr)
		if sr.close != nil {
			sr.close()
		}
		if err != nil {
			problems = append(problems, err)
			lockSources(p) // a source that cannot be read: users cannot take its place
			continue
		}
		if i := slices.IndexFunc(p.Sources, func(o Profile) bool { return strings.EqualFold(o.Name, s.Name) }); i >= 0 {
			p.Sources[i] = s
		} else {
			p.Sources = append(p.Sources, s)
		}
	}
	p.Problem = errors.Join(p.Problem, errors.Join(problems...))
}

// readSource reads one managed source: NewProfile's defaults, then the values given. It must
// validate (Profile.Validate) to be used.
func readSource(sr namedReader) (Profile, error) {
	s := NewProfile(sr.key)
	for _, f := range policySourceSettings {
		v, found, err := sr.r.value(f.name, f.kind)
		switch {
		case err != nil:
			return s, fmt.Errorf("source %q: %s: %w", sourceLabel(sr, s), sr.r.label(f.name), err)
		case found:
			f.set(&s, v)
		}
	}
	if problems := unknownNames(sr.r.names(), PolicySourceValueNames()); len(problems) > 0 {
		return s, fmt.Errorf("source %q: %w", sourceLabel(sr, s), errors.Join(problems...))
	}
	s.Managed = true
	if err := s.Validate(); err != nil {
		return s, fmt.Errorf("source %q: %w", sourceLabel(sr, s), namedProblems(err, sr.r))
	}
	return s, nil
}

// namedProblems is a source's validation error with each problem named by the policy value
// that holds the field, as r spells it ("watchFolders: Choose the folder scans again: …"), so
// that IT knows which value to fix; err itself when it is no *ValidationError, which it wraps.
func namedProblems(err error, r policyReader) error {
	var v *ValidationError
	if !errors.As(err, &v) {
		return err
	}
	parts := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		label := fieldLabels[p.Field]
		if j := slices.IndexFunc(policySourceSettings, func(s sourceSetting) bool { return strings.EqualFold(s.name, p.Field) }); j >= 0 {
			label = r.label(policySourceSettings[j].name)
		}
		parts[i] = label + ": " + p.Message
	}
	return &policyValidationError{text: strings.Join(parts, " "), err: v}
}

// policyValidationError is a managed source's *ValidationError worded with the policy's names.
type policyValidationError struct {
	text string
	err  *ValidationError
}

func (e *policyValidationError) Error() string { return e.text }
func (e *policyValidationError) Unwrap() error { return e.err }

// sourceLabel names a managed source in a problem: its name, else its key, else "without a name".
func sourceLabel(sr namedReader, s Profile) string {
	switch {
	case s.Name != "":
		return s.Name
	case sr.key != "":
		return sr.key
	}
	return "without a name"
}

// namedValues are the names of r's values, less a registry key's unnamed default value ("").
func namedValues(r policyReader) []string {
	return slices.DeleteFunc(r.names(), func(n string) bool { return n == "" })
}

// unknownNames is a problem for each name in have that is not in known or also (compared
// without case, as the registry does); a registry key's unnamed value ("") is no setting.
func unknownNames(have, known []string, also ...string) []error {
	var problems []error
	for _, n := range slices.DeleteFunc(slices.Clone(have), func(n string) bool { return n == "" }) {
		if !slices.ContainsFunc(append(slices.Clone(known), also...), func(k string) bool { return strings.EqualFold(k, n) }) {
			problems = append(problems, fmt.Errorf("%q is not a setting Redox Uploader knows (a misspelling?)", n))
		}
	}
	return problems
}
