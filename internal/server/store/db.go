// Package store is the reference server's persistence and the only place
// that holds SQL: one schema and one text per statement for two dialects
// (SQLite and PostgreSQL), embedded migrations, the transaction type every
// statement runs in (Tx, whose comment says how each dialect locks), and one
// file of methods per table or aggregate (customers, invoices, payments,
// ledger, vouchers, idempotency, events, audit, sessions, callbacks).
//
// The package links no database driver: sqlitestore and pgstore open the
// pools and hand them over, so that a binary that never speaks PostgreSQL
// (the desktop app's embedded demo) does not carry pgx.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Dialect names the SQL database behind a DB.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the server's database handle.
type DB struct {
	dialect Dialect
	// SQLite: the write pool (two connections, see the writer in
	// groupcommit.go) and a separate pool for read-only snapshots: in WAL
	// mode readers never wait for the writer, but only if they do not
	// start with BEGIN IMMEDIATE as the write pool's transactions do.
	sql  *sql.DB
	read *sql.DB
	// PostgreSQL: the driver's pool.
	pool Pool
	// SQLite writes go through one writer goroutine (groupcommit.go):
	// SQLite allows one writer at a time anyway, and batching commits is
	// what makes it fast. Waiting on a channel is also fair, whereas
	// SQLite's busy handler sleeps and wrecks tail latency.
	writes     chan *writeReq
	writerDone chan struct{}
	// checkpointed closes when the checkpointer has ended, which Close
	// waits for: a checkpoint still running after Close would hold a
	// connection, and SQLite's WAL and shared-memory files with it.
	checkpointed chan struct{}
	closeMu      sync.RWMutex
	closed       bool
	commits      atomic.Uint64 // write transactions committed, for the checkpointer
	// stmts caches prepared statements per pool (SQLite only; pgx caches
	// its own). Parsing SQL is a large share of a request in the pure-Go
	// SQLite, and the server issues a small fixed set of queries.
	stmtMu sync.Mutex
	stmts  map[*sql.DB]map[string]*sql.Stmt
	// isUnique recognises the driver's unique-constraint error.
	isUnique func(error) bool
	// accounts queues this process's writers per account before they take
	// a connection (PostgreSQL), so that writers waiting for one busy
	// account do not hold the pool's connections from everybody else.
	accounts keyedMutex
	notices  notices
}

// maxCachedStmts bounds the cache; queries past it run unprepared.
const maxCachedStmts = 256

// prepared returns a cached statement for q on pool, or nil. Only the
// SQLite write pool caches: its one writer goroutine prepares on the spare
// connection while it holds the other. A read transaction must never wait
// for a second read connection to prepare on (with the pool exhausted by
// transactions doing the same, nothing would move).
func (db *DB) prepared(ctx context.Context, pool *sql.DB, q string) *sql.Stmt {
	if db.dialect != SQLite || pool != db.sql {
		return nil
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[pool][q]; ok {
		return st
	}
	if db.stmts == nil {
		db.stmts = map[*sql.DB]map[string]*sql.Stmt{}
	}
	if db.stmts[pool] == nil {
		db.stmts[pool] = map[string]*sql.Stmt{}
	}
	if len(db.stmts[pool]) >= maxCachedStmts {
		return nil
	}
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared path will report the error
	}
	db.stmts[pool][q] = st
	return st
}

// Backend is an opened database as a driver package (sqlitestore,
// pgstore) hands it to Open.
type Backend struct {
	Dialect Dialect
	// SQLite: Write runs write transactions, with two connections (see
	// the writer in groupcommit.go), transactions that begin IMMEDIATE and
	// no automatic checkpoints; Read runs read-only snapshots.
	Write, Read *sql.DB
	// PostgreSQL: the pool of connections.
	Pool Pool
	// Listen, when set, delivers the notifications other processes
	// publish on the database (PostgreSQL's LISTEN): it listens on
	// channels and calls deliver for each notification until ctx ends,
	// reconnecting when the connection fails, and calls deliver with an
	// empty payload whenever notifications may have been missed (at
	// start and after every reconnection).
	Listen func(ctx context.Context, channels []string, deliver func(channel, payload string))
	// IsUniqueViolation recognises the driver's unique-constraint error.
	IsUniqueViolation func(error) bool
}

// Open applies the migrations to b and returns the store. On SQLite it
// starts the writer goroutine and the checkpointer, which Close stops; on
// PostgreSQL the listener for other processes' notifications.
func Open(ctx context.Context, b Backend) (*DB, error) {
	db := &DB{sql: b.Write, read: b.Read, pool: b.Pool, dialect: b.Dialect, isUnique: b.IsUniqueViolation}
	if db.read == nil {
		db.read = db.sql
	}
	if db.dialect == SQLite {
		db.startWriter()
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.dialect == SQLite {
		db.checkpointed = make(chan struct{})
		go db.checkpointer()
	}
	if b.Listen != nil {
		if err := db.listen(ctx, b.Listen); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes the pool.
func (db *DB) Close() error {
	db.notices.stop()
	if db.pool != nil {
		db.pool.Close()
		return nil
	}
	if db.writes != nil {
		db.closeMu.Lock()
		if !db.closed {
			db.closed = true
			close(db.writes)
		}
		db.closeMu.Unlock()
		<-db.writerDone
		if db.checkpointed != nil {
			<-db.checkpointed
		}
	}
	db.stmtMu.Lock()
	for _, m := range db.stmts {
		for _, st := range m {
			st.Close()
		}
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	if db.read != db.sql {
		db.read.Close()
	}
	return db.sql.Close()
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.ReadTx(ctx, func(tx *Tx) error {
		var one int
		return tx.QueryRow(`SELECT 1`).Scan(&one)
	})
}

// migrate applies the migrations not applied yet, in one transaction. On
// PostgreSQL it first takes an advisory lock of the schema, so that
// replicas starting together apply each migration once: the others wait,
// then find it applied.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	return db.WriteTx(ctx, "", func(tx *Tx) error {
		if db.dialect == Postgres {
			if _, err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext('billfold migrations ' || current_schema()))`); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		if err := tx.c.Script(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, name := range names {
			base := filepath.Base(name)
			if strings.Count(base, ".") == 2 && !strings.HasSuffix(base, "."+string(db.dialect)+".sql") {
				continue // a migration for the other dialect
			}
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			if n > 0 {
				continue
			}
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				return err
			}
			if err := tx.c.Script(ctx, db.dialectSQL(string(body))); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			if _, err := tx.Exec(`INSERT INTO schema_migrations (name) VALUES (?)`, base); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
		}
		return nil
	})
}

func (db *DB) dialectSQL(s string) string {
	if db.dialect == Postgres {
		return strings.NewReplacer("{{AUTOID}}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "{{BLOB}}", "BYTEA").Replace(s)
	}
	return strings.NewReplacer("{{AUTOID}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{BLOB}}", "BLOB").Replace(s)
}

// rebind turns the portable "?" placeholders into PostgreSQL's "$n".
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Tx is one transaction; every statement of the server runs in one, through
// the methods of this package. Statements are written once with "?"
// placeholders and rebound for PostgreSQL.
//
// Locking differs by dialect, with the same guarantee: every change to one
// customer's money is serialised, which is what keeps balance_after and
// the idempotency table exact.
//
//   - PostgreSQL: WriteTx(ctx, customerID, …) starts with
//     SELECT … FROM users WHERE id = ? FOR NO KEY UPDATE, a row lock that
//     concurrent writers for the same customer queue on (in this process
//     they queue before taking a connection); writers for other customers
//     run in parallel. NO KEY: inserting a row that refers to the user (a
//     session at sign-in) need not wait for it. Reads (ReadTx) are READ
//     ONLY and never wait.
//   - SQLite: there is one writer. Every WriteTx goes to the writer
//     goroutine (groupcommit.go), which runs the waiting transactions one
//     after another inside one SQLite transaction, each in its own
//     SAVEPOINT; so a write transaction holds every account's lock at once,
//     and the customer id is not needed. Reads use a separate query_only
//     pool and, in WAL mode, never wait for the writer.
//
// Writes whose outcome the caller needs only at commit (inserts, updates:
// the methods that return nothing but an error) are queued on PostgreSQL
// and sent with the transaction's next read or with its COMMIT, in one
// round trip; their errors surface there, wrapped as when run alone.
//
// A Tx must not be used after its function returns.
type Tx struct {
	c   Conn
	db  *DB
	ctx context.Context
	// pending are the queued writes (PostgreSQL).
	pending []queued
	// afterCommit hooks run only once the transaction is durable.
	afterCommit []func()
	// published are the notifications to deliver after the commit.
	published []notice
	readOnly  bool
	// number is the invoice number this transaction takes at its commit
	// (PostgreSQL; see NextInvoiceNumber).
	number *invoiceNumber
	// account is the locked account's row, read with the lock
	// (PostgreSQL), until the transaction changes it; lockSent becomes it
	// when the lock is sent.
	account, lockSent *lockedAccount
}

// queued is a write waiting to be sent.
type queued struct {
	Statement
	what string
	dup  bool // a unique violation is ErrDuplicate
}

// Exec runs a statement. The server's own statements are this package's
// methods; Exec, Query and QueryRow are exported for tests and tools that
// inspect or damage a database on purpose.
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	pending := t.takePending()
	n, err := t.c.Exec(t.ctx, statements(pending), t.bind(q, args))
	if err != nil {
		return nil, t.pendingError(pending, err)
	}
	return rowsAffected(n), nil
}

// Query runs a query.
func (t *Tx) Query(q string, args ...any) (Rows, error) {
	pending := t.takePending()
	rows, err := t.c.Query(t.ctx, statements(pending), t.bind(q, args))
	if err != nil {
		return nil, t.pendingError(pending, err)
	}
	return rows, nil
}

// QueryRow runs a query returning one row.
func (t *Tx) QueryRow(q string, args ...any) *Row {
	rows, err := t.Query(q, args...)
	return &Row{rows: rows, err: err}
}

// write runs a statement whose outcome the caller needs only by the
// commit: on PostgreSQL it is queued (see Tx); what names it in errors.
func (t *Tx) write(what, q string, args ...any) error {
	return t.queue(queued{Statement: t.bind(q, args), what: what})
}

func (t *Tx) queue(w queued) error {
	if t.db.dialect == Postgres {
		t.pending = append(t.pending, w)
		return nil
	}
	if _, err := t.c.Exec(t.ctx, nil, w.Statement); err != nil {
		return t.writeError(w, err)
	}
	return nil
}

func (t *Tx) takePending() []queued {
	if t.lockSent != nil {
		t.account, t.lockSent = t.lockSent, nil
	}
	p := t.pending
	t.pending = nil
	return p
}

func statements(q []queued) []Statement {
	out := make([]Statement, len(q))
	for i, w := range q {
		out[i] = w.Statement
	}
	return out
}

// pendingError names the queued write that failed.
func (t *Tx) pendingError(pending []queued, err error) error {
	var pe *PendingError
	if errors.As(err, &pe) && pe.Index < len(pending) {
		return t.writeError(pending[pe.Index], pe.Err)
	}
	return err
}

func (t *Tx) writeError(w queued, err error) error {
	if w.dup && t.db.isUnique != nil && t.db.isUnique(err) {
		return ErrDuplicate
	}
	return fmt.Errorf("%s: %w", w.what, err)
}

type rowsAffected int64

func (n rowsAffected) LastInsertId() (int64, error) {
	return 0, errors.New("store: LastInsertId is not supported")
}
func (n rowsAffected) RowsAffected() (int64, error) { return int64(n), nil }

// AfterCommit registers f to run after a successful commit (e.g. waking
// event subscribers, who must never see data that may still roll back).
func (t *Tx) AfterCommit(f func()) { t.afterCommit = append(t.afterCommit, f) }

// Context is the transaction's context.
func (t *Tx) Context() context.Context { return t.ctx }

// WriteTx runs fn in a write transaction that holds the lock on the account
// lockUserID (when not empty): see Tx for how each dialect takes it. fn's
// error rolls everything back.
//
// ctx is checked only before the transaction starts: once it has started it
// runs to its verdict (see detached).
func (db *DB) WriteTx(ctx context.Context, lockUserID string, fn func(*Tx) error) error {
	if db.dialect == SQLite {
		return db.submit(ctx, fn)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if lockUserID != "" {
		unlock, err := db.accounts.lock(ctx, lockUserID)
		if err != nil {
			return err
		}
		defer unlock()
	}
	return db.run(detached(ctx), false, func(t *Tx) error {
		if lockUserID != "" {
			t.lockAccount(lockUserID)
		}
		return fn(t)
	})
}

// detached is a write transaction's context: ctx's values without its
// cancellation. The server cancels a request's context when its client
// hangs up, and a statement interrupted by that would fail more than the
// request that gave up: on SQLite an interrupted write rolls back the
// whole transaction that the writer shares among the waiting writes
// (groupcommit.go), failing every other write in it. A client that hangs
// up therefore finds its write committed exactly once or not at all, as
// its Idempotency-Key then shows, and never fails anyone else's.
func detached(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// ReadTx runs fn in a read-only snapshot.
func (db *DB) ReadTx(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, true, fn)
}

func (db *DB) run(ctx context.Context, readOnly bool, fn func(*Tx) error) error {
	c, err := db.begin(ctx, readOnly)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{c: c, db: db, ctx: ctx, readOnly: readOnly}
	if err := fn(t); err != nil {
		_ = c.Rollback(ctx)
		return err
	}
	return t.commit()
}

func (db *DB) begin(ctx context.Context, readOnly bool) (Conn, error) {
	if db.pool != nil {
		return db.pool.Begin(ctx, readOnly)
	}
	pool := db.sql
	if readOnly {
		pool = db.read
	}
	stx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &sqlConn{db: db, tx: stx, pool: pool}, nil
}

// commit sends the queued writes and COMMIT in one round trip, and then
// delivers the transaction's notifications.
//
// On PostgreSQL a write transaction commits without waiting for the WAL
// flush (synchronous_commit off, for that transaction only), which
// releases its row locks at once, and then, in the same round trip, waits
// for a flush that covers its commit: a one-statement transaction with a
// transaction id commits synchronously (as the server is configured), and
// its commit record comes after ours in the WAL, so it is on disk only once
// ours is. Nobody is answered before that. Locks are thus never held
// across a flush (milliseconds on a disk): not the account's, and not the
// invoice-number counter's, which every invoice of every customer needs
// and which would otherwise cap all invoicing at one flush per invoice. A
// transaction that read what ours wrote commits after ours in the WAL, so a
// crash can lose the newest commits but never one that an older one
// depends on (early lock release): invoice numbers stay gap-free. In the
// milliseconds before the flush other transactions can read what ours
// wrote; a crash then undoes it, and its request, unanswered, is retried
// with its Idempotency-Key. Notifications go out only after the flush.
func (t *Tx) commit() error {
	queuedWrites := t.takePending()
	pending := statements(queuedWrites)
	var after []Statement
	if t.db.dialect == Postgres && !t.readOnly {
		pending = append(pending, Statement{SQL: `SET LOCAL synchronous_commit TO OFF`})
		after = append(after, Statement{SQL: `SELECT pg_current_xact_id()`})
	}
	committed, err := t.c.Commit(t.ctx, pending, after)
	if committed {
		// Even when the wait for the flush failed: waking streams to read
		// what is committed does no harm, but the caller hears of the
		// failure and answers nobody that the change is durable.
		t.delivered()
	}
	if err != nil {
		return fmt.Errorf("commit: %w", t.pendingError(queuedWrites, err))
	}
	return nil
}

// delivered runs what waits for the commit: local notifications, then the
// AfterCommit hooks.
func (t *Tx) delivered() {
	t.db.notices.publish(t.published)
	for _, f := range t.afterCommit {
		f()
	}
}

// ErrNotFound is returned by the methods that read one row when there is none.
var ErrNotFound = errors.New("store: no such row")

// ErrBadCursor is returned by the page readers for a cursor they did not issue.
var ErrBadCursor = errors.New("store: not a cursor of this list")

// ErrDuplicate is returned by inserts that would repeat a unique key.
var ErrDuplicate = errors.New("store: duplicate key")

// one maps sql.ErrNoRows to ErrNotFound and wraps other errors with what.
func one(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	}
	return fmt.Errorf("%s: %w", what, err)
}
