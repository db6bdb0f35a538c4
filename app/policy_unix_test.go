//go:build !windows

package app

import (
	"os"
	"testing"
)

// trustTestPolicies makes the policy files of this test's user count as an administrator's
// (root's, on CI), for the test.
func trustTestPolicies(t *testing.T) {
	old := policyAdmin
	policyAdmin = uint32(os.Getuid())
	t.Cleanup(func() { policyAdmin = old })
}
