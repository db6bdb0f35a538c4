package app

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// diagnosticFailures is how many of the newest failed rows Diagnostics lists.
const diagnosticFailures = 5

// Diagnostics returns a plain-text report for a support ticket: version, system, folders,
// history counts, the profiles and network settings without any secret, and the last failed
// uploads by base name (never a full path). Names and messages are shown with their invisible
// and direction-changing characters escaped (package visible). It reads the keychain (to say whether each
// profile's secret is stored), which may show an unlock prompt: call it off the GUI thread.
func (c *Core) Diagnostics(version string) string {
	ctx := context.Background()
	var b strings.Builder
	line := func(format string, args ...any) { b.WriteString(visible.Line(fmt.Sprintf(format, args...)) + "\n") }

	line("Redox Uploader diagnostics (no secrets, tokens or file paths)")
	line("Version: %s", orNone(version, "unknown"))
	line("System: %s/%s, %s", runtime.GOOS, runtime.GOARCH, runtime.Version())
	line("Generated: %s", time.Now().UTC().Format(time.RFC3339))
	line("")
	line("Settings file: %s", c.Paths.SettingsFile())
	line("History file: %s", c.Paths.HistoryFile())
	line("Log folder: %s (logging %s)", c.LogDir(), onOff(c.logFile != nil))
	if err := c.LogProblem(); err != nil {
		line("Log problem: %v", err)
	}
	if err := c.ReadOnly(); err != nil {
		line("History open for reading only: %v", err)
	}

	line("")
	c.historySummary(ctx, line)

	line("")
	c.policy.summary(line)

	line("")
	st, err := c.LoadSettings()
	if err != nil {
		line("Settings: could not be read: %v", err)
	} else {
		c.profileSummary(st, line)
		line("")
		networkSummary(st.Network, line)
	}

	line("")
	c.failureSummary(ctx, line)
	return b.String()
}

func (c *Core) historySummary(ctx context.Context, line func(string, ...any)) {
	total, err := c.History.Count(ctx, Query{})
	if err != nil {
		line("History: could not be counted: %v", err)
		return
	}
	var counts []string
	for _, s := range allStatuses {
		n, err := c.History.Count(ctx, Query{Statuses: []Status{s}})
		if err != nil {
			counts = append(counts, fmt.Sprintf("%s ?", s))
		} else if n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", s, n))
		}
	}
	shared := ""
	if c.History.Shared() {
		shared = "; shared with another running instance"
	}
	line("History: %d rows%s", total, shared)
	if len(counts) > 0 {
		line("  by status: %s", strings.Join(counts, ", "))
	}
}

func (c *Core) profileSummary(st Settings, line func(string, ...any)) {
	line("Sources: %d saved; selected: %s", len(st.Profiles), orNone(visible.Name(st.Active), "none"))
	for _, p := range st.Profiles {
		if p.Managed {
			line("- %s (set by the organisation's policy)", visible.Name(p.Name))
		} else {
			line("- %s", visible.Name(p.Name))
		}
		line("    environment %s, sign-in %s, upload host %s, API host %s", orNone(string(p.Environment), "?"),
			orNone(string(p.Auth), "?"), orNone(hostOf(p.UploadURL), "none"), orNone(hostOf(p.APIBase), "none"))
		line("    size limit %s, %d at once, %s: %s", client.HumanSize(p.MaxSize), p.Parallel,
			p.Auth.SecretName(), c.secretState(p))
		if len(p.WatchFolders) > 0 {
			line("    %s", p.watchSummary())
		}
		if err := p.Validate(); err != nil {
			line("    problem: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
}

// secretState says whether p's secret is stored, never what it is: in the keychain, or for a
// managed source also for every user of this computer.
func (c *Core) secretState(p Profile) string {
	state := c.keychainSecretState(p)
	if p.Managed && c.Secrets.Machine.Provisioned(p) {
		state += "; one stored for every user of this computer"
	}
	return state
}

// keychainSecretState says whether p's secret can be had, from the keychain or the machine.
func (c *Core) keychainSecretState(p Profile) string {
	v, err := c.Secrets.Secret(p)
	switch {
	case err == nil && v != "":
		return "stored"
	case err == nil, errors.Is(err, ErrSecretNotFound):
		return "not stored"
	case KeychainUnusable(err):
		return "keychain unavailable"
	default:
		return "could not be checked"
	}
}

func networkSummary(ns NetworkSettings, line func(string, ...any)) {
	proxy := "invalid setting"
	if pc, err := ns.Proxy(); err == nil {
		proxy = pc.String()
	}
	var extra []string
	if ns.ExtraCAFile != "" {
		extra = append(extra, "from a file")
	}
	if strings.TrimSpace(ns.ExtraCAPEM) != "" {
		extra = append(extra, "pasted")
	}
	line("Network: proxy %s", proxy)
	if len(extra) == 0 {
		line("  extra trusted certificates: none")
	} else {
		line("  extra trusted certificates: %s", strings.Join(extra, " and "))
	}
	if err := ns.Validate(); err != nil {
		line("  problem: %v", err)
	}
}

func (c *Core) failureSummary(ctx context.Context, line func(string, ...any)) {
	rows, err := c.History.Search(ctx, Query{Statuses: []Status{StatusFailed}, Limit: diagnosticFailures})
	if err != nil {
		line("Last failed uploads: could not be read: %v", err)
		return
	}
	if len(rows) == 0 {
		line("Last failed uploads: none")
		return
	}
	line("Last failed uploads (newest first):")
	for _, r := range rows {
		line("- %s  #%d  %s  [%s]  source %s", r.Created.UTC().Format(time.RFC3339), r.ID, visible.Name(r.Name),
			orNone(r.ErrorKind, "?"), visible.Name(r.Profile))
		line("    %s", redactString(withoutPath(r.ErrorMessage, r.Path)))
		if r.ErrorDetail != "" {
			line("    detail: %s", redactString(withoutPath(r.ErrorDetail, r.Path)))
		}
	}
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
