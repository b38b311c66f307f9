package store

import (
	"context"
	"fmt"
)

// Exclusive runs job unless another process sharing the database is
// running the job of the same name: background work (retrying owed
// callbacks, purging old keys) is done by one replica at a time, not by
// each. On PostgreSQL the claim is a transaction-level advisory lock,
// which the database drops with the connection if the holder dies; the
// job's own transactions run beside it. SQLite has one process.
func (db *DB) Exclusive(ctx context.Context, name string, job func(context.Context) error) (ran bool, err error) {
	if db.dialect != Postgres {
		return true, job(ctx)
	}
	c, err := db.pool.Begin(ctx, false)
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", name, err)
	}
	defer func() { _ = c.Rollback(ctx) }()
	var claimed bool
	if err := (&Row{}).from(c.Query(ctx, nil, Statement{SQL: `SELECT pg_try_advisory_xact_lock(hashtext($1))`, Args: []any{"billfold job " + name}})).Scan(&claimed); err != nil {
		return false, fmt.Errorf("claim %s: %w", name, err)
	}
	if !claimed {
		return false, nil
	}
	return true, job(ctx)
}
