package replicas_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// BenchmarkReplicas measures writes through HAProxy to one and to three
// billfold-server processes on one PostgreSQL database: 64 customers, each
// adding ¥1,000 and cancelling that invoice, over and over (the server
// allows one open add-funds invoice per customer). b.N counts the pairs.
// On one machine the replicas share the cores with the database, HAProxy
// and this client, so more replicas cannot be faster here: the numbers say
// what the database allows and what the load balancer and the replicas'
// coordination cost.
func BenchmarkReplicas(b *testing.B) {
	requireTools(b)
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			// An in-process server makes the schema and the customers; the
			// replicas then serve that database.
			e := servertest.New(b, servertest.Backends(b)[1])
			const clients = 64
			tokens := make([]string, clients)
			for i := range tokens {
				tokens[i] = e.NewCustomer(billing.JPY).Token
			}
			c := launch(b, e.DSN, n)
			funds := api.AddFundsRequest{Amount: billing.New(1_000, billing.JPY), Gateway: "card", PolicyVersion: e.PolicyVersion(tokens[0])}

			var next atomic.Int64
			var failed atomic.Value
			lat := make([][]time.Duration, clients)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						t0 := time.Now()
						status, body := c.do(c.lb, "POST", "/v1/funds", tokens[w], funds, fmt.Sprintf("bench-%d-%d", w, i))
						t1 := time.Now()
						var inv api.Invoice
						if status != 201 || json.Unmarshal(body, &inv) != nil {
							failed.CompareAndSwap(nil, fmt.Sprintf("add funds: %d %s", status, body))
							return
						}
						if status, body := c.do(c.lb, "POST", "/v1/invoices/"+inv.ID+"/cancel", tokens[w], nil, fmt.Sprintf("bench-cancel-%d-%d", w, i)); status != 200 {
							failed.CompareAndSwap(nil, fmt.Sprintf("cancel: %d %s", status, body))
							return
						}
						lat[w] = append(lat[w], t1.Sub(t0), time.Since(t1))
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if f := failed.Load(); f != nil {
				b.Fatal(f)
			}
			all := slices.Sorted(slices.Values(slices.Concat(lat...)))
			pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / 1e6 }
			b.ReportMetric(float64(len(all))/elapsed.Seconds(), "writes/s")
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
