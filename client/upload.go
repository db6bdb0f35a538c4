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
	// OnRetry is called from the uploading goroutine each time a failed try is to be followed
	// by another after a wait: next is the number the coming try will have (as
	// Result.Attempts counts them), wait how long until it starts, and cause why the last try
	// failed, already scrubbed of secrets. It is called for a try that failed while signing in
	// (cause.Op "sign in") as for one whose upload request failed (cause.Op "upload"), so a
	// caller can say "retrying in 4 s because …". It is not called before the one immediate
	// retry with a renewed token that follows a 401.
	OnRetry func(next int, wait time.Duration, cause *Error)
}

// Result is what an upload achieved.
type Result struct {
	URI      string // the Redox file URI, set on success
	FileName string // the name sent in the part header
	Size     int64  // bytes of the file sent
	Status   int    // HTTP status of the last upload reply, 0 when none came
	// Attempts counts the tries the upload made, also on failure; Error.Attempts is the same
	// count. A try gets a token (signing in when the client holds none it can use) and then
	// sends the file once. It counts as soon as a request went out for it, to the sign-in
	// service or the upload endpoint, whatever came of it: a file refused before sending has 0
	// tries; a wrong secret, 1; a 503 and then success, 2; a 401, a renewed token and success,
	// 2; a sign-in service that never answers, as many as the retry policy allows. A try that
	// ended before any request (a pasted token Redox had already refused, a file that could no
	// longer be opened) does not count.
	Attempts int
	// SentSHA256 is the hex SHA-256 of the file bytes a try handed whole to its upload
	// request, hashed as they went out: of the latest try that got that far, whatever came of
	// the upload (success, a failure reply, a network error, a stall, a cancel). It is "" when
	// no try handed over the whole file (refused before sending, cut off mid-file, a file that
	// changed size). Set, it means the whole file may be on Redox even when the upload failed.
	// On success it is the hash of what Redox holds: when it differs from a hash taken before
	// the upload, the file changed while it was being sent and Redox holds what was read, not
	// either version of the file.
	SentSHA256 string
}

// Upload sends the file at path to Redox and returns its URI. The file is checked first (see
// CheckFile) and nothing is sent if it fails. Transient failures, of the sign-in as of the
// upload, are retried per the policy; a 401 gets one fresh token and one more try; a try that
// stops making progress fails after the stall timeout (WithStallTimeout). A 201 or 200 without a
// usable URI, its body unreadable, stalled or cut off included, is a KindBadResponse and never
// retried: Redox may hold the file. Every failure is an *Error, scrubbed of every secret and
// token the client knows.
func (c *Client) Upload(ctx context.Context, path string, opts UploadOptions) (Result, error) {
	res, e := c.upload(ctx, path, opts)
	if e != nil {
		return res, e
	}
	return res, nil
}

func (c *Client) upload(ctx context.Context, path string, opts UploadOptions) (Result, *Error) {
	size, err := CheckFile(path, c.maxSize)
	if err != nil {
		return Result{}, err.(*Error)
	}
	name := PartFileName(path)
	if opts.Name != "" {
		name = PartFileName(opts.Name)
	}
	res := Result{FileName: name, Size: size}
	frame := newMultipartFrame(name)

	var failing time.Duration // backoff waits and the time failed tries went without moving the file
	reauthorized := false
	for transient := 1; ; {
		out := c.attempt(ctx, path, size, frame, opts.Progress)
		if out.counts {
			res.Attempts++
		}
		if out.sent {
			res.Status = out.status
		}
		if out.sentSHA256 != "" {
			res.SentSHA256 = out.sentSHA256
		}
		e := out.err
		if e == nil {
			res.URI = out.uri
			return res, nil
		}
		c.secrets.scrubError(e)
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
		failing += out.idle
		wait := c.retry.wait(transient, e.RetryAfter)
		if failing+wait > c.retry.MaxTotalWait {
			return res, e
		}
		transient++
		if opts.OnRetry != nil {
			opts.OnRetry(res.Attempts+1, wait, e)
		}
		if sleep(ctx, wait) != nil {
			return res, cancelledError(ctx, path, res.Attempts)
		}
		failing += wait
	}
}

func cancelledError(ctx context.Context, path string, attempts int) *Error {
	return &Error{Kind: KindCancelled, Op: opUpload, Path: path, Attempts: attempts, Err: context.Cause(ctx),
		Message: "The upload was cancelled."}
}

// attemptOutcome is what one try came to.
type attemptOutcome struct {
	uri        string
	sentSHA256 string        // of the file bytes the request carried, when all were sent
	counts     bool          // a request went out for this try, sign-in or upload
	sent       bool          // the upload request went out (false when signing in or opening the file failed)
	status     int           // HTTP status of the reply, 0 when none came
	refused    string        // the token a 401 refused, for the caller to invalidate
	idle       time.Duration // how long the try took, less the time the file was moving
	err        *Error
}

// attempt signs in if needed and makes one upload request, watched for stalls.
func (c *Client) attempt(ctx context.Context, path string, size int64, frame multipartFrame,
	progress func(sent, total int64)) (out attemptOutcome) {
	start := time.Now()
	tok, fetched, err := c.tokens.token(ctx)
	if err != nil {
		e := signInFailure(err)
		return attemptOutcome{counts: fetched && !e.noRequest, idle: time.Since(start), err: e}
	}
	out.counts = fetched
	file, ferr := openFileBody(path, size, progress)
	if ferr != nil {
		out.err, out.idle = ferr, time.Since(start)
		return out
	}
	tryCtx, watch := watchStalls(ctx, c.stall)
	defer watch.stop()
	defer func() { out.idle = time.Since(start) - watch.sendingTime() }()

	req, err := http.NewRequestWithContext(tryCtx, http.MethodPost, c.uploadURL.String(),
		readCloser{watchedBody{frame.body(file), watch}, file})
	if err != nil {
		file.Close()
		out.err = prepareError(opUpload, err)
		return out
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
		return readCloser{watchedBody{frame.body(again), watch}, again}, nil
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", frame.contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	out.sent, out.counts = true, true
	file = latest.Load()
	// Asked now, whatever comes next: a reply may come before the transport has read the whole
	// body, but one that comes after it (an answer, a stall, a cancel) leaves the hash set.
	out.sentSHA256 = file.sentSHA256()
	if bad := file.failure(); bad != nil {
		if err == nil {
			resp.Body.Close()
		}
		out.err = bad
		return out
	}
	if err != nil {
		if out.err = stallEnded(ctx, tryCtx); out.err == nil {
			out.err = transportError(opUpload, err)
		}
		return out
	}
	watch.replyArrived()
	out.status = resp.StatusCode
	accepted := resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK
	body, readErr := readReply(resp)
	if readErr != nil {
		stalled := stallEnded(ctx, tryCtx)
		switch {
		case accepted: // Redox has the file: another try would leave a second copy
			if stalled != nil {
				readErr = stalled.Err
			}
			out.err = cutReplyError(resp.StatusCode, c.secrets.excerpt(body), readErr)
			return out
		case stalled != nil:
			out.err = stalled
			return out
		}
	}
	// The body is scrubbed only for an error that shows it: a success's never is, so a client
	// that meets no failure never builds its secret index.
	if !accepted {
		if resp.StatusCode == http.StatusUnauthorized {
			out.refused = tok.AccessToken
		}
		out.err = replyError(opUpload, resp, c.secrets.excerpt(body), size, c.maxSize)
		return out
	}
	if out.uri, err = ParseUploadReply(body); err != nil {
		out.err = badResponseError(resp.StatusCode, c.secrets.excerpt(body), err)
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
		return transportError(opSignIn, err)
	}
	return &Error{Kind: KindCredentials, Op: opSignIn, Err: err, Message: err.Error()}
}

type readCloser struct {
	io.Reader
	io.Closer
}
