// Package sqlitestore opens the store on a SQLite file through the pure-Go
// modernc.org/sqlite driver: the desktop app's embedded demo server and a
// small provider's single-machine server.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"billfold/internal/server/store"
)

// Open opens (creating if needed) billfold.db in dir, in WAL mode, and
// applies the migrations. cacheKiB bounds each connection's page cache; 0
// keeps SQLite's default of 2 MiB.
//
// synchronous(NORMAL) fsyncs the WAL at checkpoints rather than at every
// commit: a power loss can lose the commits of the last few tens of
// milliseconds (see store's groupcommit.go). FULL, one fsync per group
// commit, measured a p99 of 11.6–545 ms at 2,000 add-funds requests/s
// against 5.0–7.2 ms with NORMAL (README, Benchmarks); a deployment that
// cannot lose an acknowledged commit runs on PostgreSQL.
func Open(ctx context.Context, dir string, cacheKiB int) (*store.DB, error) {
	path := filepath.Join(dir, "billfold.db")
	base := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(memory)"
	if cacheKiB > 0 {
		base += fmt.Sprintf("&_pragma=cache_size(-%d)", cacheKiB)
	}
	// Checkpoints run in the background (the store's checkpointer), not
	// inside a commit where they would stall every waiting writer.
	wdb, err := sql.Open("sqlite", base+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// Writers are serialised by the writer goroutine; the second connection
	// only lets a statement be prepared while the first is in a transaction.
	wdb.SetMaxOpenConns(2)
	wdb.SetMaxIdleConns(2)
	wdb.SetConnMaxLifetime(0)
	// Readers must not begin IMMEDIATE as the writer's transactions do: in
	// WAL mode they then never wait for the writer.
	rdb, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(4)
	rdb.SetMaxIdleConns(4)
	db, err := store.Open(ctx, store.Backend{Dialect: store.SQLite, Write: wdb, Read: rdb, IsUniqueViolation: isUniqueViolation})
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return db, nil
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
