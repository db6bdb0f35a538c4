package client

import (
	"context"
	"errors"
	"net/http"
)

// signIn sends one request to an authentication endpoint and returns the reply body of a 2xx
// answer, within ep.timeout for the whole exchange. A 400 or 401 means the sign-in details were
// refused; other statuses and transport failures become the usual *Error kinds, so the upload's
// retry policy applies to them too.
func (ep endpoints) signIn(req *http.Request) ([]byte, error) {
	ctx, cancel := context.WithTimeout(req.Context(), ep.timeout)
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", ep.userAgent)
	resp, err := ep.http.Do(req)
	if err != nil {
		return nil, ep.signInTransportError(ctx, err)
	}
	body, err := readReply(resp)
	if resp.StatusCode/100 != 2 {
		e := replyError(opSignIn, resp, ep.secrets.excerpt(body), 0, 0)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
			e.Kind = KindCredentials
			e.Fix = FixCredentials
			e.Message = "Redox did not accept this source's sign-in details. Ask IT to check them (the API key and " +
				"secret, or the client ID, key ID and private key) and that this computer's clock is right."
		}
		return nil, e
	}
	if err != nil {
		return nil, ep.signInTransportError(ctx, err)
	}
	return body, nil
}

// signInTransportError classifies a sign-in request that got no whole reply; one that ran out
// of its time says so in words.
func (ep endpoints) signInTransportError(ctx context.Context, err error) *Error {
	e := transportError(opSignIn, err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && e.Kind == KindNetwork && e.Fix == FixNone {
		e.Message = "Redox's sign-in service did not answer within " + plainDuration(ep.timeout) +
			". Check the network connection, then try again."
	}
	return e
}
