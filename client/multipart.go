package client

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"path/filepath"
	"strings"
	"unicode"
)

// PartFileName returns the file name as it goes into the multipart header: the base name of
// path, valid UTF-8, with every control character (CR and LF among them) removed. It is never
// empty. Quoting happens when the header is written.
func PartFileName(path string) string {
	name := filepath.Base(path)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || name == string(filepath.Separator) {
		return "file"
	}
	return name
}

// quoteParam escapes a header parameter value for a quoted-string: backslash and quote get a
// backslash. Callers pass names from PartFileName, which holds no control characters.
var quoteParam = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace

// clinicalTypes names the content types of the files clinical staff upload most, so the part
// header does not depend on the machine's MIME database.
var clinicalTypes = map[string]string{
	".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".gif": "image/gif", ".tif": "image/tiff", ".tiff": "image/tiff", ".bmp": "image/bmp",
	".wav": "audio/wav", ".mp3": "audio/mpeg", ".mp4": "video/mp4", ".txt": "text/plain",
	".rtf": "application/rtf", ".xml": "application/xml", ".json": "application/json",
	".csv": "text/csv", ".doc": "application/msword", ".dcm": "application/dicom",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// ContentTypeFor returns the MIME type for a file name's extension, or
// application/octet-stream when it is unknown.
func ContentTypeFor(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := clinicalTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// multipartFrame is everything of a one-file multipart/form-data body but the file: the bytes
// before it, the bytes after it, and the Content-Type header that names the boundary.
type multipartFrame struct {
	head, tail  []byte
	contentType string
}

func newMultipartFrame(name string) multipartFrame {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+quoteParam(name)+`"`)
	h.Set("Content-Type", ContentTypeFor(name))
	if _, err := w.CreatePart(h); err != nil {
		panic("multipart into a bytes.Buffer cannot fail: " + err.Error())
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	w.Close()
	return multipartFrame{head: head, tail: bytes.Clone(buf.Bytes()), contentType: w.FormDataContentType()}
}

// length is the exact body length for a file of size bytes.
func (f multipartFrame) length(size int64) int64 {
	return int64(len(f.head)) + size + int64(len(f.tail))
}

// body streams head, file, tail: nothing of the file is held in memory.
func (f multipartFrame) body(file io.Reader) io.Reader {
	return io.MultiReader(bytes.NewReader(f.head), file, bytes.NewReader(f.tail))
}
