package client

import (
	"context"
	"errors"
)

// StaticToken is a bearer token pasted by IT: no expiry known, no renewal.
type StaticToken string

// WithStaticToken signs every upload with the same bearer token.
func WithStaticToken(token string) Option {
	return WithCredentials(StaticToken(token))
}

func (s StaticToken) secrets() []string { return []string{string(s)} }

func (s StaticToken) authenticator(endpoints) (Authenticator, error) {
	if s == "" {
		return nil, errors.New("client: the access token is empty")
	}
	return s, nil
}

// Authenticate hands out the token; asked again after Redox refused it, it reports the
// refusal, since there is no way to get another. Neither sends a request.
func (s StaticToken) Authenticate(_ context.Context, prev Token) (Token, error) {
	if prev.AccessToken == string(s) {
		return Token{}, &Error{Kind: KindCredentials, Op: opSignIn, Status: 401, Fix: FixCredentials, noRequest: true,
			Message: "Redox refused the access token for this source; it may have expired. Ask IT for a new token."}
	}
	return Token{AccessToken: string(s)}, nil
}
