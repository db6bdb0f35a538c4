package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"redoxuploader/client"
)

// NetworkCheckTimeout bounds CheckNetwork: long enough for a slow proxy, short enough for
// someone waiting at the Settings page.
const NetworkCheckTimeout = 15 * time.Second

// NetworkCheck is what CheckNetwork found: the servers that answered, in the order tried.
type NetworkCheck struct {
	Reached []client.Reached
	Took    time.Duration
}

// CheckNetwork tries network settings before they are saved: it reaches each server the saved
// sources use (Redox's own when there is none; never the Sandbox, which stays on this
// computer) through ns, as uploads would, but sends no credentials. password is the manual
// proxy's, as typed; "" takes the keychain's. A setting that cannot be used is a
// *NetworkError; a server out of reach is the *client.Error an upload would get.
func (c *Core) CheckNetwork(ctx context.Context, ns NetworkSettings, password string) (NetworkCheck, error) {
	if password == "" {
		pw, err := c.Secrets.proxyPasswordFor(ns)
		if err != nil {
			return NetworkCheck{}, err
		}
		password = pw
	}
	opts, err := ns.ClientOptions(password)
	if err != nil {
		return NetworkCheck{}, err
	}
	targets, err := c.checkTargets()
	if err != nil {
		return NetworkCheck{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, NetworkCheckTimeout)
	defer cancel()
	proxy, _ := ns.Proxy()
	var check NetworkCheck
	start := time.Now()
	for _, target := range targets {
		r, err := client.Probe(ctx, target, opts...)
		if err != nil {
			c.Log.Warn("network check failed", "proxy", proxy.String(), "target", target, "detail", client.Detail(err))
			return check, err
		}
		check.Reached = append(check.Reached, r)
	}
	check.Took = time.Since(start)
	c.Log.Info("network check", "proxy", proxy.String(), "result", check.String())
	return check, nil
}

// checkTargets is one address on each server the saved sources use, or Redox's own.
func (c *Core) checkTargets() ([]string, error) {
	st, err := c.LoadSettings()
	if err != nil {
		return nil, err
	}
	var addrs []string
	for _, p := range st.Profiles { // saved ones only: the Sandbox never is
		addrs = append(addrs, p.APIBase, p.UploadURL)
	}
	if targets := oneAddressPerServer(addrs); len(targets) > 0 {
		return targets, nil
	}
	return oneAddressPerServer([]string{client.DefaultAPIBase, client.DefaultUploadURL}), nil
}

// oneAddressPerServer keeps the first valid address of each scheme and host.
func oneAddressPerServer(addrs []string) []string {
	seen := map[string]bool{}
	var kept []string
	for _, raw := range addrs {
		u, err := client.ParseServiceURL(raw)
		if err != nil || seen[u.Scheme+"://"+u.Host] {
			continue // a source's own problem is shown with the source
		}
		seen[u.Scheme+"://"+u.Host] = true
		kept = append(kept, u.String())
	}
	return kept
}

// String says what was reached and how, for the person checking: "Reached api.redoxengine.com
// and blob.redoxengine.com through proxy.example.org:8080 (HTTPS, 240 ms)."
func (nc NetworkCheck) String() string {
	var routes, schemes []string
	hosts := map[string][]string{} // by route
	for _, r := range nc.Reached {
		route := "without a proxy"
		if r.Proxy != nil {
			route = "through " + r.Proxy.Host
		}
		if hosts[route] == nil {
			routes = append(routes, route)
		}
		hosts[route] = append(hosts[route], r.URL.Host)
		if s := strings.ToUpper(r.URL.Scheme); !slices.Contains(schemes, s) {
			schemes = append(schemes, s)
		}
	}
	groups := make([]string, len(routes))
	for i, route := range routes {
		groups[i] = joinAnd(hosts[route]) + " " + route
	}
	return fmt.Sprintf("Reached %s (%s, %s).", joinAnd(groups), joinAnd(schemes), roundDuration(nc.Took))
}

// joinAnd lists words as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// roundDuration is d as a person reads it: "240 ms", or "2.4 s" from a second on.
func roundDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
