package redoxtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUpload(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddStaticToken("clinic", "static-token-0123456789abcdef0123456789", time.Time{})
	content := bytes.Repeat([]byte("%PDF-1.7 scan "), 5000)
	sum := sha256.Sum256(content)
	const name = `C:\scans\consent "signed".pdf`
	body, ct := multipartBody(t,
		filePart{"note", "", "text/plain", []byte("ignored")},
		filePart{"file", name, "application/pdf", content},
	)

	got := do(t, s.Client(), uploadRequest(t, s, "static-token-0123456789abcdef0123456789", bytes.NewReader(body), ct))
	if got.status != http.StatusCreated || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q %s, want 201 application/json", got.status, got.header.Get("Content-Type"), got.body)
	}
	uuid := `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`
	if want := regexp.MustCompile(`^\{"URI":"` + regexp.QuoteMeta(s.URL+"/blob/") + uuid + `"\}$`); !want.MatchString(got.body) {
		t.Errorf("body %s, want %s", got.body, want)
	}

	uploads := s.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("%d uploads recorded, want 1", len(uploads))
	}
	u := uploads[0]
	checks := []struct {
		field     string
		got, want any
	}{
		{"Source", u.Source, "clinic"},
		{"FileName", u.FileName, name},
		{"ContentType", u.ContentType, "application/pdf"},
		{"Size", u.Size, int64(len(content))},
		{"SHA256", u.SHA256, hex.EncodeToString(sum[:])},
		{"Content-Disposition", u.PartHeader.Get("Content-Disposition"), contentDisposition("file", name)},
		{"RequestContentLength", u.RequestContentLength, int64(len(body))},
		{"TransferEncoding", len(u.TransferEncoding), 0},
		{"URI in body", `{"URI":"` + u.URI + `"}`, got.body},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if u.Received.IsZero() {
		t.Error("Received is zero")
	}

	u.PartHeader.Set("Content-Type", "changed")
	if s.Uploads()[0].PartHeader.Get("Content-Type") != "application/pdf" {
		t.Error("Uploads returned a header shared with the record")
	}
	if st := s.Stats(); st.UploadRequests != 1 || st.Uploaded != 1 {
		t.Errorf("Stats() = %+v, want 1 request, 1 uploaded", st)
	}
}

func TestUploadURIBaseAndTLS(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		base func(s *Server) string
	}{
		{"default", Config{}, func(s *Server) string { return s.URL + "/blob/" }},
		{"URIBase", Config{URIBase: "https://blob.redoxengine.com/"}, func(*Server) string { return "https://blob.redoxengine.com/" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewTLSServer(tt.cfg)
			t.Cleanup(s.Close)
			s.AddStaticToken("clinic", "tok", time.Time{})
			got := uploadFile(t, s, "tok", []byte("hello"))
			if want := `{"URI":"` + tt.base(s); got.status != http.StatusCreated || !strings.HasPrefix(got.body, want) {
				t.Errorf("got %d %s, want 201 starting %s", got.status, got.body, want)
			}
		})
	}
}

func TestUploadRefused(t *testing.T) {
	const limit = 1 << 20
	s := newTestServer(t, Config{MaxUploadSize: limit})
	s.AddStaticToken("clinic", "good", time.Time{})
	s.AddStaticToken("clinic", "expired", time.Now().Add(-time.Minute))
	s.AddStaticToken("clinic", "revoked", time.Time{})
	s.RevokeToken("revoked")

	multi := func(parts ...filePart) func(t *testing.T) (io.Reader, string) {
		return func(t *testing.T) (io.Reader, string) {
			body, ct := multipartBody(t, parts...)
			return bytes.NewReader(body), ct
		}
	}
	file := func(n int) filePart { return filePart{"file", "f.bin", "application/octet-stream", make([]byte, n)} }
	tests := []struct {
		name   string
		token  string
		body   func(t *testing.T) (io.Reader, string)
		status int
	}{
		{"at the limit", "good", multi(file(limit)), http.StatusCreated},
		{"no token", "", multi(file(10)), http.StatusUnauthorized},
		{"unknown token", "nope", multi(file(10)), http.StatusUnauthorized},
		{"expired token", "expired", multi(file(10)), http.StatusUnauthorized},
		{"revoked token", "revoked", multi(file(10)), http.StatusUnauthorized},
		{"one byte over", "good", multi(file(limit + 1)), http.StatusRequestEntityTooLarge},
		{"far over", "good", multi(file(2 * limit)), http.StatusRequestEntityTooLarge},
		{"not multipart", "good", func(*testing.T) (io.Reader, string) { return strings.NewReader("{}"), "application/json" }, http.StatusBadRequest},
		{"no file part", "good", multi(filePart{"attachment", "f.bin", "", []byte("x")}), http.StatusBadRequest},
		{"truncated", "good", func(t *testing.T) (io.Reader, string) {
			body, ct := multipartBody(t, file(1000))
			return bytes.NewReader(body[:len(body)-20]), ct
		}, http.StatusBadRequest},
	}
	uploaded := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := tt.body(t)
			got := do(t, s.Client(), uploadRequest(t, s, tt.token, body, ct))
			switch tt.status {
			case http.StatusCreated:
				uploaded++
				if got.status != tt.status {
					t.Errorf("got %d %s, want 201", got.status, got.body)
				}
			case http.StatusUnauthorized:
				wantInvalidRequest(t, got, tt.status)
			case http.StatusRequestEntityTooLarge:
				if got.status != tt.status || got.header.Get("Content-Type") != "text/html" || !got.close ||
					!strings.Contains(got.body, "Request Entity Too Large") {
					t.Errorf("got %d %q close=%v %s, want 413 text/html, Connection: close",
						got.status, got.header.Get("Content-Type"), got.close, got.body)
				}
			default:
				if got.status != tt.status {
					t.Errorf("got %d %s, want %d", got.status, got.body, tt.status)
				}
			}
		})
	}
	if st := s.Stats(); st.UploadRequests != len(tests) || st.Uploaded != uploaded || len(s.Uploads()) != uploaded {
		t.Errorf("Stats() = %+v with %d uploads, want %d requests and %d uploaded", st, len(s.Uploads()), len(tests), uploaded)
	}
}

func TestExpireAndRevokeTokens(t *testing.T) {
	tests := []struct {
		name   string
		revoke func(s *Server)
	}{
		{"ExpireTokens", func(s *Server) { s.ExpireTokens() }},
		{"RevokeToken", func(s *Server) { s.RevokeToken("tok") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Config{})
			s.AddStaticToken("clinic", "tok", time.Time{})
			if got := uploadFile(t, s, "tok", []byte("a")); got.status != http.StatusCreated {
				t.Fatalf("before: %d %s", got.status, got.body)
			}
			tt.revoke(s)
			wantInvalidRequest(t, uploadFile(t, s, "tok", []byte("a")), http.StatusUnauthorized)
		})
	}
}

func TestConcurrentUploads(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddStaticToken("clinic", "tok", time.Time{})
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		body, ct := multipartBody(t, filePart{"file", fmt.Sprintf("f%d", i), "", []byte("data")})
		req := uploadRequest(t, s, "tok", bytes.NewReader(body), ct)
		wg.Go(func() {
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("upload %d: status %d", i, resp.StatusCode)
			}
		})
		_ = s.Uploads() // reading while uploads run
		_ = s.Stats()
	}
	wg.Wait()
	if got := len(s.Uploads()); got != n {
		t.Errorf("%d uploads recorded, want %d", got, n)
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// streamedUpload returns an upload request whose file is size zero bytes,
// generated as it is read.
func streamedUpload(t testing.TB, size int64, token string) *http.Request {
	const boundary = "redoxtestboundary"
	head := "--" + boundary + "\r\n" +
		`Content-Disposition: form-data; name="file"; filename="big.bin"` + "\r\n" +
		"Content-Type: application/octet-stream\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size), strings.NewReader(tail))
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/upload", body)
	req.ContentLength = int64(len(head)) + size + int64(len(tail))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func TestUploadStreamsWithoutBuffering(t *testing.T) {
	const size = 30 << 20
	h := NewHandler(Config{MaxUploadSize: 32 << 20})
	defer h.Close()
	h.AddStaticToken("clinic", "tok", time.Time{})
	req := streamedUpload(t, size, "tok")
	rec := httptest.NewRecorder()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)

	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d %s", rec.Code, rec.Body)
	}
	if u := h.Uploads()[0]; u.Size != size {
		t.Errorf("Size = %d, want %d", u.Size, size)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("a %d MiB upload allocated %d KiB; the file must be streamed, not buffered", size>>20, alloc>>10)
	}
}

func BenchmarkUpload30MiB(b *testing.B) {
	const size = 30 << 20
	h := NewHandler(Config{MaxUploadSize: 32 << 20})
	defer h.Close()
	h.AddStaticToken("clinic", "tok", time.Time{})
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, streamedUpload(b, size, "tok"))
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
