package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
)

const (
	// maxAuthBody caps the size of an authentication request body.
	maxAuthBody = 64 << 10
	// expiresLayout is RFC 3339 in UTC with milliseconds, as Redox sends it.
	expiresLayout = "2006-01-02T15:04:05.000Z07:00"
)

// legacyReply is the body of a successful legacy login or refresh.
type legacyReply struct {
	AccessToken  string `json:"accessToken"`
	Expires      string `json:"expires"`
	RefreshToken string `json:"refreshToken"`
}

// serveAuthenticate answers POST /auth/authenticate.
func (h *Handler) serveAuthenticate(w http.ResponseWriter, r *http.Request) {
	if h.arrived(w, r, &h.stats.Authenticate) {
		return
	}
	var req struct {
		APIKey string `json:"apiKey"`
		Secret string `json:"secret"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	h.mu.Lock()
	src, ok := h.legacy[req.APIKey]
	h.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(src.secret), []byte(req.Secret)) != 1 {
		invalidRequest(w, http.StatusUnauthorized)
		return
	}
	h.replyLegacy(w, src.source, req.APIKey)
}

// serveRefresh answers POST /auth/refreshToken. The refresh token is used
// up: the reply carries a new one.
func (h *Handler) serveRefresh(w http.ResponseWriter, r *http.Request) {
	if h.arrived(w, r, &h.stats.Refresh) {
		return
	}
	var req struct {
		APIKey       string `json:"apiKey"`
		RefreshToken string `json:"refreshToken"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	h.mu.Lock()
	t, ok := h.tokens[req.RefreshToken]
	ok = ok && t.kind == refreshToken && t.apiKey == req.APIKey
	if ok {
		delete(h.tokens, req.RefreshToken)
	}
	h.mu.Unlock()
	if !ok {
		invalidRequest(w, http.StatusUnauthorized)
		return
	}
	h.replyLegacy(w, t.source, req.APIKey)
}

// replyLegacy issues a token pair and sends it in Redox's shape.
func (h *Handler) replyLegacy(w http.ResponseWriter, source, apiKey string) {
	access, refresh, expires := h.issueLegacy(source, apiKey)
	writeJSON(w, http.StatusOK, legacyReply{
		AccessToken:  access,
		Expires:      expires.UTC().Format(expiresLayout),
		RefreshToken: refresh,
	})
}

// decodeJSON reads a small JSON body into v, replying 400 if it cannot.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAuthBody)).Decode(v)
	if err != nil {
		invalidRequest(w, http.StatusBadRequest)
		return false
	}
	return true
}
