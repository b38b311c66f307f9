package archive_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
	"billfold/internal/server/servertest"
)

// BenchmarkSync1000 is an end-to-end sync of 1,000 invoices from the local
// reference server (in-process, SQLite) into an empty archive: listing,
// PDF rendering, atomic writes, index and audit log. Target: under 4 s/op.
func BenchmarkSync1000(b *testing.B) {
	ctx := context.Background()
	env := servertest.New(b, servertest.Backends(b)[0])
	acc := newAccount(b, env, "山田 太郎", "株式会社山田商店", billing.JPY)
	const n = 1000
	if err := env.Server.SeedBulkInvoices(ctx, acc.Email, n); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		ar, err := archive.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{Workers: benchWorkers()})
		b.StopTimer()
		if err != nil || res.New != n {
			b.Fatalf("sync: %+v, %v", res, err)
		}
		ar.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
}

func benchWorkers() int {
	n, _ := strconv.Atoi(os.Getenv("BENCH_WORKERS"))
	return n
}

// BenchmarkVerify1000 verifies an archive of 1,000 invoices: every file's
// SHA-256, both chains, the search entries, every invoice's signature and
// every PDF's totals read back from its text.
func BenchmarkVerify1000(b *testing.B) {
	ctx := context.Background()
	env := servertest.New(b, servertest.Backends(b)[0])
	acc := newAccount(b, env, "山田 太郎", "株式会社山田商店", billing.JPY)
	const n = 1000
	if err := env.Server.SeedBulkInvoices(ctx, acc.Email, n); err != nil {
		b.Fatal(err)
	}
	ar, err := archive.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer ar.Close()
	if res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{}); err != nil || res.New != n {
		b.Fatalf("sync: %+v, %v", res, err)
	}
	for b.Loop() {
		if rep, err := ar.Verify(ctx); err != nil || !rep.OK() {
			b.Fatalf("verify: %+v, %v", rep.Problems, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
}
