package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrRecordNotFound is returned, wrapped, for an id that has no history row.
var ErrRecordNotFound = errors.New("no such upload in the history")

// Sentinels for the plain-words errors about the history file itself; match them with errors.Is.
var (
	ErrHistoryBusy    = errors.New("the upload history is busy")
	ErrHistoryDamaged = errors.New("the upload history file is damaged")
	ErrHistoryTooNew  = errors.New("the upload history is from a newer version of the app")
)

const (
	// historyBusyTimeout is how long a write waits for another connection or process to finish
	// its own before giving up with ErrHistoryBusy.
	historyBusyTimeout = 5 * time.Second
	// historyMaxConns bounds the connection pool; a CSV export streaming on one connection must
	// not hold up the journal on another.
	historyMaxConns = 8
	// historyCheckpointPages is the write-ahead log's size, in pages, that makes a write copy
	// it into the database; see historyDSN.
	historyCheckpointPages = 4096
)

// History is the upload journal: one SQLite row per upload, written before the work it
// announces, so that no upload is ever lost from it. It is safe for concurrent use, and a
// second process may open the same file at the same time.
type History struct {
	db           *sql.DB
	path         string
	lock         *instanceLock // nil when read-only
	shared       bool
	recovered    Recovery
	stmts        sync.Map       // query text → *sql.Stmt; see stmt
	writer       chan struct{}  // holds a token while one of this History's writes runs; see lockWrites
	group        writeGroup     // writes waiting to be committed together; see inWriteTx
	sinceIndexed atomic.Int32   // outcomes journaled since the waiting rows were last indexed; see outcomeJournaled
	checkpoints  logCheckpoints // whether the log is being copied into the database; see checkpointSoon
	readOnly     error          // nil, or why this History can only be read; see ReadOnly
	keepOpen     *sql.Conn      // holds an empty read-only history's in-memory database open

	owner      *owner          // this History in the rows it has in flight; nil when read-only
	unsaved    unsavedOutcomes // outcomes Finish could not write yet
	closing    chan struct{}   // closed by Close: background work stops
	outcomes   sync.Once       // the outcome statement prepared ahead; see prepareOutcomeSoon
	background sync.WaitGroup  // background work (retrying unsaved outcomes)
	closeOnce  sync.Once
	closeErr   error
	flushed    func() // tests: called after each Flush that flushed the log
}

// lockWrites waits until no other write of this History is running; unlockWrites ends this
// one. SQLite lets one connection write at a time. Without this, the queue's workers would
// each take a pooled connection, find the file locked and wait in SQLite's busy handler, which
// sleeps (1, 2, 5, 10 ms...) and takes the file locks again to retry, instead of queueing here
// and starting as soon as the write before them commits. Another process's writes are still
// waited for by the busy timeout. The journal's writes take it in inWriteTx, which commits
// those that wait together in one transaction.
//
// A read-only History refuses every write here, with the error ReadOnly returns.
func (h *History) lockWrites(ctx context.Context) error {
	if h.readOnly != nil {
		return h.readOnly
	}
	select {
	case h.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *History) unlockWrites() { <-h.writer }

// stmt returns query prepared once for this History. The journal runs the same few
// statements for every file; parsing them each time cost more than running them. A write
// prepares its statements before its transaction (inWriteTx) takes a connection: prepared
// inside, a new statement finds every connection busy and opens another, which reads the
// whole schema again, only to be prepared once more on the transaction's connection.
//
// A query is prepared by one caller at a time: another asking for it meanwhile (a worker
// starting beside others, an outcome prepared ahead of it by prepareOutcomeSoon) waits for
// that statement instead of preparing its own, on another connection if the first holds the
// only one.
func (h *History) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := h.stmts.Load(query); ok {
		if s, ok := s.(*sql.Stmt); ok {
			return s, nil
		}
	}
	for {
		v, found := h.stmts.LoadOrStore(query, &preparing{done: make(chan struct{})})
		switch v := v.(type) {
		case *sql.Stmt:
			return v, nil
		case *preparing:
			if !found { // this caller prepares it
				s, err := h.db.PrepareContext(ctx, query)
				if err != nil {
					h.stmts.Delete(query)
				} else {
					h.stmts.Store(query, s)
				}
				close(v.done)
				return s, err
			}
			select {
			case <-v.done: // prepared, or failed (then this caller tries)
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
}

// preparing stands in History.stmts for a query one caller is preparing; done is closed when
// the statement is stored, or the query removed because it failed.
type preparing struct{ done chan struct{} }

// exec runs a prepared statement that writes, in a transaction of the journal's (see
// inWriteTx), and returns its result once that transaction has committed. Its errors are
// worded by dbError(op, ...).
func (h *History) exec(ctx context.Context, op, query string, args ...any) (sql.Result, error) {
	s, err := h.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	var res sql.Result
	err = h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		res, err = tx.StmtContext(ctx, s).ExecContext(ctx, args...)
		return h.dbError(op, err)
	})
	return res, err
}

// queryRow runs a prepared query expected to return one row.
func (h *History) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := h.stmt(ctx, query)
	if err != nil {
		return h.db.QueryRowContext(ctx, query, args...) // reports the same error through Scan
	}
	return s.QueryRowContext(ctx, args...)
}

// OpenHistory opens the history database at path, creating it (folder 0700, file 0600) and
// bringing its schema up to date. An opener that finds no other History using the file is the
// primary: it marks rows a previous session left in flight as interrupted (were queued) or
// unknown (were uploading); see Recovered. An opener while another History (in any process)
// has the file open shares it and recovers only the rows of Histories it finds gone (see
// owner), so it never touches rows a live process is sending; see Shared. Any opener first
// writes the outcomes a History that is gone could not (see unsavedOutcomes).
//
// When the history cannot be written because the disk is full or the folder is read-only (or
// the app may not write there), OpenHistory opens it for reading only: Search, Get, Count and
// ExportCSV work, every write is refused in plain words, and ReadOnly says why. A folder that
// does not exist and cannot be created is an error.
//
// Errors about the file itself are in plain words and match ErrHistoryBusy (another instance
// holds it too long), ErrHistoryDamaged (not a SQLite database, or corrupt; the file is left as
// it is) or ErrHistoryTooNew (written by a newer version; left as it is).
func OpenHistory(path string) (*History, error) {
	if path == "" {
		return nil, errors.New("opening the upload history: no file name given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("opening the upload history %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if err := ensurePrivateDir(dir); err != nil {
		return nil, err
	}
	h, err := openWritable(abs)
	if err == nil {
		return h, nil
	}
	problem := writeProblemOf(dir, err)
	if problem == nil {
		return nil, err
	}
	return openReadOnly(abs, problem, err)
}

// openWritable opens the history for reading and writing, as OpenHistory.
func openWritable(path string) (*History, error) {
	lock, primary, err := lockInstance(path + ".lock")
	if err != nil {
		return nil, err
	}
	h, err := openLocked(path, lock, primary)
	if err != nil {
		return nil, errors.Join(err, lock.release())
	}
	return h, nil
}

// openLocked does the work of OpenHistory once the instance lock is held.
func openLocked(path string, lock *instanceLock, primary bool) (*History, error) {
	if err := createPrivateFile(path); err != nil {
		return nil, err
	}
	syncDataOnly()
	db, err := sql.Open("sqlite", historyDSN(path))
	if err != nil {
		return nil, fmt.Errorf("opening the upload history %s: %w", path, err)
	}
	db.SetMaxOpenConns(historyMaxConns)
	h := &History{db: db, path: path, lock: lock, shared: !primary, writer: make(chan struct{}, 1),
		closing: make(chan struct{})}
	// This History's owner files are made while SQLite opens the file and reads its schema (the
	// first statement's work, most of an opening): neither needs the other. The recovery that
	// follows needs both: it must know this History's own owner from those of Histories gone.
	owned := make(chan ownerOrError, 1)
	go func() {
		o, err := newOwner(path)
		owned <- ownerOrError{o, err}
	}()
	ctx := context.Background()
	err = h.prepareSchema(ctx)
	o := <-owned
	if err == nil && o.err != nil {
		err = folderError("opening the upload history", filepath.Dir(path), o.err)
	}
	if err != nil {
		if o.owner != nil {
			err = errors.Join(err, o.owner.close(false))
		}
		return nil, errors.Join(err, db.Close())
	}
	h.owner = o.owner
	if err := h.recoverAtOpen(ctx, primary); err != nil {
		return nil, errors.Join(err, h.owner.close(false), db.Close())
	}
	if primary {
		if err := lock.share(); err != nil {
			return nil, errors.Join(err, h.owner.close(false), db.Close())
		}
	}
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if err := restrictFile(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, errors.Join(err, h.owner.close(false), db.Close())
		}
	}
	return h, nil
}

// ownerOrError is what newOwner returned.
type ownerOrError struct {
	owner *owner
	err   error
}

// syncDataOnly makes SQLite flush its files to disk with fdatasync, as SQLite built from its
// own sources does on Linux, instead of fsync (the driver's default): both make the data and
// the file's size durable; fsync also forces the file's times through the file system's
// journal, which fdatasync skips when nothing else about the file changed (the database's
// pages overwritten by a checkpoint). Measured here the two cost about the same for the log,
// which grows at every flush. Where the system has no fdatasync this does nothing. The switch
// is process-wide.
var syncDataOnly = sync.OnceFunc(func() {
	sqlite.Fdatasync(true) //nolint:errcheck // ErrFdatasyncUnavailable: fsync stays, as before
})

// historyDSN is the driver's name for the database at path: a file: URI (so any character in
// the path is safe) with the settings every pooled connection needs.
func historyDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(historyBusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL: in WAL mode a committed row survives a crash of the app (the SIGKILL test) and the
	// file is never corrupted; only a power cut can lose the last moments of history. FULL would
	// flush to disk on every state change, two per file sent, which made a batch of 200 small
	// files spend longer journaling than uploading.
	q.Add("_pragma", "synchronous(NORMAL)")
	// The write-ahead log is copied into the database (a checkpoint: two flushes to disk, and
	// the write lock held meanwhile) once it holds this many pages, and when the last History
	// closes. SQLite's 1,000 made a batch of 200 files checkpoint three times on its way, each
	// time copying again the few pages every write changes (the table's, its indexes'); one
	// copy at the end writes each of them once. At most 16 MiB of log, removed at close.
	q.Add("_pragma", "wal_autocheckpoint("+strconv.Itoa(historyCheckpointPages)+")")
	q.Set("_txlock", "immediate") // transactions take the write lock up front: no upgrade deadlocks
	return fileURL(path, q)
}

// fileURL is the file: URI of the database at path with the query q.
func fileURL(path string, q url.Values) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}).String()
}

// prepareSchema checks the file is a history this version can read, switches it to WAL and
// migrates it.
func (h *History) prepareSchema(ctx context.Context) error {
	version, err := userVersion(ctx, h.db)
	if err != nil {
		return h.dbError("opening the upload history", err)
	}
	if err := h.checkVersion(version); err != nil {
		return err
	}
	var mode string
	if err := h.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return h.dbError("opening the upload history", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("opening the upload history %s: the file system does not support the write-ahead log (journal mode %q)", h.path, mode)
	}
	for version < len(historyMigrations) {
		if version, err = h.migrateOnce(ctx); err != nil {
			return err
		}
	}
	return nil
}

// recoverAtOpen recovers, once the schema is ready and h has its owner, the rows of Histories
// that are gone and, for the primary, every row still in flight.
func (h *History) recoverAtOpen(ctx context.Context, primary bool) error {
	var err error
	// Any opener recovers the rows of Histories that are gone (and journals what they could
	// not); the primary, alone, then recovers every row still in flight, including those of
	// versions that did not record owners.
	if h.recovered, err = h.reapDeadOwners(ctx); err != nil {
		return err
	}
	if primary {
		rec, err := h.recoverInFlight(ctx)
		if err != nil {
			return err
		}
		h.recovered.add(rec)
	}
	// Rows left waiting for the search index, by a History that ended without closing or
	// because they were few, and those just recovered. Not indexed now, they wait for the
	// next write of an outcome or the next History to open the file.
	h.indexIfMany(ctx) //nolint:errcheck // see above
	return nil
}

// Recovered reports how many rows OpenHistory recovered: those of Histories (in any process)
// found gone, and, for the primary, every other row left in flight.
func (h *History) Recovered() Recovery { return h.recovered }

// Shared reports whether another History (in this or another process) had the file open when
// this one opened it. A shared History works normally but did not recover anything.
func (h *History) Shared() bool { return h.shared }

// Path returns the absolute path of the database file.
func (h *History) Path() string { return h.path }

// Close writes the outcomes kept because they could not be written, if it now can, closes
// the database and releases its locks. Outcomes it still cannot write stay in the History's
// reserved file for the next opener, and the error (matching ErrNotSaved) lists them with
// their URIs. Closing again does nothing.
func (h *History) Close() error {
	h.closeOnce.Do(func() { h.closeErr = h.close() })
	return h.closeErr
}

func (h *History) close() error {
	h.stopCheckpoints() // before closeUnsaved waits for the background work
	notSaved := h.closeUnsaved(context.Background())
	// Not indexed now (or fewer than indexWaitingMin), the rows wait for the next History to
	// open the file; a search finds them all the same.
	h.indexIfMany(context.Background()) //nolint:errcheck // see above
	h.stmts.Range(func(_, s any) bool {
		if s, ok := s.(*sql.Stmt); ok {
			s.Close()
		}
		return true
	})
	var err error
	if h.keepOpen != nil {
		err = h.keepOpen.Close()
	}
	if cerr := h.db.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("closing the upload history: %w", cerr))
	}
	if h.owner != nil {
		err = errors.Join(err, h.owner.close(notSaved != nil))
	}
	if h.lock != nil {
		err = errors.Join(err, h.lock.release())
	}
	return errors.Join(notSaved, err)
}

// dir is the folder of the database file.
func (h *History) dir() string { return filepath.Dir(h.path) }

// ownerID is what this History writes in the owner column of the rows it has in flight.
func (h *History) ownerID() string {
	if h.owner == nil {
		return ""
	}
	return h.owner.id
}

// recordColumns are the uploads columns in Record field order, as scanRecord reads them;
// recordFields are those after the id.
const (
	recordColumns = "u.id, " + recordFields
	recordFields  = `u.profile, u.source, u.environment, u.sandbox, u.path, u.name, u.size,
	u.sha256, u.mime, u.status, u.uri, u.error_kind, u.error_message, u.error_detail, u.http_status,
	u.attempts, u.created, u.started, u.finished, u.resent_from, u.duplicate_of`
)

// Insert journals a new row and sets r.ID (and r.Created if zero); any status is allowed.
func (h *History) Insert(ctx context.Context, r *Record) error {
	return h.InsertBatch(ctx, []*Record{r})
}

// InsertBatch journals several new rows in one transaction, all or none, setting each ID: a
// thousand dropped files cost one flush to disk, not a thousand.
func (h *History) InsertBatch(ctx context.Context, recs []*Record) error {
	if len(recs) == 0 {
		return nil
	}
	op := fmt.Sprintf("recording %q in the upload history", recs[0].Name)
	if len(recs) > 1 {
		op = fmt.Sprintf("recording %d files in the upload history", len(recs))
	}
	for _, r := range recs {
		if !r.Status.Valid() {
			return fmt.Errorf("%s: unknown status %q", op, r.Status)
		}
	}
	ids, created := make([]int64, len(recs)), make([]time.Time, len(recs))
	err := h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO uploads (profile, source, environment, sandbox,
			path, name, size, sha256, mime, status, uri, error_kind, error_message, error_detail,
			http_status, attempts, created, started, finished, resent_from, duplicate_of, owner)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return h.dbError(op, err)
		}
		defer stmt.Close()
		for i, r := range recs {
			created[i] = r.Created
			if created[i].IsZero() {
				created[i] = time.Now()
			}
			owner := h.ownerID()
			if r.Status.Final() {
				owner = ""
			}
			res, err := stmt.ExecContext(ctx, r.Profile, r.Source, r.Environment, r.Sandbox, r.Path, r.Name, r.Size,
				r.SHA256, r.MIME, r.Status, r.URI, r.ErrorKind, r.ErrorMessage, r.ErrorDetail, r.HTTPStatus, r.Attempts,
				timeToDB(created[i]), timeToDB(r.Started), timeToDB(r.Finished), idToDB(r.ResentFrom), idToDB(r.DuplicateOf),
				owner)
			if err != nil {
				return h.dbError(op, err)
			}
			if ids[i], err = res.LastInsertId(); err != nil {
				return h.dbError(op, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range recs { // only once committed: a failed batch leaves the records as they were
		r.ID, r.Created = ids[i], created[i]
	}
	return nil
}

// isSHA256Hex reports whether s is a SHA-256 in lower-case hex: 64 of 0-9 and a-f.
func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkHash refuses a SHA-256 that is not lower-case hex and a negative size.
func checkHash(op, sha256 string, size int64) error {
	if !isSHA256Hex(sha256) {
		return fmt.Errorf("%s: %q is not a lower-case hex SHA-256", op, sha256)
	}
	if size < 0 {
		return fmt.Errorf("%s: negative size %d", op, size)
	}
	return nil
}

// checkChanged turns the result of an UPDATE of row id that must change exactly one row into
// an error: the update's own, ErrRecordNotFound, or the row's status not being one of want.
func (h *History) checkChanged(ctx context.Context, op string, id int64, res sql.Result, err error, want ...Status) error {
	if err != nil {
		return err // worded by exec
	}
	n, err := res.RowsAffected()
	if err != nil {
		return h.dbError(op, err)
	}
	if n == 1 {
		return nil
	}
	var status Status
	err = h.queryRow(ctx, "SELECT status FROM uploads WHERE id = ?", id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, ErrRecordNotFound)
	}
	if err != nil {
		return h.dbError(op, err)
	}
	return fmt.Errorf("%s: the upload is already %s, not %s", op, status, joinStatuses(want))
}

func joinStatuses(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " or ")
}

// Get returns row id, or an error wrapping ErrRecordNotFound.
func (h *History) Get(ctx context.Context, id int64) (Record, error) {
	op := fmt.Sprintf("reading upload %d from the history", id)
	r, err := scanRecord(h.queryRow(ctx, "SELECT "+recordColumns+" FROM uploads AS u WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, fmt.Errorf("%s: %w", op, ErrRecordNotFound)
	}
	if err != nil {
		return Record{}, h.dbError(op, err)
	}
	return r, nil
}

type rowScanner interface {
	Scan(dest ...any) error
}

// scanRecord reads one row selected with recordColumns.
func scanRecord(s rowScanner) (Record, error) {
	var (
		r                         Record
		created                   int64
		started, finished         sql.NullInt64
		resentFrom, duplicateOfID sql.NullInt64
	)
	err := s.Scan(&r.ID, &r.Profile, &r.Source, &r.Environment, &r.Sandbox, &r.Path, &r.Name, &r.Size,
		&r.SHA256, &r.MIME, &r.Status, &r.URI, &r.ErrorKind, &r.ErrorMessage, &r.ErrorDetail, &r.HTTPStatus,
		&r.Attempts, &created, &started, &finished, &resentFrom, &duplicateOfID)
	if err != nil {
		return Record{}, err
	}
	r.Created = time.Unix(0, created)
	r.Started = timeFromDB(started)
	r.Finished = timeFromDB(finished)
	r.ResentFrom = resentFrom.Int64
	r.DuplicateOf = duplicateOfID.Int64
	return r, nil
}

// The range of times Unix nanoseconds can hold (years 1678 to 2262).
var (
	minDBTime = time.Unix(0, -1<<63)
	maxDBTime = time.Unix(0, 1<<63-1)
)

// unixNanos returns t in Unix nanoseconds, clamped to what an int64 holds.
func unixNanos(t time.Time) int64 {
	switch {
	case t.Before(minDBTime):
		return -1 << 63
	case t.After(maxDBTime):
		return 1<<63 - 1
	}
	return t.UnixNano()
}

// timeToDB stores a zero time as NULL and any other as Unix nanoseconds.
func timeToDB(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return unixNanos(t)
}

func timeFromDB(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64)
}

// idToDB stores the id 0 (none) as NULL, as the foreign keys require.
func idToDB(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// historyError is a plain-words error about the history file: what happened and what to do.
// It matches its kinds (ErrHistoryBusy, ErrHistoryDamaged, ErrHistoryTooNew,
// ErrHistoryReadOnly, ErrDiskFull...) and its cause with errors.Is and errors.As; the cause
// (SQLite's error) is in Detail only, never in the message.
type historyError struct {
	kinds []error
	msg   string
	err   error // the SQLite or system error, for IT; may be nil
}

func (e *historyError) Error() string { return e.msg }

// Detail is the technical cause, for IT.
func (e *historyError) Detail() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *historyError) Unwrap() []error {
	if e.err == nil {
		return e.kinds
	}
	return append(e.kinds[:len(e.kinds):len(e.kinds)], e.err)
}

// dbError wraps an error from the database for op (a phrase like "reading upload 3"): a lock
// that outlived the busy timeout becomes ErrHistoryBusy, a damaged file ErrHistoryDamaged, and
// a full disk or a folder that cannot be written a *storageError (ErrDiskFull,
// ErrFolderReadOnly), all in plain words; anything else gets op as context. An error that is
// already in plain words, and nil, are returned as they are.
func (h *History) dbError(op string, err error) error {
	var plain interface{ Detail() string }
	if err == nil || errors.As(err, &plain) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		dir := filepath.Dir(h.path)
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &historyError{kinds: []error{ErrHistoryBusy}, err: err, msg: fmt.Sprintf("The upload history is busy "+
				"(%s): another Redox Uploader may be using it. Wait a moment and try again.", op)}
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return damagedHistoryError(h.path, err)
		case sqlite3.SQLITE_FULL:
			return &storageError{op: op, problem: diskFull(dir), err: err}
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
			// SQLite does not pass on the system's reason: a write of our own finds it.
			if p := probeFolder(dir); p != nil {
				return &storageError{op: op, problem: p, err: err}
			}
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func damagedHistoryError(path string, err error) error {
	return &historyError{kinds: []error{ErrHistoryDamaged}, err: err, msg: fmt.Sprintf("The upload history file %s is "+
		"damaged or is not a Redox Uploader history. Quit Redox Uploader, move the file aside (rename it; do not "+
		"delete it, IT may be able to recover it) and start the app again to begin a new history.", path)}
}

// createPrivateFile creates the database file with mode 0600 before SQLite does (SQLite gives
// its -wal and -shm files the same mode), or takes group and other access away from an
// existing one.
func createPrivateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return fmt.Errorf("creating the upload history %s: %w", path, err)
		}
		if runtime.GOOS != "windows" {
			if err := os.Chmod(path, 0o600); err != nil { // whatever the umask
				return fmt.Errorf("creating the upload history %s: %w", path, err)
			}
		}
		return nil
	case errors.Is(err, os.ErrExist):
		return restrictFile(path)
	default:
		return fmt.Errorf("creating the upload history %s: %w", path, err)
	}
}

// restrictFile takes group and other access away from path, if it has any.
func restrictFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("checking the upload history file %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("the upload history %s is a folder, not a file", path)
	}
	if runtime.GOOS == "windows" || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, fi.Mode().Perm()&^0o077); err != nil {
		return fmt.Errorf("making the upload history file %s private: %w", path, err)
	}
	return nil
}
