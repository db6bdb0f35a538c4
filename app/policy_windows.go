package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// loadPolicy reads the computer's policy: HKCU's key, then HKLM's over it, value by value (a
// machine policy wins). file, from tests only, names a JSON file to read instead.
func loadPolicy(file string) *Policy {
	if file != "" {
		return readPolicyFile(file, func(string) error { return nil })
	}
	var p *Policy
	var origins []string
	for _, root := range []struct {
		key  registry.Key
		name string
	}{{registry.CURRENT_USER, `HKCU\`}, {registry.LOCAL_MACHINE, `HKLM\`}} {
		k, err := registry.OpenKey(root.key, PolicyKey, registry.READ|registry.WOW64_64KEY)
		if errors.Is(err, registry.ErrNotExist) {
			continue
		}
		if p == nil {
			p = &Policy{}
		}
		origins = append([]string{root.name + PolicyKey}, origins...) // HKLM first: it wins
		if err != nil {
			p.Problem = errors.Join(p.Problem, fmt.Errorf("%s%s cannot be read: %w", root.name, PolicyKey, err))
			p.lockAll()
			continue
		}
		readPolicy(p, registryPolicy{k})
		k.Close()
	}
	if p != nil {
		p.Origin = strings.Join(origins, ", then ")
		if p.Problem != nil {
			p.Problem = fmt.Errorf("the policy in the registry (%s): %w", p.Origin, p.Problem)
		}
	}
	return p
}

// registryPolicy reads one registry key of the policy.
type registryPolicy struct{ k registry.Key }

func (r registryPolicy) value(name string, k policyKind) (policyValue, bool, error) {
	var v policyValue
	var err error
	switch k {
	case policyText:
		v.s, _, err = r.k.GetStringValue(name)
	case policyList:
		v.list, _, err = r.k.GetStringsValue(name)
		// A REG_MULTI_SZ holds no empty string (one ends the list); an empty box of the
		// templates may still write one. It is no folder, not a problem.
		v.list = slices.DeleteFunc(v.list, func(s string) bool { return s == "" })
	default:
		var n uint64
		n, _, err = r.k.GetIntegerValue(name)
		v.n, v.b = int64(n), n != 0
		if err == nil && k == policyBool && n > 1 {
			err = fmt.Errorf("%d is neither 0 nor 1", n)
		}
	}
	switch {
	case errors.Is(err, registry.ErrNotExist):
		return policyValue{}, false, nil
	case errors.Is(err, registry.ErrUnexpectedType):
		return policyValue{}, true, fmt.Errorf("%s is expected", policyKindWords(k))
	case err != nil:
		return policyValue{}, true, err
	}
	return v, true, nil
}

func (r registryPolicy) sources() ([]namedReader, error) {
	sk, err := registry.OpenKey(r.k, policySourcesKey, registry.READ|registry.WOW64_64KEY)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read: %w", policySourcesKey, err)
	}
	defer sk.Close()
	keys, err := sk.ReadSubKeyNames(-1)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read: %w", policySourcesKey, err)
	}
	var readers []namedReader
	for _, name := range keys {
		k, err := registry.OpenKey(sk, name, registry.READ|registry.WOW64_64KEY)
		if err != nil {
			return readers, fmt.Errorf(`%s\%s cannot be read: %w`, policySourcesKey, name, err)
		}
		readers = append(readers, namedReader{key: name, r: registryPolicy{k}, close: func() { k.Close() }})
	}
	return readers, nil
}

func (r registryPolicy) label(name string) string { return name }

func (r registryPolicy) names() []string {
	names, _ := r.k.ReadValueNames(-1)
	return names
}
