package redoxtest

import (
	"encoding/json"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// echoLimit caps how much of a request body an Echo fault repeats.
const echoLimit = 64 << 10

// echoedRequest is a request as an Echo fault repeats it: credentials first, so that they fall
// within the start of the reply that a client shows.
type echoedRequest struct {
	Line               string      `json:"request"`
	Authorization      string      `json:"authorization,omitempty"`
	ProxyAuthorization string      `json:"proxyAuthorization,omitempty"`
	Body               string      `json:"body"`
	Headers            http.Header `json:"headers"`
}

// echo answers r with a reply that repeats it, in the form f.ContentType names.
func (h *Handler) echo(w http.ResponseWriter, r *http.Request, f Fault) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, echoLimit))
	h.drain(w, r)
	req := echoedRequest{
		Line:               r.Method + " " + r.RequestURI + " " + r.Proto,
		Authorization:      r.Header.Get("Authorization"),
		ProxyAuthorization: r.Header.Get("Proxy-Authorization"),
		Body:               string(body),
		Headers:            r.Header.Clone(),
	}
	req.Headers.Del("Authorization")
	req.Headers.Del("Proxy-Authorization")

	contentType := f.ContentType
	if contentType == "" {
		contentType = "text/plain; charset=utf-8"
	}
	var reply string
	switch mt, _, _ := mime.ParseMediaType(contentType); mt {
	case "application/json":
		data, err := json.Marshal(struct {
			Error   string        `json:"error"`
			Request echoedRequest `json:"echo"`
		}{"bad_gateway", req})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		reply = string(data)
	case "application/x-www-form-urlencoded":
		reply = url.Values{"error": {"bad gateway"}, "request": {req.text()}}.Encode()
	default:
		reply = req.text()
	}
	h.mu.Lock()
	h.echoes = append(h.echoes, reply)
	h.mu.Unlock()

	status := f.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, reply)
}

// text is the request written out as a gateway's error page would.
func (e echoedRequest) text() string {
	var b strings.Builder
	b.WriteString("Bad gateway. The request was:\n" + e.Line + "\n")
	if e.Authorization != "" {
		b.WriteString("Authorization: " + e.Authorization + "\n")
	}
	if e.ProxyAuthorization != "" {
		b.WriteString("Proxy-Authorization: " + e.ProxyAuthorization + "\n")
	}
	b.WriteString("\n" + e.Body + "\n\n")
	for _, name := range slices.Sorted(maps.Keys(e.Headers)) {
		b.WriteString(name + ": " + strings.Join(e.Headers[name], ", ") + "\n")
	}
	return b.String()
}

// Echoes returns the bodies of the replies Echo faults sent, in order.
func (h *Handler) Echoes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.echoes)
}
