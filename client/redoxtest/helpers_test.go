package redoxtest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// newTestServer starts a Server closed at the end of the test.
func newTestServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s := NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   string
	close  bool // the server asked to close the connection
}

// do sends req with client and reads the whole reply. Redirects are not
// followed: a reply is what the handler sent.
func do(t *testing.T, client *http.Client, req *http.Request) reply {
	t.Helper()
	own := *client
	own.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := own.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading reply to %s %s: %v", req.Method, req.URL, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(body), close: resp.Close}
}

// postJSON posts v as JSON to s.URL+path.
func postJSON(t *testing.T, s *Server, path string, v any) reply {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, s.Client(), req)
}

// filePart is one part of a hand-built multipart body.
type filePart struct {
	field, filename, contentType string
	content                      []byte
}

// multipartBody builds a multipart/form-data body and its Content-Type.
// The Content-Disposition is written by hand so paths in filenames survive.
func multipartBody(t *testing.T, parts ...filePart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Disposition", contentDisposition(p.field, p.filename))
		if p.contentType != "" {
			hdr.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// contentDisposition is a form-data disposition with quotes and
// backslashes escaped.
func contentDisposition(field, filename string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `form-data; name="` + esc.Replace(field) + `"; filename="` + esc.Replace(filename) + `"`
}

// uploadRequest builds an upload request with an optional bearer token.
func uploadRequest(t *testing.T, s *Server, token string, body io.Reader, contentType string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.UploadURL(), body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// uploadFile uploads content as "file" and returns the reply.
func uploadFile(t *testing.T, s *Server, token string, content []byte) reply {
	t.Helper()
	body, ct := multipartBody(t, filePart{"file", "report.pdf", "application/pdf", content})
	return do(t, s.Client(), uploadRequest(t, s, token, bytes.NewReader(body), ct))
}

// wantInvalidRequest checks Redox's 401 text/html "Invalid request".
func wantInvalidRequest(t *testing.T, got reply, status int) {
	t.Helper()
	if got.status != status || got.header.Get("Content-Type") != "text/html" || got.body != "Invalid request" {
		t.Errorf("got %d %q %q, want %d text/html \"Invalid request\"",
			got.status, got.header.Get("Content-Type"), got.body, status)
	}
}
