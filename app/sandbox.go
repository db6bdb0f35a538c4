package app

import (
	"fmt"
	"net"

	"redoxuploader/client"
	"redoxuploader/internal/sandbox"
)

// Sandbox is the local Redox stand-in behind the built-in Sandbox profile: it speaks Redox's
// contract on loopback, so nothing sent to it leaves this computer. Its Demo holds the
// credentials of every sign-in method; the Sandbox profile signs in with the legacy ones.
type Sandbox struct {
	*sandbox.Server
}

// StartSandbox serves the stand-in on addr ("127.0.0.1:0" picks a free port). The address
// must be loopback: the sandbox speaks plain http and has no business on a network.
func StartSandbox(addr string) (*Sandbox, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%q is not HOST:PORT: %w", addr, err)
	}
	if !client.IsLoopback(host) {
		return nil, fmt.Errorf("the sandbox only listens on this computer (127.0.0.1), not on %q", host)
	}
	s, err := sandbox.Listen(addr)
	if err != nil {
		return nil, err
	}
	return &Sandbox{Server: s}, nil
}

// Profile is the built-in Sandbox profile pointed at this server.
func (s *Sandbox) Profile() Profile {
	p := SandboxProfile(s.UploadURL(), s.APIBase())
	p.APIKey = s.Demo.APIKey
	return p
}
