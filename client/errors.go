package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"time"
)

// Kind says what sort of failure an *Error is, for callers that act on it.
type Kind int

// The kinds of failure. Their zero value, KindUnknown, is never produced by this package.
const (
	KindUnknown     Kind = iota
	KindFile             // the local file is missing, a folder, unreadable, empty or changed while sending
	KindTooLarge         // over the size limit, locally or by a 413 from Redox
	KindCredentials      // Redox rejected the sign-in details or the token (after one fresh token)
	KindForbidden        // 403: the account may not upload
	KindRateLimited      // 429: too many requests
	KindServer           // 5xx: trouble on Redox's side
	KindBadRequest       // another 4xx
	KindNetwork          // no connection, TLS failure, proxy refusal, no answer in time
	KindBadResponse      // Redox answered, but not with a usable URI
	KindCancelled        // the caller cancelled
)

var kindNames = [...]string{"unknown", "file", "too-large", "credentials", "forbidden", "rate-limited",
	"server", "bad-request", "network", "bad-response", "cancelled"}

// String returns a short stable name (used in history rows and JSON output).
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// FileProblem narrows KindFile.
type FileProblem int

// The local-file problems.
const (
	FileOK         FileProblem = iota
	FileMissing                // no such file
	FileNotRegular             // a folder, device or pipe
	FileEmpty                  // zero bytes
	FileUnreadable             // permission denied or another read error
	FileChanged                // the size changed while it was being sent
)

// Error is every failure this package returns. Error() is a plain-words message for the person
// at the screen: what happened and what to do. Detail() is the technical part for IT.
type Error struct {
	Kind       Kind
	File       FileProblem   // with KindFile
	Message    string        // plain words; what Error() returns
	Op         string        // "upload", "sign in" or "connection check"
	Path       string        // the local file, when there is one
	Status     int           // HTTP status, when Redox answered
	Excerpt    string        // start of Redox's reply body, capped
	RetryAfter time.Duration // with KindRateLimited or KindServer, when Redox said how long to wait
	Size       int64         // with KindTooLarge and KindFile
	Limit      int64         // with KindTooLarge, when the limit is known
	Attempts   int           // how many requests were made before giving up
	Err        error         // the underlying cause, if any

	permanent bool // a network failure that retrying cannot mend (certificate refused)
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Detail returns the technical facts behind the message, one line, never a secret.
func (e *Error) Detail() string {
	var parts []string
	if e.Op != "" {
		parts = append(parts, "during "+e.Op)
	}
	if e.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.RetryAfter > 0 {
		parts = append(parts, "retry after "+e.RetryAfter.String())
	}
	if e.Excerpt != "" {
		parts = append(parts, fmt.Sprintf("reply %q", e.Excerpt))
	}
	if e.Size > 0 {
		parts = append(parts, fmt.Sprintf("size %d bytes", e.Size))
	}
	if e.Limit > 0 {
		parts = append(parts, fmt.Sprintf("limit %d bytes", e.Limit))
	}
	if e.Attempts > 0 {
		parts = append(parts, fmt.Sprintf("%d attempt(s)", e.Attempts))
	}
	if e.Err != nil {
		parts = append(parts, "cause: "+e.Err.Error())
	}
	return e.Kind.String() + ": " + strings.Join(parts, "; ")
}

// KindOf returns the Kind of the first *Error in err's chain, or KindUnknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// Detail returns err's technical detail when it is an *Error, else err's text.
func Detail(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Detail()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// HumanSize formats a byte count the way file managers do, in units of 1024: "812 bytes",
// "180 KB", "14.2 MB", "10 MB".
func HumanSize(n int64) string {
	if n < 1024 {
		if n == 1 {
			return "1 byte"
		}
		return strconv.FormatInt(n, 10) + " bytes"
	}
	units := []string{"KB", "MB", "GB", "TB"}
	v := float64(n) / 1024
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if v >= 100 {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return s + " " + units[i]
}

func fileError(path string, problem FileProblem, size int64, cause error) *Error {
	var pe *fs.PathError
	if errors.As(cause, &pe) { // the path is in Path; details and exports must not repeat it
		cause = fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	msg := map[FileProblem]string{
		FileMissing:    "The file could not be found. It may have been moved, renamed or deleted; add it again from where it is now.",
		FileNotRegular: "This is not a single file (it is a folder, a device or a pipe). Add the files themselves instead.",
		FileEmpty:      "The file is empty (0 bytes), so there is nothing to upload. Check that it was saved completely.",
		FileUnreadable: "The file could not be opened for reading. You may not have permission to read it; ask IT, or save a copy where you can open it.",
		FileChanged:    "The file changed while it was being sent; it may still be being written. Wait until it is finished, then upload it again.",
	}[problem]
	return &Error{Kind: KindFile, File: problem, Message: msg, Op: "upload", Path: path, Size: size, Err: cause}
}

func tooLargeError(path string, size, limit int64) *Error {
	return &Error{Kind: KindTooLarge, Op: "upload", Path: path, Size: size, Limit: limit,
		Message: fmt.Sprintf("Too large: %s. Redox accepts files up to %s on this source. "+
			"Split or compress the file, or ask IT whether this source allows larger files.", HumanSize(size), HumanSize(limit))}
}

// statusError turns a Redox reply that is not a success into an *Error.
func statusError(op string, status int, excerpt string, retryAfter time.Duration, size int64) *Error {
	e := &Error{Op: op, Status: status, Excerpt: excerpt, RetryAfter: retryAfter}
	switch {
	case status == 401:
		e.Kind = KindCredentials
		e.Message = "Redox did not accept this source's sign-in details. Ask IT to check the source's key and secret in Settings."
	case status == 403:
		e.Kind = KindForbidden
		e.Message = "Redox refused: this account is not allowed to upload files. Uploads need a Pre-Production or Production " +
			"Redox account (development accounts cannot upload). Ask IT to check the source."
	case status == 407:
		e.Kind = KindNetwork
		e.permanent = true
		e.Message = proxyAuthMessage
	case status == 413:
		e.Kind = KindTooLarge
		e.Size = size
		e.Message = "Too large: Redox refused the file"
		if size > 0 {
			e.Message += " (" + HumanSize(size) + ")"
		}
		e.Message += " as bigger than it accepts on this source. Split or compress the file, or ask IT about the source's limit."
	case status == 429:
		e.Kind = KindRateLimited
		e.Message = "Redox is receiving too many requests right now. Wait a few minutes, then try again."
	case status >= 500:
		e.Kind = KindServer
		e.Message = fmt.Sprintf("Redox had a problem on its side (error %d). This is usually temporary: try again in a few minutes.", status)
	default:
		e.Kind = KindBadRequest
		e.Message = fmt.Sprintf("Redox could not accept the request (error %d). Try again; if it keeps happening, copy the details for IT.", status)
	}
	return e
}

// badResponseError is a reply that claims success but carries no usable URI. The file may well
// be on Redox, so the message warns against blind resending.
func badResponseError(status int, excerpt string, cause error) *Error {
	return &Error{Kind: KindBadResponse, Op: "upload", Status: status, Excerpt: excerpt, Err: cause,
		Message: "Redox answered, but not with a file address that can be used. The file may or may not have arrived; " +
			"check with IT before sending it again."}
}

// Plain-words messages for network failures that IT can fix in Settings → Network.
const (
	proxyAuthMessage = "The network's proxy asked for a sign-in that Redox Uploader does not have. " +
		"Ask IT to check the proxy settings (Settings → Network)."
	proxyRefusedMessage = "The network's proxy refused the connection to Redox. Ask IT to check that the proxy " +
		"lets Redox Uploader reach Redox, and the proxy settings (Settings → Network)."
	proxyUnreachableMessage = "Could not reach the network's proxy. Check the network connection, then try again; " +
		"if it keeps happening, ask IT to check the proxy settings (Settings → Network)."
	unknownAuthorityMessage = "The secure connection to Redox could not be verified: the certificate was issued by " +
		"an authority this computer does not trust. On hospital networks this is usually a TLS-inspecting firewall; " +
		"ask IT for its certificate and add it under Settings → Network → Extra trusted certificates."
	hostnameMessage = "The secure connection to Redox could not be verified: the certificate is for a different " +
		"address. A network security device may be intercepting traffic, or the source's address may be wrong; ask IT " +
		"to check the source's address and Settings → Network."
	certificateMessage = "The secure connection to Redox could not be verified (the certificate is not valid, for " +
		"example expired). Check this computer's date and time; if it is right, a network security device may be " +
		"inspecting traffic: ask IT to check Settings → Network."
)

// transportError classifies a failure to get any HTTP reply.
func transportError(op string, err error) *Error {
	e := &Error{Kind: KindNetwork, Op: op, Err: err}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		proxyErr   *ProxyError
		opErr      *net.OpError
		dnsErr     *net.DNSError
		netTimeout interface{ Timeout() bool }
	)
	switch {
	case errors.Is(err, context.Canceled):
		e.Kind = KindCancelled
		e.Message = "The upload was cancelled."
		if op == probeOp {
			e.Message = "The connection check was stopped."
		}
	case errors.As(err, &unknownCA):
		e.permanent = true
		e.Message = unknownAuthorityMessage
	case errors.As(err, &hostErr):
		e.permanent = true
		e.Message = hostnameMessage
	case errors.As(err, &certErr):
		e.permanent = true
		e.Message = certificateMessage
	case errors.As(err, &proxyErr) && proxyErr.Status == 407:
		e.permanent = true
		e.Message = proxyAuthMessage
	case errors.As(err, &proxyErr):
		// A proxy's 502, 503 or 504 may pass (it could not reach Redox just then); its 403 will not.
		e.permanent = proxyErr.Status < 500
		e.Message = proxyRefusedMessage
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		e.Message = proxyUnreachableMessage
	case errors.As(err, &dnsErr):
		e.Message = "Could not find the Redox server by name. Check the network connection, then try again; " +
			"if it keeps happening, ask IT to check the source's address."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netTimeout) && netTimeout.Timeout():
		e.Message = "Redox did not answer in time. Check the network connection, then try again."
	default:
		e.Message = "Could not reach Redox. Check the network connection (and any proxy), then try again."
	}
	return e
}
