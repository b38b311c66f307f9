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
	sql *sql.DB
	// read is a separate SQLite pool for read-only snapshots: in WAL mode
	// readers never wait for the writer, but only if they do not start
	// with BEGIN IMMEDIATE as the write pool's transactions do.
	read    *sql.DB
	dialect Dialect
	// SQLite writes go through one writer goroutine (groupcommit.go):
	// SQLite allows one writer at a time anyway, and batching commits is
	// what makes it fast. Waiting on a channel is also fair, whereas
	// SQLite's busy handler sleeps and wrecks tail latency.
	writes     chan *writeReq
	writerDone chan struct{}
	closeMu    sync.RWMutex
	closed     bool
	commits    atomic.Uint64 // write transactions committed, for the checkpointer
	// stmts caches prepared statements per pool (SQLite only; pgx caches
	// its own). Parsing SQL is a large share of a request in the pure-Go
	// SQLite, and the server issues a small fixed set of queries.
	stmtMu sync.Mutex
	stmts  map[*sql.DB]map[string]*sql.Stmt
	// isUnique recognises the driver's unique-constraint error.
	isUnique func(error) bool
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
	// Write runs write transactions; on SQLite it has two connections
	// (see the writer in groupcommit.go), with transactions that begin
	// IMMEDIATE and no automatic checkpoints.
	Write *sql.DB
	// Read runs read-only snapshots; it may be Write itself.
	Read *sql.DB
	// IsUniqueViolation recognises the driver's unique-constraint error.
	IsUniqueViolation func(error) bool
}

// Open applies the migrations to b and returns the store. On SQLite it
// starts the writer goroutine and the checkpointer, which Close stops.
func Open(ctx context.Context, b Backend) (*DB, error) {
	db := &DB{sql: b.Write, read: b.Read, dialect: b.Dialect, isUnique: b.IsUniqueViolation}
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
		go db.checkpointer()
	}
	return db, nil
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes the pool.
func (db *DB) Close() error {
	if db.writes != nil {
		db.closeMu.Lock()
		if !db.closed {
			db.closed = true
			close(db.writes)
		}
		db.closeMu.Unlock()
		<-db.writerDone
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
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		if strings.Count(base, ".") == 2 && !strings.HasSuffix(base, "."+string(db.dialect)+".sql") {
			continue // a migration for the other dialect
		}
		err := db.WriteTx(ctx, "", func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, db.dialectSQL(string(body))); err != nil {
				return err
			}
			_, err = tx.Exec(`INSERT INTO schema_migrations (name) VALUES (?)`, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
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
// customer's money is serialised, which is what keeps balance_after, the
// invoice counters and the idempotency table exact.
//
//   - PostgreSQL: WriteTx(ctx, customerID, …) starts with
//     SELECT … FROM users WHERE id = ? FOR UPDATE, a row lock that
//     concurrent writers for the same customer queue on; writers for other
//     customers run in parallel. Reads (ReadTx) are READ ONLY snapshots and
//     never wait.
//   - SQLite: there is one writer. Every WriteTx goes to the writer
//     goroutine (groupcommit.go), which runs the waiting transactions one
//     after another inside one SQLite transaction, each in its own
//     SAVEPOINT; so a write transaction holds every account's lock at once,
//     and the customer id is not needed. Reads use a separate query_only
//     pool and, in WAL mode, never wait for the writer.
//
// A Tx must not be used after its function returns.
type Tx struct {
	tx   *sql.Tx
	db   *DB
	pool *sql.DB
	ctx  context.Context
	// afterCommit hooks run only once the transaction is durable.
	afterCommit []func()
	// stmts are the cached statements bound to this transaction, one per
	// query: binding again on every use would make database/sql register
	// (and keep map room for) a dependency per call, which a transaction
	// of thousands of statements (seeding 10,000 invoices) turned into
	// 3 MB that never shrank.
	stmts map[*sql.Stmt]*sql.Stmt
}

// stmt returns q's cached statement bound to the transaction, or nil when
// q is not cached.
func (t *Tx) stmt(q string) *sql.Stmt {
	st := t.db.prepared(t.ctx, t.pool, q)
	if st == nil {
		return nil
	}
	if bound, ok := t.stmts[st]; ok {
		return bound
	}
	if t.stmts == nil {
		t.stmts = map[*sql.Stmt]*sql.Stmt{}
	}
	bound := t.tx.StmtContext(t.ctx, st)
	t.stmts[st] = bound
	return bound
}

// Exec runs a statement. The server's own statements are this package's
// methods; Exec, Query and QueryRow are exported for tests and tools that
// inspect or damage a database on purpose.
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	if st := t.stmt(q); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, t.db.rebind(q), args...)
}

// Query runs a query.
func (t *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(q); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, t.db.rebind(q), args...)
}

// QueryRow runs a query returning one row.
func (t *Tx) QueryRow(q string, args ...any) *sql.Row {
	if st := t.stmt(q); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, t.db.rebind(q), args...)
}

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
	return db.run(detached(ctx), db.sql, nil, func(t *Tx) error {
		if lockUserID != "" && db.dialect == Postgres {
			var id string
			err := t.QueryRow(`SELECT id FROM users WHERE id = ? FOR UPDATE`, lockUserID).Scan(&id)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("lock account: %w", err)
			}
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
	return db.run(ctx, db.read, &sql.TxOptions{ReadOnly: db.dialect == Postgres}, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{tx: stx, db: db, pool: pool, ctx: ctx}
	if err := fn(t); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range t.afterCommit {
		f()
	}
	return nil
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
