package client

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Limits on what is read of a reply: Redox's bodies are tiny JSON, or an HTML error page.
const (
	maxReplyBytes = 64 << 10
	excerptRunes  = 200
)

// readReply reads at most maxReplyBytes of a reply body and closes it. What lies past the cap
// is dropped: the connection is not reused then, which is the right price for a runaway reply.
func readReply(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
}

// Excerpt returns the start of a reply body as one printable line of at most 200 characters,
// for error details: bodies may be HTML or truncated.
func Excerpt(body []byte) string {
	out := make([]rune, 0, excerptRunes+1)
	space := false
	for _, r := range strings.ToValidUTF8(string(body), "\uFFFD") {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, r)
		if len(out) > excerptRunes {
			return string(out[:excerptRunes]) + "…"
		}
	}
	return string(out)
}

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date; 0 when absent,
// malformed or in the past.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// replyError is statusError for a reply already read: excerpt is its scrubbed body's start,
// size the file's size and setLimit the client's own limit (both 0 for a sign-in).
func replyError(op string, resp *http.Response, excerpt string, size, setLimit int64) *Error {
	return statusError(op, replyFacts{
		status:     resp.StatusCode,
		excerpt:    excerpt,
		retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		location:   redirectTarget(resp),
		size:       size,
		setLimit:   setLimit,
	})
}

// maxLocationBytes caps the redirect address shown.
const maxLocationBytes = 200

// redirectTarget returns where a redirect reply pointed as scheme://host/path, without the
// query, fragment or user information that might carry a secret; "" when it is not a redirect
// or names no address.
func redirectTarget(resp *http.Response) string {
	if !isRedirect(resp.StatusCode) {
		return ""
	}
	u, err := resp.Location()
	if err != nil {
		return ""
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	if len(shown) > maxLocationBytes {
		shown = strings.ToValidUTF8(shown[:maxLocationBytes], "") + "…"
	}
	return shown
}
