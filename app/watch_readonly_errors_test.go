package app

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// readOnlyErrorCase is an error a move out of a watched folder can meet, and whether it says
// the folder cannot be changed.
type readOnlyErrorCase struct {
	name     string
	err      error
	readOnly bool
}

// TestIsReadOnlyError: the refusals to change a folder of this system (its own cases, in
// watch_readonly_*_test.go) are told from other failures, as the move returns them (wrapped
// in a *fs.PathError, then with context).
func TestIsReadOnlyError(t *testing.T) {
	cases := append([]readOnlyErrorCase{
		{"no error", nil, false},
		{"permission", fs.ErrPermission, true},
		{"not there", fs.ErrNotExist, false},
		{"another error", errors.New("the share went away"), false},
	}, platformReadOnlyErrorCases...)
	for _, tc := range cases {
		err := tc.err
		if err != nil {
			err = fmt.Errorf("moving a file into Uploaded: %w", &fs.PathError{Op: "rename", Path: "scan.pdf", Err: err})
		}
		if got := isReadOnlyError(err); got != tc.readOnly {
			t.Errorf("%s: isReadOnlyError(%v) = %v, want %v", tc.name, err, got, tc.readOnly)
		}
	}
}
