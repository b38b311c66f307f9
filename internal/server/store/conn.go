package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The seam between the store and a database driver. The store writes every
// statement once; a driver runs them on one connection in a transaction.
// SQLite's driver is in this package (database/sql, with the group commit
// of groupcommit.go); PostgreSQL's is pgstore's (native pgx), so that only
// binaries that serve PostgreSQL link pgx.

// Statement is one SQL statement in the driver's dialect, with its
// arguments.
type Statement struct {
	SQL  string
	Args []any
	// Scan, for a pending statement, receives its first row's columns
	// (left alone when it returns no row).
	Scan []any
}

// Conn is one transaction on one connection. Every call first runs the
// statements queued before it (pending) in order, then its own; a driver
// that can pipeline (PostgreSQL) sends them in one round trip. When a
// pending statement fails, the call returns a *PendingError and runs
// nothing after it.
type Conn interface {
	Exec(ctx context.Context, pending []Statement, s Statement) (rowsAffected int64, err error)
	Query(ctx context.Context, pending []Statement, s Statement) (Rows, error)
	// Script runs a text of several statements (a migration).
	Script(ctx context.Context, text string) error
	// Commit runs pending and commits; then, when the commit succeeded,
	// runs after outside the transaction, each in its own. committed
	// reports whether the COMMIT itself succeeded, whatever came after.
	Commit(ctx context.Context, pending []Statement, after []Statement) (committed bool, err error)
	// Rollback ends the transaction. After Commit or Rollback the
	// connection is back in its pool.
	Rollback(ctx context.Context) error
}

// Rows is a query's result, read as database/sql's.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Row is the first row of a query's result.
type Row struct {
	rows Rows
	err  error
}

func (r *Row) from(rows Rows, err error) *Row {
	r.rows, r.err = rows, err
	return r
}

// Scan copies the row into dest; sql.ErrNoRows when there is none.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// PendingError is the failure of the Index'th pending statement.
type PendingError struct {
	Index int
	Err   error
}

func (e *PendingError) Error() string { return fmt.Sprintf("statement %d: %v", e.Index, e.Err) }
func (e *PendingError) Unwrap() error { return e.Err }

// Pool opens transactions; pgstore implements it for PostgreSQL.
type Pool interface {
	// Begin starts a transaction (read only or read-write). A driver may
	// send BEGIN with the transaction's first statements.
	Begin(ctx context.Context, readOnly bool) (Conn, error)
	Close()
}

// sqlConn is a Conn on a database/sql transaction (SQLite).
type sqlConn struct {
	db   *DB
	tx   *sql.Tx
	pool *sql.DB
	// stmts are the cached statements bound to this transaction, one per
	// query: binding again on every use would make database/sql register
	// (and keep map room for) a dependency per call, which a transaction
	// of thousands of statements (seeding 10,000 invoices) turned into
	// 3 MB that never shrank.
	stmts map[*sql.Stmt]*sql.Stmt
}

// stmt returns q's cached statement bound to the transaction, or nil when
// q is not cached.
func (c *sqlConn) stmt(ctx context.Context, q string) *sql.Stmt {
	st := c.db.prepared(ctx, c.pool, q)
	if st == nil {
		return nil
	}
	if bound, ok := c.stmts[st]; ok {
		return bound
	}
	if c.stmts == nil {
		c.stmts = map[*sql.Stmt]*sql.Stmt{}
	}
	bound := c.tx.StmtContext(ctx, st)
	c.stmts[st] = bound
	return bound
}

func (c *sqlConn) runPending(ctx context.Context, pending []Statement) error {
	for i, s := range pending {
		var err error
		if s.Scan != nil {
			err = (&Row{}).from(c.Query(ctx, nil, s)).Scan(s.Scan...)
			if errors.Is(err, sql.ErrNoRows) {
				err = nil
			}
		} else {
			_, err = c.exec(ctx, s)
		}
		if err != nil {
			return &PendingError{Index: i, Err: err}
		}
	}
	return nil
}

func (c *sqlConn) exec(ctx context.Context, s Statement) (int64, error) {
	var res sql.Result
	var err error
	if st := c.stmt(ctx, s.SQL); st != nil {
		res, err = st.ExecContext(ctx, s.Args...)
	} else {
		res, err = c.tx.ExecContext(ctx, s.SQL, s.Args...)
	}
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (c *sqlConn) Exec(ctx context.Context, pending []Statement, s Statement) (int64, error) {
	if err := c.runPending(ctx, pending); err != nil {
		return 0, err
	}
	return c.exec(ctx, s)
}

func (c *sqlConn) Query(ctx context.Context, pending []Statement, s Statement) (Rows, error) {
	if err := c.runPending(ctx, pending); err != nil {
		return nil, err
	}
	if st := c.stmt(ctx, s.SQL); st != nil {
		return st.QueryContext(ctx, s.Args...)
	}
	return c.tx.QueryContext(ctx, s.SQL, s.Args...)
}

func (c *sqlConn) Script(ctx context.Context, text string) error {
	_, err := c.tx.ExecContext(ctx, text)
	return err
}

func (c *sqlConn) Commit(ctx context.Context, pending []Statement, after []Statement) (bool, error) {
	if err := c.runPending(ctx, pending); err != nil {
		_ = c.tx.Rollback()
		return false, err
	}
	if err := c.tx.Commit(); err != nil {
		return false, err
	}
	if len(after) > 0 {
		return true, errors.New("sqlite: statements after commit are not supported")
	}
	return true, nil
}

func (c *sqlConn) Rollback(context.Context) error { return c.tx.Rollback() }
