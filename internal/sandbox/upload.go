package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"time"
)

// MultipartSlack is how far Content-Length may exceed the upload limit (for the multipart
// framing) before the request is refused unread.
const MultipartSlack = 64 << 10

// Upload is a file the handler accepted.
type Upload struct {
	Source               string               // the source whose token uploaded it
	FileName             string               // the filename parameter exactly as sent
	ContentType          string               // the part's Content-Type
	Size                 int64                // bytes in the part
	SHA256               string               // lower-case hex
	PartHeader           textproto.MIMEHeader // the part's headers as received
	RequestContentLength int64                // r.ContentLength
	TransferEncoding     []string             // r.TransferEncoding
	URI                  string               // the URI returned
	Received             time.Time            // when the upload completed
}

// errTooLarge reports a file part over the upload limit.
var errTooLarge = errors.New("file over the upload limit")

// serveUpload answers POST /upload, streaming the "file" part through
// SHA-256 without holding it in memory.
func (h *Handler) serveUpload(w http.ResponseWriter, r *http.Request) {
	if h.arrived(w, r, &h.stats.UploadRequests) {
		return
	}
	source, ok := h.bearerSource(r)
	if !ok {
		invalidRequest(w, http.StatusUnauthorized)
		return
	}
	if r.ContentLength > h.cfg.MaxUploadSize+MultipartSlack {
		tooLarge(w)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeText(w, http.StatusBadRequest, "Invalid request: body must be multipart/form-data")
		return
	}
	u, err := h.readFilePart(mr)
	switch {
	case errors.Is(err, errTooLarge):
		tooLarge(w)
		return
	case err != nil:
		writeText(w, http.StatusBadRequest, "Invalid request: "+err.Error())
		return
	}
	u.Source = source
	u.RequestContentLength = r.ContentLength
	u.TransferEncoding = slices.Clone(r.TransferEncoding)
	u.URI = h.uriBase(r) + randomID()
	u.Received = h.now()

	h.mu.Lock()
	h.uploads = append(h.uploads, u)
	h.stats.Uploaded++
	h.mu.Unlock()
	writeJSON(w, http.StatusCreated, struct {
		URI string `json:"URI"`
	}{u.URI})
}

// readFilePart hashes the first part named "file" and checks that the rest
// of the multipart body is well formed.
func (h *Handler) readFilePart(mr *multipart.Reader) (Upload, error) {
	var u Upload
	found := false
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Upload{}, err
		}
		if found || part.FormName() != "file" {
			continue // NextRawPart skips the rest of this part
		}
		found = true
		u, err = h.hashPart(part)
		if err != nil {
			return Upload{}, err
		}
	}
	if !found {
		return Upload{}, errors.New(`no form field named "file"`)
	}
	return u, nil
}

// hashPart streams one part through SHA-256, refusing more than the limit.
func (h *Handler) hashPart(part *multipart.Part) (Upload, error) {
	sum := sha256.New()
	n, err := io.Copy(sum, io.LimitReader(part, h.cfg.MaxUploadSize+1))
	if err != nil {
		return Upload{}, err
	}
	if n > h.cfg.MaxUploadSize {
		return Upload{}, errTooLarge
	}
	_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	return Upload{
		FileName:    params["filename"],
		ContentType: part.Header.Get("Content-Type"),
		Size:        n,
		SHA256:      hex.EncodeToString(sum.Sum(nil)),
		PartHeader:  cloneHeader(part.Header),
	}, nil
}

// uriBase is Config.URIBase, or the server's own /blob/ URL.
func (h *Handler) uriBase(r *http.Request) string {
	if h.cfg.URIBase != "" {
		return h.cfg.URIBase
	}
	return schemeOf(r) + "://" + r.Host + "/blob/"
}

// tooLarge replies 413 and closes the connection.
func tooLarge(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	writeText(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
}

// cloneHeader deep-copies a MIME header.
func cloneHeader(h textproto.MIMEHeader) textproto.MIMEHeader {
	if h == nil {
		return nil
	}
	return textproto.MIMEHeader(http.Header(h).Clone())
}
