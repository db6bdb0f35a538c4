package app

import "context"

// Files uploaded from a read-only watched folder stay where they are, and the watcher must
// know at every start that they were sent. The done rows say so only until the retention purge
// deletes them; kept_in_place (migration 7) says so for good, by content: source, SHA-256 and
// size, never a path or a name.

// keepInPlaceQuery records one file's content as uploaded and left in place.
const keepInPlaceQuery = `INSERT INTO kept_in_place (source, sha256, size) VALUES (?, ?, ?)
	ON CONFLICT (source, sha256) DO NOTHING`

// KeepInPlace records that the file with this SHA-256 and size, uploaded to source, stays in a
// read-only watched folder, so that it is never sent again. Recording it twice is harmless.
func (h *History) KeepInPlace(ctx context.Context, source, sha256 string, size int64) error {
	const op = "recording a file left in a read-only folder"
	if err := checkHash(op, sha256, size); err != nil {
		return err
	}
	_, err := h.exec(ctx, op, keepInPlaceQuery, source, sha256, size)
	return err
}

// keptInPlaceQuery finds a file's content among those left in place.
const keptInPlaceQuery = `SELECT EXISTS (SELECT 1 FROM kept_in_place WHERE source = ? AND sha256 = ?)`

// KeptInPlace reports whether KeepInPlace recorded the file with this SHA-256 for source.
func (h *History) KeptInPlace(ctx context.Context, source, sha256 string) (bool, error) {
	var kept bool
	if err := h.queryRow(ctx, keptInPlaceQuery, source, sha256).Scan(&kept); err != nil {
		return false, h.dbError("looking for a file left in a read-only folder", err)
	}
	return kept, nil
}

// sentSizeQuery finds a done row, or a file left in place, of the source (?1) with the size
// (?2); it runs on the indexes uploads_size_check and kept_in_place_size.
const sentSizeQuery = `SELECT EXISTS (SELECT 1 FROM uploads WHERE source = ?1 AND size = ?2 AND status = 'done')
	OR EXISTS (SELECT 1 FROM kept_in_place WHERE source = ?1 AND size = ?2)`

// MaybeSent reports whether a file of size bytes could have been uploaded to source already:
// a done row, or a file left in place, has that size. Only then can LatestDone or KeptInPlace
// find its content, so only then is it worth hashing.
func (h *History) MaybeSent(ctx context.Context, source string, size int64) (bool, error) {
	var maybe bool
	if err := h.queryRow(ctx, sentSizeQuery, source, size).Scan(&maybe); err != nil {
		return false, h.dbError("looking for earlier uploads of the same size", err)
	}
	return maybe, nil
}
