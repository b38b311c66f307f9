package store_test

import (
	"context"
	"testing"

	"billfold/internal/server/store"
	"billfold/internal/server/store/pgstore"
)

// A read transaction sees one snapshot of the database, whatever commits
// while it runs: a Pay Now that read an invoice as unpaid and then, a
// statement later, the balance its payment had just raised to the cap
// answered balance_limit_exceeded for an invoice that was paid
// (PostgreSQL's default READ COMMITTED gives each statement a snapshot of
// its own).
func TestReadTransactionSeesOneSnapshot(t *testing.T) {
	ctx := context.Background()
	db, err := pgstore.Open(ctx, pgSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(tx *store.Tx) (n int) {
		if err := tx.QueryRow(`SELECT COUNT(*) FROM counters WHERE name = 'snapshot-test'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var before, after int
	err = db.ReadTx(ctx, func(tx *store.Tx) error {
		before = count(tx)
		if err := db.WriteTx(ctx, "", func(w *store.Tx) error {
			_, err := w.Exec(`INSERT INTO counters (name, value) VALUES ('snapshot-test', 1)`)
			return err
		}); err != nil {
			return err
		}
		after = count(tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if before != 0 || after != 0 {
		t.Fatalf("one read transaction saw %d, then %d rows: a write that committed meanwhile", before, after)
	}
}
