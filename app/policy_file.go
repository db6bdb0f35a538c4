package app

import (
	"errors"
	"fmt"
	"io/fs"

	"redoxuploader/internal/smallfile"
)

// readPolicyFile reads the policy in the JSON file at path (see Policy; policy.json on Linux,
// and tests on every system): nil when there is no such file. A file that a user who is not
// an administrator could have written (trusted says) is not applied: the Policy returned then
// sets nothing and its Problem says why. A file that cannot be read or parsed locks what a
// policy can lock (lockedAll).
func readPolicyFile(path string, trusted func(path string) error) *Policy {
	data, err := smallfile.Read(path, "the policy file", PolicyFileMaxSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return lockedAll(path, fmt.Errorf("the policy file %s cannot be read: %w", path, err))
	}
	if err := trusted(path); err != nil {
		return &Policy{Origin: path, Problem: fmt.Errorf("the policy file %s was ignored: %w. "+
			"Only an administrator may be able to change it", path, err)}
	}
	p := &Policy{Origin: path}
	if err := parsePolicyJSON(p, data); err != nil {
		return lockedAll(path, fmt.Errorf("the policy file %s cannot be used: %w", path, err))
	}
	if p.Problem != nil {
		p.Problem = fmt.Errorf("the policy file %s: %w", path, p.Problem)
	}
	return p
}
