package handoff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// The wire format: the starting process writes one request, a JSON object on one line; the
// window answers with one reply, also one line of JSON, and closes the connection.
//
//	{"version":1,"files":["/home/ann/scan.pdf"],"sandbox":false}
//	{"version":1,"status":"added"}
const (
	version = 1
	// MaxRequestSize bounds a request: a command line holds less (Windows allows 32,767
	// characters; Linux, a quarter of the stack limit, 2 MiB by default).
	MaxRequestSize = 16 << 20
	maxReplySize   = 1 << 10
)

// Request is what a second start hands to the window: files to add, and whether it was
// asked to start on the sandbox.
type Request struct {
	Files   []string // absolute paths
	Sandbox bool
}

type wireRequest struct {
	Version int      `json:"version"`
	Files   []string `json:"files"`
	Sandbox bool     `json:"sandbox"`
}

// A reply's status says what the window did with a request.
type status string

const (
	statusAdded      status = "added"       // the window took the files (and came to the front)
	statusClosing    status = "closing"     // the window is closing: start again
	statusBusy       status = "busy"        // the window did not finish starting in time
	statusNotSandbox status = "not-sandbox" // asked for the sandbox; the window is not on it
	statusInvalid    status = "invalid"     // not a request of this version's shape
	statusTooLarge   status = "too-large"   // longer than MaxRequestSize
	statusVersion    status = "version"     // a version this window does not speak
	statusRefused    status = "refused"     // the window could not take it for another reason
)

type wireReply struct {
	Version int    `json:"version"`
	Status  status `json:"status"`
}

// Errors of a request, on either side.
var (
	ErrInvalid  = errors.New("not a valid hand-over request")
	ErrTooLarge = errors.New("the hand-over request is too large")
	ErrVersion  = errors.New("the window speaks another version of the hand-over")
)

// encodeRequest checks req as the window will and encodes it for the wire.
func encodeRequest(req Request) ([]byte, error) {
	if err := checkFiles(req.Files); err != nil {
		return nil, err
	}
	b, err := json.Marshal(wireRequest{Version: version, Files: req.Files, Sandbox: req.Sandbox})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if len(b)+1 > MaxRequestSize {
		return nil, fmt.Errorf("%w: %d files in %d bytes", ErrTooLarge, len(req.Files), len(b))
	}
	return append(b, '\n'), nil
}

// readRequest reads and checks one request from r, reading at most MaxRequestSize bytes:
// an object of exactly the request's fields, this version, and files that are absolute paths.
func readRequest(r io.Reader) (Request, error) {
	lr := &io.LimitedReader{R: r, N: MaxRequestSize + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	var w wireRequest
	if err := dec.Decode(&w); err != nil {
		if lr.N <= 0 {
			return Request{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxRequestSize)
		}
		return Request{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if dec.InputOffset() > MaxRequestSize {
		return Request{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, dec.InputOffset())
	}
	if w.Version != version {
		return Request{}, fmt.Errorf("%w: version %d, not %d", ErrVersion, w.Version, version)
	}
	if err := checkFiles(w.Files); err != nil {
		return Request{}, err
	}
	return Request{Files: w.Files, Sandbox: w.Sandbox}, nil
}

// checkFiles refuses a path that is empty, relative, holds a NUL or is not UTF-8 (JSON would
// carry another name than the file's).
func checkFiles(files []string) error {
	for i, f := range files {
		switch {
		case !utf8.ValidString(f):
			return fmt.Errorf("%w: file %d is not UTF-8", ErrInvalid, i+1)
		case strings.ContainsRune(f, 0):
			return fmt.Errorf("%w: file %d holds a NUL", ErrInvalid, i+1)
		case !filepath.IsAbs(f):
			return fmt.Errorf("%w: file %d is not an absolute path", ErrInvalid, i+1)
		}
	}
	return nil
}

// statusOf is the reply to a request that readRequest refused with err.
func statusOf(err error) status {
	switch {
	case errors.Is(err, ErrTooLarge):
		return statusTooLarge
	case errors.Is(err, ErrVersion):
		return statusVersion
	default:
		return statusInvalid
	}
}

func encodeReply(s status) []byte {
	b, _ := json.Marshal(wireReply{Version: version, Status: s}) // cannot fail
	return append(b, '\n')
}

// readReply reads one reply of at most maxReplySize bytes.
func readReply(r io.Reader) (status, error) {
	var w wireReply
	b, err := io.ReadAll(io.LimitReader(r, maxReplySize))
	if err != nil {
		return "", err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "", io.ErrUnexpectedEOF // closed without a word: the window went away
	}
	if err := json.Unmarshal(b, &w); err != nil || w.Status == "" { // any version may say "version"
		return "", fmt.Errorf("%w: an unreadable reply", ErrInvalid)
	}
	return w.Status, nil
}
