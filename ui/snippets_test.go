package ui

import (
	"encoding/json"
	"testing"

	"redoxuploader/app"
)

func TestFileType(t *testing.T) {
	tests := []struct{ name, mime, want string }{
		{"report.pdf", "application/pdf", "PDF"},
		{"REPORT.PDF", "", "PDF"},
		{"photo.jpg", "", "JPG"},
		{"photo.JPEG", "", "JPG"},
		{"wound.png", "", "PNG"},
		{"scan.tif", "", "TIFF"},
		{"scan.tiff", "", "TIFF"},
		{"dictation.wav", "", "WAV"},
		{"anim.gif", "", "GIF"},
		{"old.bmp", "", "BMP"},
		{"voice.mp3", "", "MP3"},
		{"echo.mp4", "", "MP4"},
		{"note.txt", "", "TXT"},
		{"letter.rtf", "", "RTF"},
		{"ccd.xml", "", "XML"},
		{"form.doc", "", "DOC"},
		{"form.docx", "", "DOCX"},
		{"image.dcm", "", "DCM"},
		{"archive.tar.gz", "", "GZ"},
		{"data.hl7", "", "HL7"},
		{"no-extension", "application/pdf", "PDF"},
		{"no-extension", "image/jpeg; charset=binary", "JPG"},
		{"no-extension", "", "BIN"},
		{"trailing-dot.", "", "BIN"},
		{"odd.p d f", "", "BIN"},
		{"folder.d/file", "", "BIN"},
	}
	for _, tt := range tests {
		if got := fileType(tt.name, tt.mime); got != tt.want {
			t.Errorf("fileType(%q, %q) = %q, want %q", tt.name, tt.mime, got, tt.want)
		}
	}
}

func TestMediaSnippet(t *testing.T) {
	tests := []struct {
		rec                app.Record
		wantName, wantType string
	}{
		{app.Record{Name: "discharge.pdf", URI: "https://blob.redoxengine.com/abc"}, "discharge.pdf", "PDF"},
		{app.Record{Name: `say "hi"\ & <b>.jpeg`, URI: "https://blob.redoxengine.com/q"}, `say "hi"\ & <b>.jpeg`, "JPG"},
		{app.Record{Name: "line\nbreak.wav", URI: "https://blob.redoxengine.com/w"}, "line\nbreak.wav", "WAV"},
	}
	for _, tt := range tests {
		var got struct {
			Media struct{ FileType, FileName, FileContents string }
		}
		s := mediaSnippet(tt.rec)
		if err := json.Unmarshal([]byte(s), &got); err != nil {
			t.Fatalf("mediaSnippet(%q) is not JSON: %v\n%s", tt.rec.Name, err, s)
		}
		if got.Media.FileContents != tt.rec.URI || got.Media.FileName != tt.wantName || got.Media.FileType != tt.wantType {
			t.Errorf("mediaSnippet(%q) = %+v", tt.rec.Name, got.Media)
		}
	}
	want := "{\n  \"Media\": {\n    \"FileType\": \"PDF\",\n    \"FileName\": \"a.pdf\",\n    \"FileContents\": \"https://blob.redoxengine.com/x\"\n  }\n}"
	if got := mediaSnippet(app.Record{Name: "a.pdf", URI: "https://blob.redoxengine.com/x"}); got != want {
		t.Errorf("mediaSnippet layout:\n%s\nwant:\n%s", got, want)
	}
}

func TestResultsSnippet(t *testing.T) {
	rec := app.Record{Name: "ecg.tif", URI: "https://blob.redoxengine.com/ecg", MIME: "image/tiff"}
	var got struct {
		Orders []struct {
			Results []struct{ Value, ValueType, FileType string }
		}
	}
	if err := json.Unmarshal([]byte(resultsSnippet(rec)), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Orders) != 1 || len(got.Orders[0].Results) != 1 {
		t.Fatalf("want one order with one result, got %+v", got)
	}
	r := got.Orders[0].Results[0]
	if r.Value != rec.URI || r.ValueType != "Encapsulated Data" || r.FileType != "TIFF" {
		t.Errorf("result = %+v", r)
	}
}
