package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how transient failures are retried: connection errors, no reply or no
// progress in time, and HTTP 408, 429, 500, 502, 503 and 504, from the sign-in service as from
// the upload endpoint. Waits grow exponentially with jitter; a Retry-After from Redox is
// honoured when it is longer. A 401 is handled apart (one fresh token, one retry); 400, 403,
// 413, redirects and a success without a URI are never retried.
type RetryPolicy struct {
	MaxAttempts int           // tries per upload for transient failures, at least 1
	BaseDelay   time.Duration // wait before the second try; doubles after that
	MaxDelay    time.Duration // longest single backoff wait (Retry-After may exceed it)
	// MaxTotalWait bounds the time one upload may spend failing: its backoff waits, and for
	// each failed try the time it took less the time the file was moving (signing in, waiting
	// for Redox to take the file or to answer). A retry whose wait would pass it is not made.
	// Time spent sending the file does not count, so a large file on a slow link is never
	// refused a retry for being large; and no try is cut off by this bound while it moves.
	MaxTotalWait time.Duration
}

// DefaultRetryPolicy: four tries, waits of about 1, 2 and 4 seconds, two minutes of failing in
// all. With the default stall timeout (60 s) and sign-in bound (30 s), an upload to a Redox
// that never answers gives up after about two minutes.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 30 * time.Second, MaxTotalWait: 2 * time.Minute}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return errors.New("at least one attempt is needed")
	case p.BaseDelay < 0 || p.MaxDelay < p.BaseDelay || p.MaxTotalWait < 0:
		return errors.New("delays must satisfy 0 ≤ BaseDelay ≤ MaxDelay and MaxTotalWait ≥ 0")
	}
	return nil
}

// wait returns how long to wait before retry number n (1 for the second attempt): half the
// exponential delay plus up to half again at random, or retryAfter when that is longer.
func (p RetryPolicy) wait(n int, retryAfter time.Duration) time.Duration {
	d := p.MaxDelay
	if n < 31 {
		d = min(p.BaseDelay<<(n-1), p.MaxDelay)
	}
	if d > 1 {
		d = d/2 + rand.N(d/2+1)
	}
	return max(d, retryAfter)
}

// retryable reports whether another attempt could succeed where this one failed.
func retryable(e *Error) bool {
	switch e.Status {
	case 408, 429, 500, 502, 503, 504:
		return true
	}
	return e.Kind == KindNetwork && !e.permanent
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
