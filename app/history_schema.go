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

	// 4: a row enters the trigram index once, when it becomes final, instead of at every write
	// (queued, then uploading with its hash, then the outcome with its URI: the index was
	// rebuilt twice per file sent). It leaves the index, or is indexed again, only when a final
	// row is deleted or its name, URI or hash changes (an outcome saved late). Rows in flight
	// (queued, uploading) are few and found through uploads_status instead; see planQuery. The
	// in-flight rows are taken out of the index here, with the values migration 2's triggers
	// indexed them by (their current ones). The index then holds exactly the final rows: never
	// 'rebuild' it, which would index every row of uploads.
	`DROP TRIGGER uploads_fts_insert;
	DROP TRIGGER uploads_fts_delete;
	DROP TRIGGER uploads_fts_update;
	INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
		SELECT 'delete', id, name, uri, sha256 FROM uploads WHERE status IN ('queued', 'uploading');
	CREATE TRIGGER uploads_fts_insert AFTER INSERT ON uploads
		WHEN new.status NOT IN ('queued', 'uploading') BEGIN
		INSERT INTO uploads_fts (rowid, name, uri, sha256) VALUES (new.id, new.name, new.uri, new.sha256);
	END;
	CREATE TRIGGER uploads_fts_delete AFTER DELETE ON uploads
		WHEN old.status NOT IN ('queued', 'uploading') BEGIN
		INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
			VALUES ('delete', old.id, old.name, old.uri, old.sha256);
	END;
	CREATE TRIGGER uploads_fts_update AFTER UPDATE OF status, name, uri, sha256 ON uploads
		WHEN (old.status IN ('queued', 'uploading')) <> (new.status IN ('queued', 'uploading'))
			OR new.status NOT IN ('queued', 'uploading')
				AND (old.name <> new.name OR old.uri <> new.uri OR old.sha256 <> new.sha256) BEGIN
		INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
			SELECT 'delete', old.id, old.name, old.uri, old.sha256 WHERE old.status NOT IN ('queued', 'uploading');
		INSERT INTO uploads_fts (rowid, name, uri, sha256)
			SELECT new.id, new.name, new.uri, new.sha256 WHERE new.status NOT IN ('queued', 'uploading');
	END;`,

	// 5: a row that becomes final waits in uploads_unindexed, and enters the trigram index with
	// the others waiting, in one write (History.indexWaiting): when the queue has nothing left
	// to do, every few hundred outcomes, and when the history closes or opens. Indexing a row
	// at its outcome's commit wrote a new index segment at every commit, a fifth of the time a
	// batch spent on the journal. Search reads the waiting rows through uploads_unindexed, as
	// it reads the rows in flight; a row is never in both the index and uploads_unindexed. A
	// final row whose name, URI or hash changes (an outcome saved late) leaves the index and
	// waits again, with its new values; a row deleted leaves whichever holds it.
	`CREATE TABLE uploads_unindexed (id INTEGER PRIMARY KEY);
	DROP TRIGGER uploads_fts_insert;
	DROP TRIGGER uploads_fts_delete;
	DROP TRIGGER uploads_fts_update;
	CREATE TRIGGER uploads_fts_insert AFTER INSERT ON uploads
		WHEN new.status NOT IN ('queued', 'uploading') BEGIN
		INSERT INTO uploads_unindexed (id) VALUES (new.id);
	END;
	CREATE TRIGGER uploads_fts_delete AFTER DELETE ON uploads
		WHEN old.status NOT IN ('queued', 'uploading') BEGIN
		INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
			SELECT 'delete', old.id, old.name, old.uri, old.sha256
			WHERE NOT EXISTS (SELECT 1 FROM uploads_unindexed WHERE id = old.id);
		DELETE FROM uploads_unindexed WHERE id = old.id;
	END;
	CREATE TRIGGER uploads_fts_update AFTER UPDATE OF status, name, uri, sha256 ON uploads
		WHEN (old.status IN ('queued', 'uploading')) <> (new.status IN ('queued', 'uploading'))
			OR new.status NOT IN ('queued', 'uploading')
				AND (old.name <> new.name OR old.uri <> new.uri OR old.sha256 <> new.sha256) BEGIN
		INSERT INTO uploads_fts (uploads_fts, rowid, name, uri, sha256)
			SELECT 'delete', old.id, old.name, old.uri, old.sha256 WHERE old.status NOT IN ('queued', 'uploading')
				AND NOT EXISTS (SELECT 1 FROM uploads_unindexed WHERE id = old.id);
		DELETE FROM uploads_unindexed WHERE id = old.id;
		INSERT INTO uploads_unindexed (id) SELECT new.id WHERE new.status NOT IN ('queued', 'uploading');
	END;`,

	// 6: the size check. A file whose size no other row of its source has cannot be a duplicate,
	// so the queue sends it without hashing it first (sizeShared, claimUnhashed ask this index).
	`CREATE INDEX uploads_size_check ON uploads (source, size);`,

	// 7: files uploaded from a watched folder that could not be changed (read-only), which stay
	// there: the content (source, SHA-256, size) of each, so that it is never sent again, even
	// once the retention purge has deleted its upload's row (history_kept.go). No path or name:
	// uploads holds those. Purge never deletes from it. The size index lets the watcher hash a
	// file only when something of its source has its size.
	`CREATE TABLE kept_in_place (
		source TEXT    NOT NULL,
		sha256 TEXT    NOT NULL CHECK (length(sha256) = 64),
		size   INTEGER NOT NULL CHECK (size >= 0),
		PRIMARY KEY (source, sha256)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX kept_in_place_size ON kept_in_place (source, size);`,
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
