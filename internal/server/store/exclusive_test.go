package store_test

import (
	"context"
	"testing"

	"billfold/internal/server/store/pgstore"
)

// Two replicas on one database never run the same background job at once;
// another job's name is not held up; the claim ends with the job.
func TestExclusiveJobRunsInOneReplicaAtATime(t *testing.T) {
	dsn := pgSchema(t)
	ctx := context.Background()
	a, err := pgstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := pgstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var inner, other bool
	ran, err := a.Exclusive(ctx, "retry", func(ctx context.Context) error {
		var err error
		if inner, err = b.Exclusive(ctx, "retry", func(context.Context) error { return nil }); err != nil {
			return err
		}
		other, err = b.Exclusive(ctx, "purge", func(context.Context) error { return nil })
		return err
	})
	if err != nil || !ran {
		t.Fatalf("first claim: ran %v, %v", ran, err)
	}
	if inner || !other {
		t.Fatalf("while replica A runs retry: B ran retry %v (want false), purge %v (want true)", inner, other)
	}
	if ran, err := b.Exclusive(ctx, "retry", func(context.Context) error { return nil }); err != nil || !ran {
		t.Fatalf("after A finished, B: ran %v, %v", ran, err)
	}
}
