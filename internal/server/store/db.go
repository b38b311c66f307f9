// Package store is the reference server's persistence: one schema, two
// dialects (SQLite through a pure-Go driver, PostgreSQL through pgx), embedded
// migrations, and the transaction discipline that keeps the ledger exact
// under concurrency.
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

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
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

// OpenSQLite opens (creating if needed) the SQLite database file in dir,
// in WAL mode, and applies the migrations. cacheKiB bounds each
// connection's page cache; 0 keeps SQLite's default of 2 MiB.
//
// synchronous(NORMAL) fsyncs the WAL at checkpoints rather than at every
// commit: a power loss can lose the commits of the last few tens of
// milliseconds (see groupcommit.go). FULL, one fsync per group commit,
// measured a p99 of 11.6–545 ms at 2,000 add-funds requests/s against 5.0–7.2 ms
// with NORMAL (README, Benchmarks); a deployment that cannot lose an
// acknowledged commit runs on PostgreSQL.
func OpenSQLite(ctx context.Context, dir string, cacheKiB int) (*DB, error) {
	path := filepath.Join(dir, "billfold.db")
	base := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(memory)"
	if cacheKiB > 0 {
		base += fmt.Sprintf("&_pragma=cache_size(-%d)", cacheKiB)
	}
	// Checkpoints run in the background (checkpointer), not inside a
	// commit where they would stall every waiting writer.
	wdb, err := sql.Open("sqlite", base+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// Writers are serialised by the writer goroutine; the second connection
	// only lets a statement be prepared while the first is in a transaction.
	wdb.SetMaxOpenConns(2)
	wdb.SetMaxIdleConns(2)
	wdb.SetConnMaxLifetime(0)
	db := &DB{sql: wdb, read: wdb, dialect: SQLite}
	db.startWriter()
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(4)
	rdb.SetMaxIdleConns(4)
	db.read = rdb
	go db.checkpointer()
	return db, nil
}

// OpenPostgres connects to PostgreSQL with a pgx DSN and applies the migrations.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	sdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sdb.SetMaxOpenConns(32)
	sdb.SetMaxIdleConns(32)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db := &DB{sql: sdb, read: sdb, dialect: Postgres}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
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

// Tx is a transaction with portable placeholders.
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

// Exec runs a statement.
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
// lockUserID (when not empty): on PostgreSQL a row lock on the user, on
// SQLite the single-writer lock. Every change to one customer's money is
// therefore serialised, which is what keeps balance_after and the
// idempotency table exact. fn's error rolls everything back.
func (db *DB) WriteTx(ctx context.Context, lockUserID string, fn func(*Tx) error) error {
	if db.dialect == SQLite {
		return db.submit(ctx, fn)
	}
	return db.run(ctx, db.sql, nil, func(t *Tx) error {
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

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
