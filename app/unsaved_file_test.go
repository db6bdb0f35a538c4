package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnsavedFile: the reserved file reads back the last outcomes written, whole; a write cut
// short leaves the one before readable; more outcomes than fit keep those with a URI; the file
// never grows past the space reserved.
func TestUnsavedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db.owner-x.unsaved")
	u, err := createUnsavedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer u.close(false)
	finished := time.Unix(0, 1700000000123456789)
	first := []Record{{ID: 1, Status: StatusDone, URI: "https://blob.redoxengine.com/1", SHA256: strings.Repeat("a", 64),
		Attempts: 1, HTTPStatus: 201, Finished: finished}}
	second := append(first, Record{ID: 2, Status: StatusFailed, ErrorKind: "network", ErrorMessage: "No.", Finished: finished})

	for _, step := range []struct {
		name  string
		write []Record
		tear  bool // cut the write short, as a crash would
		want  []int64
	}{
		{"empty file", nil, false, nil},
		{"one outcome", first, false, []int64{1}},
		{"two outcomes", second, false, []int64{1, 2}},
		{"a torn write keeps the previous one", first, true, []int64{1, 2}},
		{"nothing left", []Record{}, false, nil},
	} {
		if step.write != nil {
			if err := u.write(step.write); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if step.tear { // spoil the slot just written: its checksum no longer matches
				if _, err := u.f.WriteAt([]byte("torn"), int64(u.seq%2)*unsavedSlotSize+int64(unsavedHeader)+2); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := readUnsavedFile(path)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(step.want) {
			t.Errorf("%s: read rows %v, want %v", step.name, ids, step.want)
		}
		if len(got) > 0 && (got[0].URI != first[0].URI || !got[0].Finished.Equal(finished) || got[0].SHA256 != first[0].SHA256) {
			t.Errorf("%s: read %+v, want %+v", step.name, got[0], first[0])
		}
	}

	var many []Record
	for i := range 200 {
		r := Record{ID: int64(i + 1), Status: StatusFailed, ErrorMessage: strings.Repeat("x", 300)}
		if i%50 == 7 {
			r.Status, r.URI = StatusDone, fmt.Sprintf("https://blob.redoxengine.com/%d", i+1)
		}
		many = append(many, r)
	}
	if err := u.write(many); err == nil || !strings.Contains(err.Error(), "no room") {
		t.Errorf("writing %d outcomes: %v; want an error saying some did not fit", len(many), err)
	}
	got, err := readUnsavedFile(path)
	if err != nil || len(got) < 4 || got[0].URI == "" || got[3].URI == "" {
		t.Errorf("after an overflow: %d outcomes, %v; want those with a URI first", len(got), err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 2*unsavedSlotSize {
		t.Errorf("the file is %v bytes (%v); want the %d reserved", fi.Size(), err, 2*unsavedSlotSize)
	}
}
