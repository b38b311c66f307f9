// Package pgstore opens the store on PostgreSQL through pgx (its native
// interface and pool, not database/sql). Only the server binary and the
// tests import it, so that the desktop app, whose embedded demo server is
// SQLite only, does not link the driver.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"billfold/internal/server/store"
)

// Open connects to PostgreSQL with a pgx DSN, opens every connection of
// the pool at once (a fresh server is not slow for its first second),
// applies the migrations and starts listening for the other replicas'
// notifications.
//
// The pool has PoolSize() connections unless the DSN says otherwise
// (pool_max_conns=N).
func Open(ctx context.Context, dsn string) (*store.DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres DSN: %w", err)
	}
	if !hasParam(dsn, "pool_max_conns") {
		cfg.MaxConns = int32(PoolSize())
	}
	cfg.MinConns = cfg.MaxConns
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := warm(ctx, p); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db, err := store.Open(ctx, store.Backend{
		Dialect: store.Postgres, Pool: pool{p},
		Listen: func(ctx context.Context, channels []string, deliver func(string, string)) {
			listen(ctx, cfg.ConnConfig, channels, deliver)
		},
		IsUniqueViolation: isUniqueViolation,
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return db, nil
}

// PoolSize is the default number of connections: four per CPU. A
// connection is busy only while PostgreSQL works on it or its result
// travels, so a few per core keep the cores fed; more only add backends
// that contend for the same cores and locks (a pool of 32 on two cores
// spent its time in lock waits and context switches; README,
// Benchmarks). Writers waiting for one account wait before they take a
// connection (store.DB), so they do not hold connections meanwhile.
func PoolSize() int { return max(4, 4*runtime.GOMAXPROCS(0)) }

func hasParam(dsn, name string) bool {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return false
	}
	// pgxpool takes its own parameters out before pgconn sees them;
	// pgconn keeps unknown ones as run-time parameters.
	_, ok := cfg.RuntimeParams[name]
	return ok
}

// warm opens every connection of the pool now.
func warm(ctx context.Context, p *pgxpool.Pool) error {
	n := int(p.Config().MaxConns)
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	errs := make(chan error, n)
	got := make(chan *pgxpool.Conn, n)
	for range n {
		go func() {
			c, err := p.Acquire(ctx)
			if err != nil {
				errs <- err
				return
			}
			got <- c
		}()
	}
	for range n {
		select {
		case err := <-errs:
			return err
		case c := <-got:
			conns = append(conns, c)
		}
	}
	return nil
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// pool opens transactions on pooled connections.
type pool struct{ p *pgxpool.Pool }

func (p pool) Begin(ctx context.Context, readOnly bool) (store.Conn, error) {
	c, err := p.p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	begin := "BEGIN"
	if readOnly {
		// One snapshot for the whole read, as SQLite's are: under READ
		// COMMITTED each statement sees its own, and a read of an invoice
		// and then of the balance could straddle a payment's commit. A
		// read-only REPEATABLE READ transaction never fails to serialize.
		begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	}
	return &conn{c: c, begin: begin}, nil
}

func (p pool) Close() { p.p.Close() }

// conn is a transaction on one pooled connection. BEGIN is not sent on
// its own: it goes with the transaction's first statements, and every
// call sends its queued statements and its own in one pipeline (one
// round trip).
type conn struct {
	c     *pgxpool.Conn
	begin string
	begun bool
}

// send queues BEGIN (the first time), pending and last, and returns the
// results with the number of statements before pending's.
func (c *conn) send(ctx context.Context, pending []store.Statement, last ...store.Statement) (pgx.BatchResults, int) {
	b := &pgx.Batch{}
	skip := 0
	if !c.begun {
		b.Queue(c.begin)
		c.begun, skip = true, 1
	}
	for _, s := range pending {
		b.Queue(s.SQL, s.Args...)
	}
	for _, s := range last {
		b.Queue(s.SQL, s.Args...)
	}
	return c.c.SendBatch(ctx, b), skip
}

// drain reads the results of BEGIN and pending.
func drain(br pgx.BatchResults, skip int, pending []store.Statement) error {
	for range skip {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
	}
	for i, s := range pending {
		var err error
		if s.Scan != nil {
			if err = br.QueryRow().Scan(s.Scan...); errors.Is(err, pgx.ErrNoRows) {
				err = nil
			}
		} else {
			_, err = br.Exec()
		}
		if err != nil {
			return &store.PendingError{Index: i, Err: err}
		}
	}
	return nil
}

func (c *conn) Exec(ctx context.Context, pending []store.Statement, s store.Statement) (int64, error) {
	br, skip := c.send(ctx, pending, s)
	defer br.Close()
	if err := drain(br, skip, pending); err != nil {
		return 0, err
	}
	tag, err := br.Exec()
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), br.Close()
}

func (c *conn) Query(ctx context.Context, pending []store.Statement, s store.Statement) (store.Rows, error) {
	br, skip := c.send(ctx, pending, s)
	if err := drain(br, skip, pending); err != nil {
		br.Close()
		return nil, err
	}
	r, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &rows{Rows: r, br: br}, nil
}

func (c *conn) Script(ctx context.Context, text string) error {
	if !c.begun {
		if _, err := c.c.Exec(ctx, c.begin); err != nil {
			return err
		}
		c.begun = true
	}
	_, err := c.c.Exec(ctx, text, pgx.QueryExecModeSimpleProtocol)
	return err
}

func (c *conn) Commit(ctx context.Context, pending []store.Statement, after []store.Statement) (committed bool, err error) {
	defer c.release(ctx)
	if !c.begun && len(pending) == 0 {
		return true, nil // nothing was read or written
	}
	br, skip := c.send(ctx, pending, append([]store.Statement{{SQL: "COMMIT"}}, after...)...)
	defer br.Close()
	if err := drain(br, skip, pending); err != nil {
		return false, err
	}
	if _, err := br.Exec(); err != nil {
		return false, err
	}
	for range after {
		if _, err := br.Exec(); err != nil {
			return true, fmt.Errorf("after commit: %w", err)
		}
	}
	// The statements after COMMIT form an implicit transaction that
	// commits at the pipeline's end, which Close waits for.
	if err := br.Close(); err != nil {
		return true, fmt.Errorf("after commit: %w", err)
	}
	return true, nil
}

func (c *conn) Rollback(ctx context.Context) error {
	c.release(ctx)
	return nil
}

// release ends whatever transaction is open (a failed statement leaves
// it aborted) and hands the connection back; a connection that cannot
// roll back is closed by the pool.
func (c *conn) release(ctx context.Context) {
	if c.c == nil {
		return
	}
	if pc := c.c.Conn().PgConn(); !pc.IsClosed() && pc.TxStatus() != 'I' {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_, _ = c.c.Exec(rctx, "ROLLBACK")
		cancel()
	}
	c.c.Release()
	c.c = nil
}

// rows closes the batch with the result.
type rows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *rows) Close() error {
	r.Rows.Close()
	if err := r.Rows.Err(); err != nil {
		r.br.Close()
		return err
	}
	return r.br.Close()
}

// listen hears notifications on channels over a connection of its own,
// reconnecting after a failure (with a pause, so that a database that is
// down is not hammered), until ctx ends. After every (re)connection it
// delivers an empty payload on each channel: what was sent while nobody
// listened is lost, so the subscribers catch up.
func listen(ctx context.Context, cfg *pgx.ConnConfig, channels []string, deliver func(channel, payload string)) {
	for ctx.Err() == nil {
		err := listenOnce(ctx, cfg, channels, deliver)
		if err == nil || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func listenOnce(ctx context.Context, cfg *pgx.ConnConfig, channels []string, deliver func(channel, payload string)) error {
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(context.WithoutCancel(ctx))
	for _, ch := range channels {
		if _, err := c.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return fmt.Errorf("listen %s: %w", ch, err)
		}
	}
	for _, ch := range channels {
		deliver(ch, "")
	}
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		deliver(n.Channel, n.Payload)
	}
}
