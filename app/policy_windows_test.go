package app

import "testing"

// trustTestPolicies: a policy file given to a test is trusted on Windows (see loadPolicy).
func trustTestPolicies(*testing.T) {}
