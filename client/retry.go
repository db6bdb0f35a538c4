package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how transient failures are retried: connection errors and HTTP 408,
// 429, 500, 502, 503 and 504. Waits grow exponentially with jitter; a Retry-After from Redox
// is honoured when it is longer. A 401 is handled apart (one fresh token, one retry); 400,
// 403, 413 and a success without a URI are never retried.
type RetryPolicy struct {
	MaxAttempts  int           // requests per upload for transient failures, at least 1
	BaseDelay    time.Duration // wait before the second attempt; doubles after that
	MaxDelay     time.Duration // longest single backoff wait (Retry-After may exceed it)
	MaxTotalWait time.Duration // all waits of one upload together; past it the upload fails
}

// DefaultRetryPolicy: four attempts, waits of about 1, 2 and 4 seconds, two minutes in all.
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
