package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// BenchmarkAddFunds measures POST /v1/funds over real HTTP on loopback
// against SQLite with 64 concurrent clients, each a different customer,
// each request with a new Idempotency-Key, as fast as the server answers
// (closed loop). It reports the throughput and latency percentiles.
func BenchmarkAddFunds(b *testing.B) { benchAddFunds(b, sqliteBackend, 0) }

// BenchmarkAddFundsAt2000rps offers the same 64 clients' load at a fixed
// 2,000 requests/s (open loop) and reports latency from each request's
// scheduled send time, so a stalled server cannot hide its queue
// (no coordinated omission).
func BenchmarkAddFundsAt2000rps(b *testing.B) { benchAddFunds(b, sqliteBackend, 2000) }

// BenchmarkAddFundsPostgres is BenchmarkAddFunds on PostgreSQL
// (BILLFOLD_TEST_PG_DSN; skipped without it).
func BenchmarkAddFundsPostgres(b *testing.B) { benchAddFunds(b, postgresBackend, 0) }

// BenchmarkAddFundsPostgresAt2000rps is BenchmarkAddFundsAt2000rps on
// PostgreSQL.
func BenchmarkAddFundsPostgresAt2000rps(b *testing.B) { benchAddFunds(b, postgresBackend, 2000) }

func sqliteBackend(b *testing.B) servertest.Backend { return servertest.Backends(b)[0] }

func postgresBackend(b *testing.B) servertest.Backend {
	bs := servertest.Backends(b)
	if len(bs) < 2 {
		b.Skip(servertest.PostgresDSNEnv + " is not set")
	}
	return bs[1]
}

func benchAddFunds(b *testing.B, backend func(*testing.B) servertest.Backend, rate float64) {
	// Measure the server as cmd/billfold-server runs it (GOGC=400).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	e := servertest.New(b, backend(b), func(o *server.Options) {
		o.MaxOpenAddFunds = -1
		o.Limits = map[billing.Currency]server.Limits{billing.JPY: {MinDeposit: 1, MaxDeposit: 1_000_000, MaxBalance: 1 << 60}}
	})
	const clients = 64
	tokens := make([]string, clients)
	for i := range tokens {
		tokens[i] = e.NewCustomer(billing.JPY).Token
	}
	body, _ := json.Marshal(api.AddFundsRequest{Amount: billing.New(5_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"})
	// A plain client: the OpenAPI validator would dominate the measurement.
	// Time spent inside the handler, to tell server stalls from client ones.
	var inServer struct {
		sync.Mutex
		d []time.Duration
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		e.Server.Handler().ServeHTTP(w, r)
		inServer.Lock()
		inServer.d = append(inServer.d, time.Since(t0))
		inServer.Unlock()
	}))
	defer hs.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	cpu := servertest.StartCPUMeter(e)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, b.N/clients+1)
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					break
				}
				t0 := time.Now()
				if rate > 0 {
					t0 = start.Add(time.Duration(float64(n-1) / rate * float64(time.Second)))
					time.Sleep(time.Until(t0))
				}
				req, _ := http.NewRequest("POST", hs.URL+"/v1/funds", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tokens[c])
				req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", n))
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	own, db := cpu()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.90), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	slices.Sort(inServer.d)
	b.ReportMetric(float64(inServer.d[len(inServer.d)*99/100].Microseconds())/1000, "server-p99-ms")
	// CPU per request tells a gain apart from a quieter machine: the test
	// process (client and server) and, on PostgreSQL, the database's.
	b.ReportMetric(float64(own.Microseconds())/float64(len(lat)), "go-cpu-µs/req")
	if db > 0 {
		b.ReportMetric(float64(db.Microseconds())/float64(len(lat)), "pg-cpu-µs/req")
	}
}
