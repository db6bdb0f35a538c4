package client

import "strconv"

// Fix names what an *Error's message asks IT to check, so that each surface can say where that
// is: the window names its settings page ("Settings → Network"), the command line its flag
// ("--proxy", "--ca-file"). The client's own messages name no place, only the thing to check.
type Fix int

// The things a message can ask IT to check. Their numbers are stable; new ones are added at the
// end.
const (
	// FixNone: no setting to check. The failure is passing (network trouble, Redox busy), the
	// file's, or Redox's own.
	FixNone Fix = iota
	// FixCredentials: the source's sign-in details (API key and secret, OAuth client ID, key ID
	// and private key, or the pasted token) or the Redox account they belong to.
	FixCredentials
	// FixSourceAddress: the source's upload or sign-in address. Redox's address pointed
	// elsewhere, did not resolve, or presented a certificate for another name.
	FixSourceAddress
	// FixProxy: how this computer reaches Redox through a proxy: the proxy mode, its address and
	// the proxy's user name and password.
	FixProxy
	// FixCertificates: the extra trusted certificates, for a network whose firewall inspects
	// secure connections with its own certificate authority.
	FixCertificates
	// FixStallTimeout: how long a transfer may make no progress (WithStallTimeout), for a
	// link so slow or busy that a working upload pauses longer than that.
	FixStallTimeout
)

var fixNames = [...]string{"none", "credentials", "source-address", "proxy", "certificates", "stall-timeout"}

// String returns a short stable name: "none", "credentials", "source-address", "proxy",
// "certificates" or "stall-timeout".
func (f Fix) String() string {
	if f < 0 || int(f) >= len(fixNames) {
		return "fix(" + strconv.Itoa(int(f)) + ")"
	}
	return fixNames[f]
}
