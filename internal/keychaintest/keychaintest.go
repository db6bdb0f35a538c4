// Package keychaintest gives real-keychain tests a Secret Service of their own: a service name
// used by one test run only, emptied when the test ends, and secret-tool for an independent
// look at what reached the keyring; tests built with the keychain_integration tag use these,
// under scripts/keychain-test.sh, never against a user's own keyring. It also counts the
// processes a command left running (MarkedCommand, Leftovers), for the tests that prove the
// keychain never starts a D-Bus session of its own.
package keychaintest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// Service returns a keychain service name used by this run only, named after prefix, and
// removes everything stored under it when the test ends, checking with secret-tool that
// nothing is left. It fails, rather than skips, when no Secret Service can answer.
func Service(t *testing.T, prefix string) string {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no D-Bus session bus: run scripts/keychain-test.sh, which starts one with an unlocked gnome-keyring")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Fatal("secret-tool is missing (package libsecret-tools); it checks what really reached the keyring")
	}
	id := make([]byte, 6)
	rand.Read(id)
	svc := fmt.Sprintf("%s-%d-%s", prefix, os.Getpid(), hex.EncodeToString(id))
	t.Cleanup(func() {
		// The search must see an entry planted under svc, or its finding nothing after the
		// cleanup would prove nothing (a search that cannot read the keyring finds nothing too).
		if err := keyring.Set(svc, plantedKey, "planted"); err != nil {
			t.Errorf("planting an entry under service %s: %v", svc, err)
		} else if out := SecretTool(t, "search", "--all", "service", svc); !strings.Contains(out, plantedKey) {
			t.Errorf("secret-tool does not list the entry planted under service %s; it printed:\n%s", svc, out)
		}
		if err := keyring.DeleteAll(svc); err != nil {
			t.Errorf("cleaning up service %s: %v", svc, err)
		}
		if out := SecretTool(t, "search", "--all", "service", svc); strings.TrimSpace(out) != "" {
			t.Errorf("entries left in the keyring after cleanup:\n%s", out)
		}
	})
	return svc
}

// plantedKey names the entry Service's cleanup plants to check that secret-tool sees the service.
const plantedKey = "keychaintest-planted"

// SecretTool runs libsecret's secret-tool: an independent look at the keyring.
func SecretTool(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "secret-tool", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && stderr.Len() > 0 {
		t.Fatalf("secret-tool %s: %v: %s", args[0], err, stderr.String())
	}
	return stdout.String()
}
