package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestListenServesTheDemoSource: a sandbox signs in with its demo API key and secret, takes
// an upload with the token, answers with a URI on itself, and stops on Close.
func TestListenServesTheDemoSource(t *testing.T) {
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			s.Close()
		}
	})

	login, _ := json.Marshal(map[string]string{"apiKey": s.Demo.APIKey, "secret": s.Demo.Secret})
	var tok struct{ AccessToken string }
	post(t, s.APIBase()+"/auth/authenticate", "application/json", "", bytes.NewReader(login), http.StatusOK, &tok)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "scan.pdf")
	io.WriteString(part, "%PDF-1.4 sandbox\n")
	mw.Close()
	var reply struct{ URI string }
	post(t, s.UploadURL(), mw.FormDataContentType(), tok.AccessToken, &body, http.StatusCreated, &reply)
	if !strings.HasPrefix(reply.URI, s.APIBase()+"/blob/") {
		t.Errorf("URI %q is not on the sandbox %s", reply.URI, s.APIBase())
	}
	if up := s.Handler.Uploads(); len(up) != 1 || up[0].FileName != "scan.pdf" || up[0].Source != s.Demo.Source {
		t.Errorf("uploads = %+v", up)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true
	if resp, err := http.Post(s.UploadURL(), "text/plain", strings.NewReader("x")); err == nil {
		resp.Body.Close()
		t.Error("the sandbox still answers after Close")
	}
}

// post sends body to url and decodes the JSON reply into v, failing unless it has status want.
func post(t *testing.T, url, contentType, token string, body io.Reader, want int, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s, want %d", url, resp.StatusCode, data, want)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("POST %s: reply %q: %v", url, data, err)
	}
}

// TestCloseDropsConnectionsThatNeverAsked: a client may open a connection it never sends a
// request on (a spare dialled while another was free). Close must not fail waiting for it: it
// closes it after the wait and reports success, as every upload was answered.
func TestCloseDropsConnectionsThatNeverAsked(t *testing.T) {
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.wait = 50 * time.Millisecond
	spare, err := net.Dial("tcp", s.addr)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	defer spare.Close()
	// A request on a later connection: once it is answered the server has accepted, and
	// tracks, the spare dialled before it.
	get := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := get.Get(s.APIBase() + "/")
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	resp.Body.Close()

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_ = spare.SetReadDeadline(time.Now().Add(10 * time.Second)) // only so that a failure cannot hang the test
	if n, err := spare.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the spare connection read %d bytes, %v: want it closed by the server", n, err)
	}
}
