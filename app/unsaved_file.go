package app

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// unsavedFile keeps the outcomes a History could not journal where they outlive the process,
// even on a full disk: its space is reserved (written) when the History opens, and later
// writes go over it in place, which needs no new space on the usual file systems (ext4, XFS,
// NTFS, APFS, tmpfs; not on copy-on-write ones such as Btrfs or ZFS, where it is best effort).
//
// The file holds two slots; each write goes to the slot not written last, with a sequence
// number and a checksum, so a write cut short by a crash leaves the previous one readable.
// A slot: magic, sequence (uint64), length (uint32), SHA-256 of the payload, then the payload,
// a JSON array of the outcomes (the Record fields Finish writes).
type unsavedFile struct {
	f    *os.File
	path string
	seq  uint64
}

const (
	unsavedSlotSize = 32 << 10
	unsavedMagic    = "RXUNSAV1"
	unsavedHeader   = len(unsavedMagic) + 8 + 4 + sha256.Size
)

// unsavedOutcome is one outcome as the file keeps it.
type unsavedOutcome struct {
	ID           int64  `json:"id"`
	Status       Status `json:"status"`
	URI          string `json:"uri,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
	ErrorKind    string `json:"error_kind,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
	ErrorDetail  string `json:"error_detail,omitempty"`
	HTTPStatus   int    `json:"http_status,omitempty"`
	Attempts     int    `json:"attempts,omitempty"`
	Finished     int64  `json:"finished"` // Unix nanoseconds
	DuplicateOf  int64  `json:"duplicate_of,omitempty"`
}

// maxKeptDetail bounds the detail kept per outcome, so that a slot holds dozens of them.
const maxKeptDetail = 400

func newUnsavedOutcome(r Record) unsavedOutcome {
	detail := r.ErrorDetail
	if len(detail) > maxKeptDetail {
		detail = detail[:maxKeptDetail] + "…"
	}
	return unsavedOutcome{ID: r.ID, Status: r.Status, URI: r.URI, SHA256: r.SHA256, ErrorKind: r.ErrorKind,
		ErrorMessage: r.ErrorMessage, ErrorDetail: detail, HTTPStatus: r.HTTPStatus, Attempts: r.Attempts,
		Finished: unixNanos(r.Finished), DuplicateOf: r.DuplicateOf}
}

func (o unsavedOutcome) record() Record {
	return Record{ID: o.ID, Status: o.Status, URI: o.URI, SHA256: o.SHA256, ErrorKind: o.ErrorKind,
		ErrorMessage: o.ErrorMessage, ErrorDetail: o.ErrorDetail, HTTPStatus: o.HTTPStatus, Attempts: o.Attempts,
		Finished: time.Unix(0, o.Finished), DuplicateOf: o.DuplicateOf}
}

// createUnsavedFile creates the file at path (0600) with its space written.
func createUnsavedFile(path string) (*unsavedFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(make([]byte, 2*unsavedSlotSize)); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return &unsavedFile{f: f, path: path}, nil
}

// write replaces what the file keeps with recs and flushes it to disk. Outcomes with a URI go
// first; if they do not all fit, the last are left out and the error says how many.
func (u *unsavedFile) write(recs []Record) error {
	recs = slices.Clone(recs)
	slices.SortStableFunc(recs, func(a, b Record) int { // with a URI first, then by id
		if (a.URI == "") != (b.URI == "") {
			if a.URI != "" {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	outcomes := make([]unsavedOutcome, len(recs))
	for i, r := range recs {
		outcomes[i] = newUnsavedOutcome(r)
	}
	var payload []byte
	kept := len(outcomes)
	for ; ; kept-- {
		var err error
		if payload, err = json.Marshal(outcomes[:kept]); err != nil {
			return err
		}
		if unsavedHeader+len(payload) <= unsavedSlotSize {
			break
		}
	}
	u.seq++
	slot := make([]byte, unsavedSlotSize)
	copy(slot, unsavedMagic)
	binary.BigEndian.PutUint64(slot[8:], u.seq)
	binary.BigEndian.PutUint32(slot[16:], uint32(len(payload)))
	sum := sha256.Sum256(payload)
	copy(slot[20:], sum[:])
	copy(slot[unsavedHeader:], payload)
	if _, err := u.f.WriteAt(slot, int64(u.seq%2)*unsavedSlotSize); err != nil {
		return fmt.Errorf("writing %s: %w", u.path, err)
	}
	if err := u.f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", u.path, err)
	}
	if kept < len(outcomes) {
		return fmt.Errorf("%s holds %d of %d unsaved outcomes: no room for the rest", u.path, kept, len(outcomes))
	}
	return nil
}

// close closes the file, and removes it with remove.
func (u *unsavedFile) close(remove bool) error {
	err := u.f.Close()
	if remove {
		err = errors.Join(err, os.Remove(u.path))
	}
	return err
}

// readUnsavedFile returns the outcomes kept in the file at path: those of the newest slot that
// is whole.
func readUnsavedFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 2*unsavedSlotSize))
	if err != nil {
		return nil, err
	}
	var best []byte
	var bestSeq uint64
	for off := 0; off+unsavedHeader <= len(data); off += unsavedSlotSize {
		slot := data[off:min(off+unsavedSlotSize, len(data))]
		if !bytes.HasPrefix(slot, []byte(unsavedMagic)) {
			continue
		}
		seq := binary.BigEndian.Uint64(slot[8:])
		n := int(binary.BigEndian.Uint32(slot[16:]))
		if unsavedHeader+n > len(slot) {
			continue
		}
		payload := slot[unsavedHeader : unsavedHeader+n]
		if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], slot[20:20+sha256.Size]) || (best != nil && seq <= bestSeq) {
			continue
		}
		best, bestSeq = payload, seq
	}
	if best == nil {
		return nil, nil
	}
	var outcomes []unsavedOutcome
	if err := json.Unmarshal(best, &outcomes); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	recs := make([]Record, len(outcomes))
	for i, o := range outcomes {
		recs[i] = o.record()
	}
	return recs, nil
}
