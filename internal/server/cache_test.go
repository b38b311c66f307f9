package server

import (
	"context"
	"testing"

	"billfold/internal/server/store"
)

// The demo's smaller SQLite page cache reaches every connection, the read
// pool's included.
func TestSQLiteCacheSize(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, Options{DataDir: t.TempDir(), SQLiteCacheKiB: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var size int
	if err := s.db.ReadTx(ctx, func(tx *store.Tx) error { return tx.QueryRow("PRAGMA cache_size").Scan(&size) }); err != nil {
		t.Fatal(err)
	}
	if size != -256 {
		t.Fatalf("cache_size %d, want -256 (KiB)", size)
	}
}
