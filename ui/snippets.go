package ui

import (
	"bytes"
	"encoding/json"
	"mime"
	"path/filepath"
	"strings"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

// mediaSnippet is the part of a Redox Media message that carries an uploaded file (see the
// SPEC's "Using the URI in a message"): the URI goes in Media.FileContents.
func mediaSnippet(r app.Record) string {
	type media struct {
		FileType     string
		FileName     string
		FileContents string
	}
	return snippetJSON(struct{ Media media }{media{
		FileType:     fileType(r.Name, r.MIME),
		FileName:     r.Name, // the base name Redox received
		FileContents: r.URI,
	}})
}

// resultsSnippet is the part of a Redox Results message that carries an uploaded file: the URI
// is an Orders[].Results[] value of type "Encapsulated Data".
func resultsSnippet(r app.Record) string {
	type result struct {
		Value     string
		ValueType string
		FileType  string
	}
	type order struct{ Results []result }
	return snippetJSON(struct{ Orders []order }{[]order{{Results: []result{{
		Value:     r.URI,
		ValueType: "Encapsulated Data",
		FileType:  fileType(r.Name, r.MIME),
	}}}}})
}

// snippetJSON is v as indented JSON, ready to paste into a message. encoding/json escapes
// whatever a file name holds (quotes, backslashes, control characters), and visible.JSON the
// invisible and direction-changing characters, which still decode to the true name.
func snippetJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "&" and "<" are fine in a message; keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		// Only strings and structs of strings are encoded here; this cannot happen.
		panic("ui: encoding a snippet: " + err.Error())
	}
	return strings.TrimSuffix(string(visible.JSON(b.Bytes())), "\n")
}

// fileTypes are the upper-case Redox FileType of the extensions whose type is not simply the
// extension in capitals.
var fileTypes = map[string]string{"jpeg": "JPG", "jpe": "JPG", "tif": "TIFF", "htm": "HTML"}

// mimeFileTypes name the type of a file without a usable extension from its content type.
var mimeFileTypes = map[string]string{
	"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG", "image/tiff": "TIFF",
	"audio/wav": "WAV", "audio/x-wav": "WAV", "audio/wave": "WAV", "image/gif": "GIF", "image/bmp": "BMP",
	"audio/mpeg": "MP3", "video/mp4": "MP4", "text/plain": "TXT", "application/rtf": "RTF", "text/rtf": "RTF",
	"application/xml": "XML", "text/xml": "XML", "application/msword": "DOC",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
	"application/dicom": "DCM",
}

// fileType is the upper-case Redox FileType for a file: PDF, JPG, PNG, TIFF, WAV... from its
// extension, else from its content type, else "BIN".
func fileType(name, mimeType string) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))
	if ext != "" && isAlphanumeric(ext) {
		if t, ok := fileTypes[ext]; ok {
			return t
		}
		return strings.ToUpper(ext)
	}
	if mt, _, err := mime.ParseMediaType(mimeType); err == nil {
		if t, ok := mimeFileTypes[mt]; ok {
			return t
		}
	}
	return "BIN"
}

func isAlphanumeric(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
