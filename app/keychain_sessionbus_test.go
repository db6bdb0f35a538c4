package app

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"redoxuploader/internal/keychaintest"
	"redoxuploader/internal/sessionbus"
)

// TestKeychainWithoutSessionBusStartsNothing runs the real keychain (go-keyring, no mock) in a
// child process that has no D-Bus session bus, as under SSH, cron or CI: every call must fail
// at once with the plain "no desktop session" message and leave no process running. Through
// D-Bus auto-launch, each call used to leave a dbus-daemon and a gnome-keyring-daemon behind.
func TestKeychainWithoutSessionBusStartsNothing(t *testing.T) {
	t.Setenv(sessionbus.AddressVar, "")
	if !sessionbus.Missing() {
		t.Skip("this machine has a session bus at /run/user/UID/bus, so the child would use the real keyring")
	}
	cmd, mark := keychaintest.MarkedCommand(t, []string{sessionbus.AddressVar}, os.Args[0])
	cmd.Env = append(cmd.Env, helperProcessEnv+"=keychain-without-bus")
	out, err := cmd.CombinedOutput()
	if left := keychaintest.Leftovers(t, mark); len(left) > 0 {
		t.Errorf("the keychain calls left %d processes running: %+v", len(left), left)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, op := range []string{"Get", "Set", "Delete"} {
		line := op + ": " + (&KeychainUnavailableError{Err: ErrNoSessionBus}).Error()
		if !strings.Contains(string(out), line+"\n") {
			t.Errorf("the child's %s did not say that there is no desktop session; it said:\n%s", op, out)
		}
	}
}

// keychainWithoutBusHelper is the child of TestKeychainWithoutSessionBusStartsNothing: it
// calls the real keychain with no session bus and prints what each call said.
func keychainWithoutBusHelper() error {
	k := Keychain{Service: "redox-uploader-no-bus-test"}
	_, errGet := k.Get("entry")
	var wrong []error
	for op, err := range map[string]error{"Get": errGet, "Set": k.Set("entry", "value"), "Delete": k.Delete("entry")} {
		if !errors.Is(err, ErrNoSessionBus) {
			wrong = append(wrong, fmt.Errorf("%s: %v, want ErrNoSessionBus", op, err))
		}
		fmt.Printf("%s: %v\n", op, err)
	}
	return errors.Join(wrong...)
}

// TestKeychainMockWithoutSessionBus: with no session bus, the in-memory keychain that tests
// install with keyring.MockInit still answers; only the real Secret Service is refused.
func TestKeychainMockWithoutSessionBus(t *testing.T) {
	t.Setenv(sessionbus.AddressVar, sessionbus.Disabled)
	k := mockKeychain(t)
	if err := k.Set("entry", "value"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := k.Get("entry"); err != nil || got != "value" {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func TestKeychainNoSessionBusMessage(t *testing.T) {
	err := &KeychainUnavailableError{Err: ErrNoSessionBus}
	msg := err.Error()
	for _, want := range []string{"not running in a desktop session", "Run it from a desktop session",
		"dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock", "never stores your secrets anywhere else"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "D-Bus") || strings.Contains(msg, sessionbus.AddressVar) {
		t.Errorf("the plain message carries the technical detail: %q", msg)
	}
	if d := err.Detail(); !strings.Contains(d, sessionbus.AddressVar) || !strings.Contains(d, "auto-launch") {
		t.Errorf("Detail() = %q, want the technical cause", d)
	}
}
