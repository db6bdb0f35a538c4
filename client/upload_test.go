package client_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

func sha256File(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestUploadEachSignIn uploads with every sign-in method and checks what Redox received.
func TestUploadEachSignIn(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	keys := testKeys()
	s.AddOAuthSource("rsa-source", "rsa-client", "rsa-kid", &keys.rsa.PublicKey)
	s.AddOAuthSource("ec-source", "ec-client", "ec-kid", &keys.ec.PublicKey)
	s.AddStaticToken("token-source", "pasted-token-0123456789abcdef0123456789", time.Time{})

	tests := []struct {
		name, source string
		opt          client.Option
	}{
		{"legacy", s.demo.Source, client.WithLegacyKey(s.demo.APIKey, s.demo.Secret)},
		{"oauth RS384", "rsa-source", client.WithOAuth("rsa-client", "rsa-kid", keys.rsaPEM)},
		{"oauth ES384", "ec-source", client.WithOAuth("ec-client", "ec-kid", keys.ecPEM)},
		{"static token", "token-source", client.WithStaticToken("pasted-token-0123456789abcdef0123456789")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "Consent Form.pdf", 300<<10)
			res, err := s.client(t, tt.opt).Upload(t.Context(), path, client.UploadOptions{})
			if err != nil {
				t.Fatalf("Upload: %v (%s)", err, client.Detail(err))
			}
			ups := s.Uploads()
			got := ups[len(ups)-1]
			if res.URI != got.URI || !strings.HasPrefix(res.URI, s.URL+"/blob/") {
				t.Errorf("URI = %q, server issued %q", res.URI, got.URI)
			}
			if got.Source != tt.source || got.FileName != "Consent Form.pdf" || got.ContentType != "application/pdf" {
				t.Errorf("received source %q name %q type %q", got.Source, got.FileName, got.ContentType)
			}
			if got.Size != 300<<10 || got.SHA256 != sha256File(t, path) {
				t.Errorf("received %d bytes with hash %s; sent %d bytes", got.Size, got.SHA256, 300<<10)
			}
			if got.RequestContentLength <= got.Size || len(got.TransferEncoding) != 0 {
				t.Errorf("Content-Length %d, Transfer-Encoding %v: want an exact length, no chunking", got.RequestContentLength, got.TransferEncoding)
			}
			if res.Attempts != 1 || res.Status != 201 || res.Size != got.Size || res.SentSHA256 != got.SHA256 {
				t.Errorf("result %+v; Redox received SHA-256 %s", res, got.SHA256)
			}
		})
	}
}

// TestSentHashIsWhatRedoxReceived: a file rewritten in place with the same size while it is
// being sent reports the hash of the bytes that went out, which is what Redox holds, not the
// hash of the file before or after.
func TestSentHashIsWhatRedoxReceived(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	path := writeFile(t, "scan.pdf", 1<<20)
	before := sha256File(t, path)
	rewritten := false
	res, err := s.legacyClient(t).Upload(t.Context(), path, client.UploadOptions{
		Progress: func(sent, total int64) {
			if rewritten || sent < total/4 {
				return
			}
			rewritten = true
			if err := os.WriteFile(path, []byte(strings.Repeat("Z", int(total))), 0o600); err != nil {
				t.Error(err)
			}
		},
	})
	if err != nil {
		t.Fatalf("Upload: %v (%s)", err, client.Detail(err))
	}
	ups := s.Uploads()
	got := ups[len(ups)-1]
	after := sha256File(t, path)
	if !rewritten || got.SHA256 == before || got.SHA256 == after {
		t.Fatalf("rewritten %v: Redox received %s; before %s, after %s: the test did not mix the file", rewritten, got.SHA256, before, after)
	}
	if res.SentSHA256 != got.SHA256 {
		t.Errorf("SentSHA256 = %s, Redox received %s", res.SentSHA256, got.SHA256)
	}
}

// TestLocalChecksSendNothing: problems with the file are reported before any request, in
// plain words, with a detail that says nothing was sent.
func TestLocalChecksSendNothing(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pdf")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link-to-missing.pdf")
	loopA, loopB := filepath.Join(dir, "loop-a.pdf"), filepath.Join(dir, "loop-b.pdf")
	for _, l := range [][2]string{{filepath.Join(dir, "gone.pdf"), link}, {loopB, loopA}, {loopA, loopB}} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
		// Each link must really be there: a link never made would pass as "missing" too.
		if info, err := os.Lstat(l[1]); err != nil || info.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s is not a symbolic link: %v", l[1], err)
		}
	}
	big := writeFile(t, "scan.tiff", 14_889_779)   // 14.2 MB
	justOver := writeFile(t, "scan.pdf", 10<<20+1) // HumanSize says "10 MB" for it and for the limit

	tests := []struct {
		name    string
		path    string
		kind    client.Kind
		problem client.FileProblem
		words   []string
	}{
		{"missing", filepath.Join(dir, "nope.pdf"), client.KindFile, client.FileMissing, []string{"could not be found"}},
		{"dangling symlink", link, client.KindFile, client.FileMissing, []string{"could not be found"}},
		{"symlink loop", loopA, client.KindFile, client.FileLinkLoop, []string{"leads back to itself"}},
		{"folder", dir, client.KindFile, client.FileNotRegular, []string{"not a single file"}},
		{"empty", empty, client.KindFile, client.FileEmpty, []string{"empty"}},
		{"too large", big, client.KindTooLarge, client.FileOK, []string{"Too large: 14.2 MB", "up to 10 MB"}},
		{"one byte too large", justOver, client.KindTooLarge, client.FileOK,
			[]string{"Too large: 10,485,761 bytes", "up to 10,485,760 bytes"}},
	}
	s := newStand(t, redoxtest.Config{})
	c := s.legacyClient(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Upload(t.Context(), tt.path, client.UploadOptions{})
			e := asError(t, err)
			if e.Kind != tt.kind || e.File != tt.problem {
				t.Errorf("kind %v/%v, want %v/%v", e.Kind, e.File, tt.kind, tt.problem)
			}
			for _, w := range tt.words {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("message %q lacks %q", e.Error(), w)
				}
			}
			if d := e.Detail(); !strings.Contains(d, "refused before sending") || strings.Contains(d, "during") {
				t.Errorf("detail %q: want it to say the file was refused before sending", d)
			}
			if strings.Contains(e.Error()+e.Detail(), dir) {
				t.Errorf("the message or detail repeats the path (paths can name patients): %q", e.Detail())
			}
			if res.Attempts != 0 || e.Attempts != 0 {
				t.Errorf("attempts %d/%d, want 0: nothing was tried", res.Attempts, e.Attempts)
			}
		})
	}
	if e := asError(t, func() error { _, err := c.Upload(t.Context(), big, client.UploadOptions{}); return err }()); e.Size != 14_889_779 || e.Limit != 10<<20 {
		t.Errorf("too-large error carries size %d limit %d", e.Size, e.Limit)
	}
	if st := s.Stats(); st.UploadRequests != 0 || st.Authenticate != 0 {
		t.Errorf("server saw %+v; want nothing", st)
	}
}

// TestFaults drives each fault the stand-in can script through a real upload.
func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		faults    []redoxtest.Fault
		kind      client.Kind // KindUnknown: success expected
		attempts  int
		status    int
		retryWait time.Duration // minimum wait seen by OnRetry
	}{
		{"500 then success", []redoxtest.Fault{{Status: 500}}, 0, 2, 201, 0},
		{"502, 503, 504 then success", []redoxtest.Fault{{Status: 502}, {Status: 503}, {Status: 504}}, 0, 4, 201, 0},
		{"408 then success", []redoxtest.Fault{{Status: 408}}, 0, 2, 201, 0},
		{"429 with Retry-After", []redoxtest.Fault{{Status: 429, RetryAfter: "1"}}, 0, 2, 201, time.Second},
		{"reset mid-body then success", []redoxtest.Fault{{ResetMidBody: true}}, 0, 2, 201, 0},
		{"500 four times", []redoxtest.Fault{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}, client.KindServer, 4, 500, 0},
		{"400 is not retried", []redoxtest.Fault{{Status: 400, Body: "Bad Request"}}, client.KindBadRequest, 1, 400, 0},
		{"403 is not retried", []redoxtest.Fault{{Status: 403}}, client.KindForbidden, 1, 403, 0},
		{"413 from the server", []redoxtest.Fault{{Status: 413, Body: "<html>Request Entity Too Large</html>"}}, client.KindTooLarge, 1, 413, 0},
		{"201 with an HTML body", []redoxtest.Fault{{Status: 201, Body: "<html><body>OK</body></html>"}}, client.KindBadResponse, 1, 201, 0},
		{"201 without a URI", []redoxtest.Fault{{Status: 201, Body: `{"id":"x"}`, ContentType: "application/json"}}, client.KindBadResponse, 1, 201, 0},
		{"201 with a relative URI", []redoxtest.Fault{{Status: 201, Body: `{"URI":"/blob/1"}`, ContentType: "application/json"}}, client.KindBadResponse, 1, 201, 0},
		{"201 with truncated JSON", []redoxtest.Fault{{Status: 201, Body: `{"URI":"https://blob.redo`, ContentType: "application/json"}}, client.KindBadResponse, 1, 201, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, redoxtest.Config{})
			s.Script(tt.faults...)
			c := s.legacyClient(t)
			var waits []time.Duration
			res, err := c.Upload(t.Context(), writeFile(t, "report.pdf", 200<<10), client.UploadOptions{
				OnRetry: func(next int, wait time.Duration, cause *client.Error) { waits = append(waits, wait) },
			})
			if tt.kind == client.KindUnknown {
				if err != nil {
					t.Fatalf("Upload: %v (%s)", err, client.Detail(err))
				}
			} else if e := asError(t, err); e.Kind != tt.kind || e.Status != tt.status || e.Attempts != tt.attempts {
				t.Errorf("error kind %v status %d attempts %d; want %v %d %d (%s)", e.Kind, e.Status, e.Attempts, tt.kind, tt.status, tt.attempts, e.Detail())
			}
			if res.Attempts != tt.attempts || res.Status != tt.status {
				t.Errorf("result attempts %d status %d; want %d %d", res.Attempts, res.Status, tt.attempts, tt.status)
			}
			if len(waits) != tt.attempts-1 {
				t.Errorf("OnRetry called %d times for %d attempts", len(waits), tt.attempts)
			}
			if tt.retryWait > 0 && (len(waits) == 0 || waits[0] < tt.retryWait) {
				t.Errorf("waits %v; Retry-After asked for %v", waits, tt.retryWait)
			}
			if st := s.Stats(); st.UploadRequests != tt.attempts {
				t.Errorf("server saw %d upload requests, client reports %d", st.UploadRequests, tt.attempts)
			}
		})
	}
}

func TestForbiddenExplainsAccountType(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	s.Script(redoxtest.Fault{Status: 403, Body: "Forbidden"})
	_, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	if msg := err.Error(); !strings.Contains(msg, "Pre-Production or Production") {
		t.Errorf("403 message %q does not explain which accounts can upload", msg)
	}
	if d := client.Detail(err); !strings.Contains(d, "HTTP 403") || !strings.Contains(d, `"Forbidden"`) {
		t.Errorf("detail %q lacks the status and reply", d)
	}
}

func TestServerSizeLimit(t *testing.T) {
	s := newStand(t, redoxtest.Config{MaxUploadSize: 1 << 20})
	_, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "scan.tiff", 3<<20), client.UploadOptions{})
	if e := asError(t, err); e.Kind != client.KindTooLarge || e.Status != 413 || !strings.Contains(e.Error(), "3 MB") {
		t.Errorf("got %v %d %q", e.Kind, e.Status, e.Error())
	}
}

func TestRetryAfterBeyondTotalWaitGivesUp(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	s.Script(redoxtest.Fault{Status: 429, RetryAfter: "3600"})
	res, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	e := asError(t, err)
	if e.Kind != client.KindRateLimited || e.RetryAfter != time.Hour || res.Attempts != 1 {
		t.Errorf("kind %v retry-after %v attempts %d", e.Kind, e.RetryAfter, res.Attempts)
	}
}

func TestHungServerTimesOut(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	s.Script(redoxtest.Fault{Hang: true}, redoxtest.Fault{Hang: true})
	tr := client.NewTransport()
	tr.ResponseHeaderTimeout = 200 * time.Millisecond
	c := s.legacyClient(t, client.WithHTTPClient(&http.Client{Transport: tr}),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 2, MaxTotalWait: time.Second}))
	res, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 1000), client.UploadOptions{})
	if e := asError(t, err); e.Kind != client.KindNetwork || !strings.Contains(e.Error(), "did not answer in time") {
		t.Errorf("kind %v message %q", e.Kind, e.Error())
	}
	if res.Attempts != 2 {
		t.Errorf("attempts %d, want 2", res.Attempts)
	}
}

func TestUnreachableHost(t *testing.T) {
	c, err := client.New(client.WithUploadURL("http://127.0.0.1:1/upload"), client.WithAPIBase("http://127.0.0.1:1"),
		client.WithStaticToken("t"), client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 2, MaxTotalWait: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	if e := asError(t, err); e.Kind != client.KindNetwork || !strings.Contains(e.Error(), "Could not reach Redox") || res.Attempts != 2 {
		t.Errorf("kind %v attempts %d message %q", e.Kind, res.Attempts, e.Error())
	}
}

// TestCancel: a cancelled context ends a hung request and a backoff wait at once.
func TestCancel(t *testing.T) {
	t.Run("hung reply", func(t *testing.T) {
		s := newStand(t, redoxtest.Config{})
		s.Script(redoxtest.Fault{Hang: true})
		ctx, cancel := context.WithCancel(t.Context())
		var once sync.Once
		_, err := s.legacyClient(t).Upload(ctx, writeFile(t, "a.pdf", 100<<10), client.UploadOptions{
			Progress: func(sent, total int64) {
				if sent == total {
					once.Do(cancel) // the body is sent; the reply will never come
				}
			},
		})
		wantCancelled(t, err)
	})

	// The policy would wait an hour before the second try; OnRetry runs just before that wait
	// and cancels. A wait that ignored the context would hold the upload for that hour.
	t.Run("backoff wait", func(t *testing.T) {
		s := newStand(t, redoxtest.Config{})
		s.Script(redoxtest.Fault{Status: 503})
		c := s.legacyClient(t, client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Hour,
			MaxDelay: time.Hour, MaxTotalWait: 4 * time.Hour}))
		ctx, cancel := context.WithCancel(t.Context())
		var retryWait time.Duration
		done := make(chan error, 1)
		go func() {
			_, err := c.Upload(ctx, writeFile(t, "a.pdf", 100<<10), client.UploadOptions{
				OnRetry: func(_ int, wait time.Duration, _ *client.Error) {
					retryWait = wait
					cancel()
				},
			})
			done <- err
		}()
		select {
		case err := <-done:
			wantCancelled(t, err)
		case <-time.After(time.Minute):
			t.Fatal("the upload was still waiting a minute after it was cancelled in its backoff wait")
		}
		if retryWait < 30*time.Minute {
			t.Errorf("OnRetry announced a wait of %v; the test needs the policy's hour-long one", retryWait)
		}
		if st := s.Stats(); st.UploadRequests != 1 {
			t.Errorf("%d upload requests, want 1: cancelled before the retry", st.UploadRequests)
		}
	})
}

// wantCancelled asserts that err is a cancelled upload.
func wantCancelled(t *testing.T, err error) {
	t.Helper()
	if e := asError(t, err); e.Kind != client.KindCancelled || !errors.Is(err, context.Canceled) {
		t.Errorf("kind %v (%s), want cancelled", e.Kind, e.Detail())
	}
}

// TestRedirectNamesWhereAndIsNotFollowed: a redirect from the upload or sign-in address is
// reported with where it pointed (without its query), as not followed, pointing IT at the
// source's address; it is not retried.
func TestRedirectNamesWhereAndIsNotFollowed(t *testing.T) {
	const target = "https://elsewhere.example/upload/next?token=QUERY-SECRET#part"
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, signIn := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d sign-in %v", status, signIn), func(t *testing.T) {
				s := newStand(t, redoxtest.Config{})
				fault := redoxtest.Fault{Status: status, Location: target}
				words := []string{"upload address", "https://elsewhere.example/upload/next", "not sent there"}
				if signIn {
					s.ScriptAuth(fault)
					words = []string{"sign-in address", "https://elsewhere.example/upload/next", "no sign-in details were sent there"}
				} else {
					s.Script(fault)
				}
				res, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
				e := asError(t, err)
				for _, w := range append(words, "does not follow", "check the source's address") {
					if !strings.Contains(e.Message, w) {
						t.Errorf("message %q lacks %q", e.Message, w)
					}
				}
				if e.Location != "https://elsewhere.example/upload/next" || e.Fix != client.FixSourceAddress || e.Status != status {
					t.Errorf("location %q fix %v status %d", e.Location, e.Fix, e.Status)
				}
				if text := e.Message + e.Detail(); strings.Contains(text, "QUERY-SECRET") || strings.Contains(text, "#part") {
					t.Errorf("the query or fragment of the redirect is shown: %q", text)
				}
				want := redoxtest.Stats{Authenticate: 1, UploadRequests: 1}
				if signIn {
					want.UploadRequests = 0
				}
				if st := s.Stats(); res.Attempts != 1 || st != want {
					t.Errorf("%d tries, stats %+v: want one try, %+v, not retried", res.Attempts, st, want)
				}
			})
		}
	}

	s := newStand(t, redoxtest.Config{})
	s.Script(redoxtest.Fault{Status: 307, Location: "/moved/here?x=1"})
	_, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	if e := asError(t, err); e.Location != s.URL+"/moved/here" {
		t.Errorf("a relative redirect is shown as %q, want %q", e.Location, s.URL+"/moved/here")
	}
}

// TestServerTooLargeNamesTheSourceLimit: Redox's 413 for a file within the source's own limit
// says both figures, precisely enough to tell them apart.
func TestServerTooLargeNamesTheSourceLimit(t *testing.T) {
	tests := []struct {
		name        string
		serverLimit int64
		clientLimit int64
		size        int
		words       []string
	}{
		{"figures apart", 1 << 20, 10 << 20, 3 << 20, []string{"(3 MB)", "allow files up to 10 MB"}},
		{"figures alike", 5 << 20, 10 << 20, 10<<20 - 1000, []string{"(10,484,760 bytes)", "allow files up to 10,485,760 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStand(t, redoxtest.Config{MaxUploadSize: tt.serverLimit})
			_, err := s.legacyClient(t, client.WithMaxSize(tt.clientLimit)).Upload(t.Context(), writeFile(t, "scan.tiff", tt.size), client.UploadOptions{})
			e := asError(t, err)
			if e.Kind != client.KindTooLarge || e.Status != 413 {
				t.Errorf("kind %v status %d", e.Kind, e.Status)
			}
			for _, w := range tt.words {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q lacks %q", e.Message, w)
				}
			}
		})
	}
}
