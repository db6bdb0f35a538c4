//go:build linux && cgo

package clipfiles

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startXvfb starts an X server of the test's own and returns its display name; it ends with
// the test. The display number is picked at random above those other X servers take: an Xvfb
// that looks for a free number itself (-displayfd alone, xvfb-run -a) tries each from 0 (or 99)
// up and, in trying, can take over the socket of a server already there (seen: "Can't open
// display :0" in the middle of a test, while other tests started X servers).
func startXvfb(t *testing.T) string {
	t.Helper()
	for range 20 {
		if display, ok := tryXvfb(t, 1000+rand.IntN(30000)); ok {
			return display
		}
	}
	t.Fatal("Xvfb did not start on any of 20 display numbers (scripts/deps.sh installs it)")
	return ""
}

// tryXvfb starts Xvfb on display n and waits until it is ready (it writes the number on a pipe
// then); false if it could not start there (another server has that number).
func tryXvfb(t *testing.T, n int) (string, bool) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	display := fmt.Sprintf(":%d", n)
	cmd := exec.Command("Xvfb", display, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "320x240x24")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb (scripts/deps.sh installs it): %v", err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil || strings.TrimSpace(line) != strconv.Itoa(n) {
		cmd.Process.Kill()
		cmd.Wait()
		return "", false
	}
	t.Cleanup(func() { stop(cmd) })
	return display, true
}

// stop ends an X server as its user would (SIGTERM: it removes its socket and lock file, which
// SIGKILL would leave behind), killing it if it has not ended in 5 s.
func stop(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	ended := make(chan struct{})
	go func() { cmd.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-ended
	}
}

// own puts data on display's clipboard as target with xclip, a real clipboard owner, and
// returns once xclip holds the clipboard; xclip ends with the test.
func own(t *testing.T, display, target string, data []byte) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-t", target, "-i")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting xclip (scripts/deps.sh installs it): %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	var said []string
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Waiting for selection requests") {
			go io.Copy(io.Discard, out)
			awaitOwner(t, display)
			return cmd
		}
		said = append(said, sc.Text())
	}
	t.Fatalf("xclip ended without taking the clipboard (%v, %v); it said: %q", sc.Err(), cmd.Wait(), said)
	return nil
}

// awaitOwner waits until the clipboard of display answers with something: xclip says it waits
// for requests before the X server has seen it take the clipboard, and no event tells when
// the server has.
func awaitOwner(t *testing.T, display string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := Read(context.Background(), Options{Display: display, Timeout: time.Second}); err == nil && !c.Empty() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("xclip did not take the clipboard within 10 s")
}

// noisePNG is a PNG of w×h random pixels, which do not compress: large enough, it comes
// through the clipboard in INCR chunks.
func noisePNG(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.UintN(256))
	}
	img.Set(0, 0, color.NRGBA{1, 2, 3, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadX11Clipboard(t *testing.T) {
	display := startXvfb(t)
	opts := Options{Display: display, Timeout: 5 * time.Second}
	bigPNG := noisePNG(t, 800, 600) // about 1.4 MB: more than one X request, so INCR
	tests := []struct {
		name   string
		target string
		data   []byte
		want   Content
	}{
		{"files as text/uri-list", "text/uri-list",
			[]byte("# two files\r\nfile:///tmp/Scan%2012%20March.pdf\r\nfile:///tmp/%C3%89cho%20100%25.pdf\r\nhttps://example.org/x.pdf\r\n"),
			Content{Files: []string{"/tmp/Scan 12 March.pdf", "/tmp/Écho 100%.pdf"}, Refused: []string{"https://example.org/x.pdf"}}},
		{"files as gnome-copied-files", "x-special/gnome-copied-files",
			[]byte("copy\nfile:///home/n/a%20b.pdf"), Content{Files: []string{"/home/n/a b.pdf"}}},
		{"a small PNG", "image/png", noisePNG(t, 8, 8), Content{ImageType: "image/png"}},
		{"a large PNG, in INCR chunks", "image/png", bigPNG, Content{ImageType: "image/png"}},
		{"text only", "UTF8_STRING", []byte("MRN 12345"), Content{Text: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own(t, display, tt.target, tt.data)
			got, err := Read(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.ImageType != "" {
				tt.want.Image = tt.data
			}
			if !slices.Equal(got.Files, tt.want.Files) || !slices.Equal(got.Refused, tt.want.Refused) ||
				!bytes.Equal(got.Image, tt.want.Image) || got.ImageType != tt.want.ImageType || got.Text != tt.want.Text {
				t.Errorf("Read = files %q refused %q, %d image bytes (%s), text %v;\nwant files %q refused %q, %d image bytes (%s), text %v",
					got.Files, got.Refused, len(got.Image), got.ImageType, got.Text,
					tt.want.Files, tt.want.Refused, len(tt.want.Image), tt.want.ImageType, tt.want.Text)
			}
		})
	}
}

func TestReadX11ClipboardEmpty(t *testing.T) {
	got, err := Read(context.Background(), Options{Display: startXvfb(t), Timeout: 5 * time.Second})
	if err != nil || !got.Empty() {
		t.Errorf("Read of an empty clipboard = %+v, %v; want nothing and no error", got, err)
	}
}

// An owner that holds the clipboard but never answers (stopped) ends the read with
// ErrTimeout after opts.Timeout, not never.
func TestReadX11ClipboardOwnerHangs(t *testing.T) {
	display := startXvfb(t)
	owner := own(t, display, "text/uri-list", []byte("file:///a.pdf"))
	if err := owner.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	_, err := Read(context.Background(), Options{Display: display, Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("Read with a stopped owner: %v; want ErrTimeout", err)
	}
}

// Too large an item is refused, not read into memory whole.
func TestReadX11ClipboardTooLarge(t *testing.T) {
	display := startXvfb(t)
	own(t, display, "image/png", noisePNG(t, 800, 600))
	_, err := Read(context.Background(), Options{Display: display, Timeout: 5 * time.Second, MaxBytes: 1 << 20})
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("Read of a 1.4 MB image with a 1 MiB limit: %v; want too large", err)
	}
}
