package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// UploadOptions are the optional parts of one upload.
type UploadOptions struct {
	// Name is the file name Redox records; default: the base name of the path. It is cleaned
	// like any name (PartFileName).
	Name string
	// Progress is called from the sending goroutine as file bytes go out; a retry starts
	// again from zero. Keep it quick.
	Progress func(sent, total int64)
	// OnRetry is called before waiting to make attempt number next, with the failure that
	// caused it.
	OnRetry func(next int, wait time.Duration, cause *Error)
}

// Result is what an upload achieved. Attempts counts the upload requests made, also on
// failure; sign-in requests are not counted.
type Result struct {
	URI      string // the Redox file URI, set on success
	FileName string // the name sent in the part header
	Size     int64  // bytes of the file sent
	Status   int    // HTTP status of the last reply, 0 when none came
	Attempts int
	// SentSHA256 is the hex SHA-256 of the file bytes the successful request carried, hashed
	// as they went out; set with URI. When it differs from a hash taken before the upload,
	// the file changed while it was being sent and Redox holds what was read, not either
	// version of the file.
	SentSHA256 string
}

// Upload sends the file at path to Redox and returns its URI. The file is checked first (see
// CheckFile) and nothing is sent if it fails. Transient failures are retried per the policy;
// a 401 gets one fresh token and one more try. Every failure is an *Error.
func (c *Client) Upload(ctx context.Context, path string, opts UploadOptions) (Result, error) {
	size, err := CheckFile(path, c.maxSize)
	if err != nil {
		return Result{}, err
	}
	name := PartFileName(path)
	if opts.Name != "" {
		name = PartFileName(opts.Name)
	}
	res := Result{FileName: name, Size: size}
	frame := newMultipartFrame(name)

	var waited time.Duration
	reauthorized := false
	for transient := 1; ; {
		out := c.attempt(ctx, path, size, frame, opts.Progress)
		if out.sent {
			res.Attempts++
			res.Status = out.status
		}
		e := out.err
		if e == nil {
			res.URI, res.SentSHA256 = out.uri, out.sentSHA256
			return res, nil
		}
		e.Path, e.Attempts = path, res.Attempts
		switch {
		case ctx.Err() != nil:
			return res, cancelledError(ctx, path, res.Attempts)
		case out.refused != "" && !reauthorized:
			reauthorized = true
			c.tokens.invalidate(out.refused)
			continue
		case !retryable(e) || transient >= c.retry.MaxAttempts:
			return res, e
		}
		wait := c.retry.wait(transient, e.RetryAfter)
		if waited+wait > c.retry.MaxTotalWait {
			return res, e
		}
		transient++
		if opts.OnRetry != nil {
			opts.OnRetry(res.Attempts+1, wait, e)
		}
		if sleep(ctx, wait) != nil {
			return res, cancelledError(ctx, path, res.Attempts)
		}
		waited += wait
	}
}

func cancelledError(ctx context.Context, path string, attempts int) *Error {
	return &Error{Kind: KindCancelled, Op: "upload", Path: path, Attempts: attempts, Err: context.Cause(ctx),
		Message: "The upload was cancelled."}
}

// attemptOutcome is what one attempt came to.
type attemptOutcome struct {
	uri        string
	sentSHA256 string // of the file bytes the request carried, when all were sent
	sent       bool   // a request went out (false when signing in or opening the file failed)
	status     int    // HTTP status of the reply, 0 when none came
	refused    string // the token a 401 refused, for the caller to invalidate
	err        *Error
}

// attempt signs in if needed and makes one upload request.
func (c *Client) attempt(ctx context.Context, path string, size int64, frame multipartFrame,
	progress func(sent, total int64)) attemptOutcome {
	tok, err := c.tokens.token(ctx)
	if err != nil {
		return attemptOutcome{err: signInFailure(err)}
	}
	file, ferr := openFileBody(path, size, progress)
	if ferr != nil {
		return attemptOutcome{err: ferr}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.uploadURL.String(), readCloser{frame.body(file), file})
	if err != nil {
		file.Close()
		return attemptOutcome{err: &Error{Kind: KindBadRequest, Op: "upload", Err: err, Message: "The upload could not be prepared."}}
	}
	req.ContentLength = frame.length(size)
	var latest atomic.Pointer[fileBody] // the body the transport read last: it may ask for another
	latest.Store(file)
	req.GetBody = func() (io.ReadCloser, error) {
		again, err := openFileBody(path, size, progress)
		if err != nil {
			return nil, err
		}
		latest.Store(again)
		return readCloser{frame.body(again), again}, nil
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", frame.contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	out := attemptOutcome{sent: true}
	file = latest.Load()
	if bad := file.failure(); bad != nil {
		if err == nil {
			resp.Body.Close()
		}
		out.err = bad
		return out
	}
	if err != nil {
		out.err = transportError("upload", err)
		return out
	}
	out.status = resp.StatusCode
	body, readErr := readReply(resp)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		out.refused = tok.AccessToken
		out.err = replyError("upload", resp, body, size)
	case resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK:
		out.err = replyError("upload", resp, body, size)
	case readErr != nil:
		out.err = badResponseError(resp.StatusCode, Excerpt(body), readErr)
	default:
		out.uri, err = ParseUploadReply(body)
		if err != nil {
			out.err = badResponseError(resp.StatusCode, Excerpt(body), err)
		}
		out.sentSHA256 = file.sentSHA256()
	}
	return out
}

// ParseUploadReply reads Redox's success body, {"URI": "https://blob.redoxengine.com/<id>"},
// and returns the URI if it is an absolute http(s) URL.
func ParseUploadReply(body []byte) (string, error) {
	var r struct {
		URI *string `json:"URI"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "", errors.New("the reply is not JSON: " + err.Error())
	}
	if r.URI == nil || *r.URI == "" {
		return "", errors.New("the reply has no URI")
	}
	u, err := url.Parse(*r.URI)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("the URI in the reply is not an absolute http(s) URL")
	}
	return *r.URI, nil
}

// signInFailure makes any token failure an *Error; a TokenStore's own error text is kept as
// the message, since the store speaks to the user about its keychain.
func signInFailure(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		own := *e // the fetch's error is shared by every waiting upload; each gets its own copy
		return &own
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return transportError("sign in", err)
	}
	return &Error{Kind: KindCredentials, Op: "sign in", Err: err, Message: err.Error()}
}

type readCloser struct {
	io.Reader
	io.Closer
}
