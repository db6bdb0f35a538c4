package main

import (
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// TestShippedBuildsLinkNoTestCode: the programs users run (the window build, the headless
// build and the Windows build) link no test code: not the testing package, not
// net/http/httptest, and none of this module's test doubles (the xxxtest packages, such as
// client/redoxtest). The sandbox has its own package for that reason.
func TestShippedBuildsLinkNoTestCode(t *testing.T) {
	builds := []struct {
		name string
		env  []string
		args []string
	}{
		{"window", []string{"CGO_ENABLED=1"}, nil},
		{"headless", []string{"CGO_ENABLED=0"}, []string{"-tags", "headless"}},
		{"windows", []string{"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1"}, nil},
	}
	for _, b := range builds {
		t.Run(b.name, func(t *testing.T) {
			args := append(append([]string{"list", "-deps"}, b.args...), ".")
			cmd := exec.Command("go", args...)
			cmd.Env = append(os.Environ(), b.env...)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderrOf(err))
			}
			deps := strings.Fields(string(out))
			if len(deps) < 50 {
				t.Fatalf("go list named only %d packages: %q", len(deps), deps)
			}
			for _, pkg := range deps {
				if isTestCode(pkg) {
					t.Errorf("the %s build links %s", b.name, pkg)
				}
			}
		})
	}
}

// isTestCode reports whether the import path pkg is test code: the testing packages of the
// standard library or a test double of this module.
func isTestCode(pkg string) bool {
	switch pkg {
	case "testing", "net/http/httptest":
		return true
	}
	return strings.HasPrefix(pkg, "redoxuploader/") && strings.HasSuffix(path.Base(pkg), "test")
}

// stderrOf is what a failed command printed on standard error.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
