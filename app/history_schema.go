package app

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// historyMigrations take the schema forward: entry i takes a database from user_version i to
// i+1, in one transaction that also sets user_version. Append only; never change a released one.
var historyMigrations = []string{
	// 1: the journal. Times are Unix nanoseconds; started and finished are NULL until set.
	`CREATE TABLE uploads (
		id            INTEGER PRIMARY KEY AUTOINCREMENT,
		profile       TEXT    NOT NULL DEFAULT '',
		source        TEXT    NOT NULL DEFAULT '',
		environment   TEXT    NOT NULL DEFAULT '',
		sandbox       INTEGER NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1)),
		path          TEXT    NOT NULL DEFAULT '',
		name          TEXT    NOT NULL DEFAULT '',
		size          INTEGER NOT NULL DEFAULT 0,
		sha256        TEXT    NOT NULL DEFAULT '',
		mime          TEXT    NOT NULL DEFAULT '',
		status        TEXT    NOT NULL CHECK (status IN ('queued', 'uploading', 'done', 'failed',
		                          'cancelled', 'duplicate', 'interrupted', 'unknown')),
		uri           TEXT    NOT NULL DEFAULT '',
		error_kind    TEXT    NOT NULL DEFAULT '',
		error_message TEXT    NOT NULL DEFAULT '',
		error_detail  TEXT    NOT NULL DEFAULT '',
		http_status   INTEGER NOT NULL DEFAULT 0,
		attempts      INTEGER NOT NULL DEFAULT 0,
		created       INTEGER NOT NULL,
		started       INTEGER,
		finished      INTEGER,
		resent_from   INTEGER REFERENCES uploads (id) ON DELETE SET NULL,
		duplicate_of  INTEGER REFERENCES uploads (id) ON DELETE SET NULL
	) STRICT;
	CREATE INDEX uploads_status ON uploads (status);
	CREATE INDEX uploads_profile ON uploads (profile);
	CREATE INDEX uploads_created ON uploads (created);
	CREATE INDEX uploads_duplicate_check ON uploads (source, sha256, status);
	CREATE INDEX uploads_resent_from ON uploads (resent_from) WHERE resent_from IS NOT NULL;
	CREATE INDEX uploads_duplicate_of ON uploads (duplicate_of) WHERE duplicate_of IS NOT NULL;`,

	// 2: substring search. A trigram FTS5 index over name, URI and hash, kept in step with
	// uploads by triggers, and filled from the rows already there.
	`CREATE VIRTUAL TABLE uploads_fts USING fts5 (name, uri, sha256,
		content = 'uploads', content_rowid = 'id', tokenize = 'trigram');
	INSERT INTO uploads_fts (uploads_fts) VALUES ('rebuild');
	CREATE TRIGGER uploads_fts_insert AFTER INSERT ON uploads BEGIN
		INSERT INTO uploads_fts (rowid, name, uri, sha256) VALUES (new.id, new.name, new.uri, new.sha256);
	END;
	CREATE TRIGGER uploads_fts_delete AFTER DELETE ON uploads BEGIN
		INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
			VALUES ('delete', old.id, old.name, old.uri, old.sha256);
	END;
	CREATE TRIGGER uploads_fts_update AFTER UPDATE OF name, uri, sha256 ON uploads BEGIN
		INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
			VALUES ('delete', old.id, old.name, old.uri, old.sha256);
		INSERT INTO uploads_fts (rowid, name, uri, sha256) VALUES (new.id, new.name, new.uri, new.sha256);
	END;`,

	// 3: owners. The History (one open instance, in any process) that queued a row and will
	// send it, set while the row is queued or uploading, '' once it is final: another process
	// can then tell a row whose sender has ended from one still being sent (history_owner.go).
	`ALTER TABLE uploads ADD COLUMN owner TEXT NOT NULL DEFAULT '';
	CREATE INDEX uploads_owner ON uploads (owner) WHERE owner <> '';`,

	// 4: the size check. A file whose size no other row of its source has cannot be a duplicate,
	// so the queue sends it without hashing it first (sizeShared, claimUnhashed ask this index).
	`CREATE INDEX uploads_size_check ON uploads (source, size);`,
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// userVersion reads the schema version, PRAGMA user_version.
func userVersion(ctx context.Context, q queryRower) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// checkVersion refuses a schema newer than this version knows, leaving the file untouched.
func (h *History) checkVersion(version int) error {
	if version <= len(historyMigrations) {
		return nil
	}
	return &historyError{kinds: []error{ErrHistoryTooNew}, msg: fmt.Sprintf("The upload history %s was written by a newer "+
		"version of Redox Uploader (history format %d; this version reads up to %d). Install the newer version, "+
		"or move the file aside to start a new history.", h.path, version, len(historyMigrations))}
}

// migrateOnce applies the next migration in a transaction that also sets user_version, and
// returns the new version. Another process may have migrated first; then it does nothing.
func (h *History) migrateOnce(ctx context.Context) (int, error) {
	const op = "updating the upload history to this version"
	var version int
	err := h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		if version, err = userVersion(ctx, tx); err != nil {
			return h.dbError(op, err)
		}
		if err := h.checkVersion(version); err != nil {
			return err
		}
		if version == len(historyMigrations) {
			return nil // another process got here first
		}
		if _, err := tx.ExecContext(ctx, historyMigrations[version]); err != nil {
			return h.dbError(fmt.Sprintf("%s (step %d)", op, version+1), err)
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version+1)); err != nil {
			return h.dbError(op, err)
		}
		version++
		return nil
	})
	return version, err
}
