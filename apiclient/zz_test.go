package apiclient_test

import (
	"sync"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/server/servertest"
)

func TestZZDeadlock(t *testing.T) {
	for round := 0; round < 10; round++ {
		env := servertest.New(t, servertest.Backends(t)[0])
		c := env.NewCustomer(billing.JPY)
		var wg sync.WaitGroup
		start := time.Now()
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := env.Do("GET", "/v1/billing/summary", c.Token, nil, nil)
				if r.Status != 200 {
					t.Errorf("status %d", r.Status)
				}
			}()
		}
		wg.Wait()
		t.Logf("round %d: 20 concurrent GET /v1/billing/summary took %v", round, time.Since(start))
	}
}
