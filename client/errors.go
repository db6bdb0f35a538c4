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
	FileLinkLoop               // a symbolic link (shortcut) that leads back to itself
)

// The operations an *Error's Op names.
const (
	opUpload    = "upload"
	opSignIn    = "sign in"
	opFileCheck = "file check" // the checks before sending: nothing went out
)

// Error is every failure this package returns. Error() is a plain-words message for the person
// at the screen: what happened and what to do. Detail() is the technical part for IT. Every
// text in it that came from a server (Excerpt, Location, the cause's text) has been scrubbed of
// the secrets and tokens the client knows.
type Error struct {
	Kind       Kind
	File       FileProblem   // with KindFile
	Message    string        // plain words; what Error() returns
	Op         string        // "upload", "sign in", "connection check", or "file check" (refused before sending)
	Path       string        // the local file, when there is one
	Status     int           // HTTP status, when Redox answered
	Excerpt    string        // start of Redox's reply body, capped
	RetryAfter time.Duration // with KindRateLimited or KindServer, when Redox said how long to wait
	Size       int64         // with KindTooLarge and KindFile
	Limit      int64         // with KindTooLarge, when the limit is known
	Location   string        // with a redirect reply: where it pointed, as scheme://host/path; it was not followed
	// Fix names what the message asks IT to check (FixNone when nothing): the message itself
	// names no place to look, so the window can add its settings page and the command line its
	// flag.
	Fix Fix
	// Attempts is how many tries the upload made before giving up, as Result.Attempts counts
	// them: a try that failed while signing in counts; a file refused before sending has 0.
	Attempts int
	Err      error // the underlying cause, if any

	permanent bool // a network failure that retrying cannot mend (certificate refused)
	noRequest bool // failed before any request went out, so the try does not count
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Detail returns the technical facts behind the message, one line, never a secret.
func (e *Error) Detail() string {
	var parts []string
	switch e.Op {
	case "":
	case opFileCheck:
		parts = append(parts, "refused before sending")
	default:
		parts = append(parts, "during "+e.Op)
	}
	if e.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Location != "" {
		parts = append(parts, "redirect to "+e.Location+" not followed")
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
	if e.Fix != FixNone {
		parts = append(parts, "check "+e.Fix.String())
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

// GroupDigits writes n in full with a comma between thousands: "10,485,761".
func GroupDigits(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 && digits[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// distinctSizes formats two byte counts that one sentence compares: as HumanSize, or in exact
// bytes when HumanSize would show two different counts as the same figure.
func distinctSizes(a, b int64) (string, string) {
	if x, y := HumanSize(a), HumanSize(b); x != y || a == b {
		return x, y
	}
	return GroupDigits(a) + " bytes", GroupDigits(b) + " bytes"
}

// fileMessages are the plain words for each local-file problem.
var fileMessages = map[FileProblem]string{
	FileMissing:    "The file could not be found. It may have been moved, renamed or deleted; add it again from where it is now.",
	FileNotRegular: "This is not a single file (it is a folder, a device or a pipe). Add the files themselves instead.",
	FileEmpty:      "The file is empty (0 bytes), so there is nothing to upload. Check that it was saved completely.",
	FileUnreadable: "The file could not be opened for reading. You may not have permission to read it; ask IT, or save a copy where you can open it.",
	FileChanged:    "The file changed while it was being sent; it may still be being written. Wait until it is finished, then upload it again.",
	FileLinkLoop: "This is a shortcut (a link) that leads back to itself, so there is no file behind it to send. " +
		"Add the file itself instead, or ask IT to repair the shortcut.",
}

// fileError reports a problem with the local file, found by op: opFileCheck before anything
// was sent, opUpload while sending.
func fileError(op, path string, problem FileProblem, size int64, cause error) *Error {
	return &Error{Kind: KindFile, File: problem, Message: fileMessages[problem], Op: op, Path: path, Size: size,
		Err: WithoutPath(cause)}
}

// WithoutPath returns err without the path an *fs.PathError in it names ("read: input/output
// error"): an Error of a file keeps the path in Path alone, which details, logs and exports
// leave out, for a path may name a patient.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func tooLargeError(path string, size, limit int64) *Error {
	shownSize, shownLimit := distinctSizes(size, limit)
	return &Error{Kind: KindTooLarge, Op: opFileCheck, Path: path, Size: size, Limit: limit,
		Message: fmt.Sprintf("Too large: %s. Redox accepts files up to %s on this source. "+
			"Split or compress the file, or ask IT whether this source allows larger files.", shownSize, shownLimit)}
}

// replyFacts is what statusError needs to know of a reply that is not a success.
type replyFacts struct {
	status     int
	excerpt    string        // start of the body, already scrubbed
	retryAfter time.Duration // from Retry-After
	location   string        // where a redirect pointed, as scheme://host/path
	size       int64         // the file's size, for a 413
	setLimit   int64         // the client's own size limit, for a 413
}

// longWait says a wait of a quarter of an hour or more in words: "40 minutes", "about 24 hours".
func longWait(d time.Duration) string {
	if d < 90*time.Minute {
		return fmt.Sprintf("%d minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("about %d hours", int(d.Round(time.Hour)/time.Hour))
}

// isRedirect reports whether status asks the client to go elsewhere.
func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// statusError turns a Redox reply that is not a success into an *Error.
func statusError(op string, r replyFacts) *Error {
	status := r.status
	e := &Error{Op: op, Status: status, Excerpt: r.excerpt, RetryAfter: r.retryAfter}
	switch {
	case status == 401:
		e.Kind = KindCredentials
		e.Fix = FixCredentials
		e.Message = "Redox did not accept this source's sign-in details. Ask IT to check them (the API key and secret, " +
			"the private key, or the token)."
	case status == 403:
		e.Kind = KindForbidden
		e.Fix = FixCredentials
		e.Message = "Redox refused: this account is not allowed to upload files. Uploads need a Pre-Production or Production " +
			"Redox account (development accounts cannot upload). Ask IT to check the source."
	case status == 407:
		e.Kind = KindNetwork
		e.Fix = FixProxy
		e.permanent = true
		e.Message = proxyAuthMessage
	case status == 413:
		e.Kind = KindTooLarge
		e.Size = r.size
		e.Message = tooLargeReplyMessage(r.size, r.setLimit)
	case status == 429:
		e.Kind = KindRateLimited
		e.Message = "Redox is receiving too many requests right now. Wait a few minutes, then try again."
		if r.retryAfter > 15*time.Minute { // "a few minutes" would be wrong: say how long Redox asked for
			e.Message = "Redox is receiving too many requests and asked to wait " + longWait(r.retryAfter) +
				" before the next upload. Try again then; if uploads cannot wait, ask IT."
		}
	case isRedirect(status):
		e.Kind = KindBadRequest
		e.Fix = FixSourceAddress
		e.Location = r.location
		e.Message = redirectMessage(op, r.location)
	case status >= 500:
		e.Kind = KindServer
		e.Message = fmt.Sprintf("Redox had a problem on its side (error %d). This is usually temporary: try again in a few minutes.", status)
	default:
		e.Kind = KindBadRequest
		e.Message = fmt.Sprintf("Redox could not accept the request (error %d). Try again; if it keeps happening, copy the details for IT.", status)
	}
	return e
}

// tooLargeReplyMessage words Redox's 413 for a file of size bytes (0: unknown) on a source
// whose own limit is setLimit (0: unknown).
func tooLargeReplyMessage(size, setLimit int64) string {
	switch {
	case size > 0 && setLimit > 0 && size <= setLimit:
		shownSize, shownLimit := distinctSizes(size, setLimit)
		return fmt.Sprintf("Too large: Redox refused the file (%s) as bigger than it accepts on this source, although "+
			"the source is set to allow files up to %s. Split or compress the file, or ask IT to check the source's "+
			"size limit.", shownSize, shownLimit)
	case size > 0:
		return "Too large: Redox refused the file (" + HumanSize(size) + ") as bigger than it accepts on this source. " +
			"Split or compress the file, or ask IT about the source's limit."
	}
	return "Too large: Redox refused the file as bigger than it accepts on this source. Split or compress the file, " +
		"or ask IT about the source's limit."
}

// redirectMessage words a redirect that was not followed.
func redirectMessage(op, location string) string {
	subject, unsent := "Redox's upload address", "the file was not sent there"
	if op == opSignIn {
		subject, unsent = "Redox's sign-in address", "no sign-in details were sent there"
	}
	where := "another address, without saying which"
	if location != "" {
		where = "another address (" + location + ")"
	}
	return subject + " sent the request on to " + where + ". Redox Uploader does not follow such redirects, so " +
		unsent + ". Ask IT to check the source's address."
}

// prepareError reports a request that could not be built; nothing was sent.
func prepareError(op string, err error) *Error {
	return &Error{Kind: KindBadRequest, Op: op, Err: err, noRequest: true,
		Message: "The request to Redox could not be prepared. Copy the details for IT."}
}

// badResponseError is a reply that claims success but carries no usable URI. The file may well
// be on Redox, so the message warns against blind resending.
func badResponseError(status int, excerpt string, cause error) *Error {
	return &Error{Kind: KindBadResponse, Op: opUpload, Status: status, Excerpt: excerpt, Err: cause,
		Message: "Redox answered, but not with a file address that can be used. The file may or may not have arrived; " +
			"check with IT before sending it again."}
}

// cutReplyError is a success reply whose body stopped arriving or was cut off: Redox took the
// file, but its URI never came, so the message warns against blind resending as
// badResponseError does.
func cutReplyError(status int, excerpt string, cause error) *Error {
	e := badResponseError(status, excerpt, cause)
	e.Message = "Redox accepted the file, but its answer did not arrive whole, so there is no file address to use. " +
		"The file is probably on Redox; check with IT before sending it again."
	return e
}

// Plain-words messages for network failures that IT can fix. They name the thing to check, not
// where it is: each surface adds that from the *Error's Fix.
const (
	proxyAuthMessage = "The network's proxy asked for a sign-in that Redox Uploader does not have. " +
		"Ask IT to check the proxy settings."
	proxyRefusedMessage = "The network's proxy refused the connection to Redox. Ask IT to check that the proxy " +
		"lets Redox Uploader reach Redox, and the proxy settings."
	proxyUnreachableMessage = "Could not reach the network's proxy. Check the network connection, then try again; " +
		"if it keeps happening, ask IT to check the proxy settings."
	unknownAuthorityMessage = "The secure connection to Redox could not be verified: the certificate was issued by " +
		"an authority this computer does not trust. On hospital networks this is usually a TLS-inspecting firewall; " +
		"ask IT for its certificate and add it to Redox Uploader's extra trusted certificates."
	hostnameMessage = "The secure connection to Redox could not be verified: the certificate is for a different " +
		"address. A network security device may be intercepting traffic, or the source's address may be wrong; ask IT " +
		"to check the source's address."
	certificateMessage = "The secure connection to Redox could not be verified (the certificate is not valid, for " +
		"example expired). Check this computer's date and time; if it is right, a network security device may be " +
		"inspecting traffic: ask IT to check the extra trusted certificates."
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
		e.Fix = FixCertificates
		e.Message = unknownAuthorityMessage
	case errors.As(err, &hostErr):
		e.permanent = true
		e.Fix = FixSourceAddress
		e.Message = hostnameMessage
	case errors.As(err, &certErr):
		e.permanent = true
		e.Fix = FixCertificates
		e.Message = certificateMessage
	case errors.As(err, &proxyErr) && proxyErr.Status == 407:
		e.permanent = true
		e.Fix = FixProxy
		e.Message = proxyAuthMessage
	case errors.As(err, &proxyErr):
		// A proxy's 502, 503 or 504 may pass (it could not reach Redox just then); its 403 will not.
		e.permanent = proxyErr.Status < 500
		e.Fix = FixProxy
		e.Message = proxyRefusedMessage
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		e.Fix = FixProxy
		e.Message = proxyUnreachableMessage
	case errors.As(err, &dnsErr):
		e.Fix = FixSourceAddress
		e.Message = "Could not find the Redox server by name. Check the network connection, then try again; " +
			"if it keeps happening, ask IT to check the source's address."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netTimeout) && netTimeout.Timeout():
		e.Message = "Redox did not answer in time. Check the network connection, then try again."
	default:
		e.Message = "Could not reach Redox. Check the network connection (and any proxy), then try again."
	}
	return e
}
