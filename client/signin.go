package client

import (
	"net/http"
)

// signIn sends one request to an authentication endpoint and returns the reply body of a 2xx
// answer. A 400 or 401 means the sign-in details were refused; other statuses and transport
// failures become the usual *Error kinds, so the upload's retry policy applies to them too.
func (ep endpoints) signIn(req *http.Request) ([]byte, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", ep.userAgent)
	resp, err := ep.http.Do(req)
	if err != nil {
		return nil, transportError("sign in", err)
	}
	body, err := readReply(resp)
	if resp.StatusCode/100 != 2 {
		e := replyError("sign in", resp, body, 0)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
			e.Kind = KindCredentials
			e.Message = "Redox did not accept this source's sign-in details. Ask IT to check the source's key, secret or " +
				"private key in Settings (and that this computer's clock is right)."
		}
		return nil, e
	}
	if err != nil {
		return nil, transportError("sign in", err)
	}
	return body, nil
}

// signInReplyError reports a 2xx sign-in reply that carries no token.
func signInReplyError(body []byte, cause error) *Error {
	return &Error{Kind: KindBadResponse, Op: "sign in", Excerpt: Excerpt(body), Err: cause,
		Message: "Redox's sign-in service answered with something unexpected. Try again in a few minutes; if it keeps " +
			"happening, copy the details for IT."}
}
