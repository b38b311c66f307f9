package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
	"billfold/internal/server/store"
)

// parallel runs f n times at once and waits.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestFiftyIdenticalAddFundsMakeOneInvoice(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b, func(o *server.Options) { o.MaxOpenAddFunds = -1 })
		c := e.NewCustomer(billing.JPY)
		key := servertest.Key()
		req := api.AddFundsRequest{Amount: billing.New(10_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"}
		bodies := make([]string, 50)
		parallel(50, func(i int) {
			r := e.Do("POST", "/v1/funds", c.Token, req, key)
			if r.Status != http.StatusCreated {
				t.Errorf("attempt %d: %d %s", i, r.Status, r.Body)
			}
			bodies[i] = string(r.Body)
		})
		for i := range bodies {
			if bodies[i] != bodies[0] {
				t.Fatalf("response %d differs:\n%s\n%s", i, bodies[i], bodies[0])
			}
		}
		var page api.InvoicePage
		e.MustJSON(e.Do("GET", "/v1/invoices?status=all", c.Token, nil, nil), 200, &page)
		if len(page.Items) != 1 {
			t.Fatalf("%d invoices from one key, want 1", len(page.Items))
		}
		// Same key, different parameters: refused, nothing created.
		req.Amount.Amount = 20_000
		wantProblem(t, e.Do("POST", "/v1/funds", c.Token, req, key), 422, api.CodeIdempotencyMismatch)
		// A replay says so.
		req.Amount.Amount = 10_000
		if r := e.Do("POST", "/v1/funds", c.Token, req, key); r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay not marked: %v", r.Header)
		}
		wantProblem(t, e.Do("POST", "/v1/funds", c.Token, req, nil), 400, api.CodeIdempotencyRequired)
	})
}

// Invoice numbers stay one gap-free series when many customers invoice at
// once, and the number a response shows (first answer and replay) is the
// stored invoice's: on PostgreSQL it is taken only at the commit.
func TestConcurrentInvoicesNumberedWithoutGaps(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b, func(o *server.Options) { o.MaxOpenAddFunds = -1 })
		const customers, perCustomer = 16, 3
		cs := make([]servertest.Customer, customers)
		for i := range cs {
			cs[i] = e.NewCustomer(billing.JPY)
		}
		req := api.AddFundsRequest{Amount: billing.New(1_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"}
		got := make([]api.Invoice, customers*perCustomer)
		parallel(customers*perCustomer, func(i int) {
			c, key := cs[i%customers], servertest.Key()
			r := e.Do("POST", "/v1/funds", c.Token, req, key)
			if r.Status != http.StatusCreated || json.Unmarshal(r.Body, &got[i]) != nil {
				t.Errorf("add funds %d: %d %s", i, r.Status, r.Body)
				return
			}
			var replay api.Invoice
			if rr := e.Do("POST", "/v1/funds", c.Token, req, key); json.Unmarshal(rr.Body, &replay) != nil || replay.Number != got[i].Number {
				t.Errorf("replay %d: %s, first answer %s", i, rr.Body, got[i].Number)
			}
			var stored api.Invoice
			e.MustJSON(e.Do("GET", "/v1/invoices/"+got[i].ID, c.Token, nil, nil), 200, &stored)
			if stored.Number != got[i].Number {
				t.Errorf("invoice %s stored as %s, answered as %s", got[i].ID, stored.Number, got[i].Number)
			}
		})
		seen := map[string]bool{}
		for _, inv := range got {
			seen[inv.Number] = true
		}
		year := e.Clock.Now().Year()
		for n := 1; n <= customers*perCustomer; n++ {
			if want := fmt.Sprintf("INV-%d-%06d", year, n); !seen[want] {
				t.Errorf("%s missing from %v", want, seen)
			}
		}
	})
}

func TestHundredConcurrentApplyCreditNeverOverdraw(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		adjust(t, e, staff, c, 10_000, "Opening balance for the concurrency test")
		var ids []string
		for range 10 {
			ids = append(ids, serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 5_000, TaxRate: 10}))
		}
		// 100 × ¥300 = ¥30,000 against ¥10,000 of credit and ¥55,000 due.
		var mu sync.Mutex
		ok, refused := 0, 0
		parallel(100, func(i int) {
			r := e.Do("POST", "/v1/invoices/"+ids[i%10]+"/apply-credit", c.Token,
				api.ApplyCreditRequest{Amount: billing.New(300, billing.JPY)}, servertest.Key())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == 200:
				ok++
			case r.Status == 422 && r.Problem().Code == api.CodeInsufficientCredit:
				refused++
			default:
				t.Errorf("unexpected %d %s", r.Status, r.Body)
			}
		})
		if ok != 33 || refused != 67 {
			t.Fatalf("%d applied, %d refused; want 33 and 67", ok, refused)
		}
		entries := checkLedger(t, e, c.Token)
		if bal := entries[0].BalanceAfter.Amount; bal != 100 {
			t.Fatalf("balance %d, want 100", bal)
		}
		var applied int64
		for _, id := range ids {
			var inv api.Invoice
			e.MustJSON(e.Do("GET", "/v1/invoices/"+id, c.Token, nil, nil), 200, &inv)
			applied += inv.CreditApplied.Amount
		}
		if applied != 9_900 {
			t.Fatalf("credit applied on invoices %d, ledger debits 9,900", applied)
		}
	})
}

func TestCompletionDeliveredTenTimesCreditsOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.USD)
		inv := addFunds(t, e, c, 250_00, "paypal")
		p := pay(t, e, c, inv.ID, "paypal")
		hook := func(eventID string) (string, map[string]string) {
			body, _ := json.Marshal(api.Webhook{EventID: eventID, PaymentID: p.ID, Outcome: "succeeded"})
			return string(body), map[string]string{"Billfold-Signature": e.Server.SignWebhook(body)}
		}
		body, sig := hook("evt_same")
		acks := make([]api.WebhookAck, 10)
		parallel(10, func(i int) {
			e.MustJSON(e.Do("POST", "/v1/webhooks/sandbox", "", body, sig), 200, &acks[i])
		})
		processed := 0
		for _, a := range acks {
			if a.Status == "processed" {
				processed++
			}
		}
		if processed != 1 {
			t.Fatalf("%d deliveries processed, want 1: %+v", processed, acks)
		}
		// Different event ids for the same payment (a PSP resending under a
		// new id) still credit once.
		parallel(10, func(i int) {
			body, sig := hook("evt_" + string(rune('a'+i)))
			e.MustJSON(e.Do("POST", "/v1/webhooks/sandbox", "", body, sig), 200, nil)
		})
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 1 || entries[0].Amount.Amount != 250_00 {
			t.Fatalf("ledger: %+v", entries)
		}
		// Forged or stale signatures are refused.
		wantProblem(t, e.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": "t=1,v1=00"}), 401, api.CodeUnauthorized)
		wantProblem(t, e.Do("POST", "/v1/webhooks/sandbox", "", body, nil), 401, api.CodeUnauthorized)
	})
}

func TestConcurrentPaymentsOfOneInvoiceNeverLoseMoney(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10})
		var pays []api.Payment
		for range 3 {
			pays = append(pays, pay(t, e, c, id, "card"))
		}
		parallel(3, func(i int) {
			body, _ := json.Marshal(api.Webhook{EventID: "evt_" + pays[i].ID, PaymentID: pays[i].ID, Outcome: "succeeded"})
			e.MustJSON(e.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": e.Server.SignWebhook(body)}), 200, nil)
		})
		var inv api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+id, c.Token, nil, nil), 200, &inv)
		if inv.Status != billing.InvoicePaid || inv.AmountPaid.Amount != 1_100 {
			t.Fatalf("invoice: %+v", inv)
		}
		// Two of the three charges were not needed: they become credit.
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 2 || entries[0].BalanceAfter.Amount != 2_200 {
			t.Fatalf("overpayments not credited: %+v", entries)
		}
	})
}

func TestLedgerIsAppendOnlyInTheDatabase(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		adjust(t, e, e.NewStaff(), c, 1_000, "Seed the ledger for the append-only test")
		db := e.Server.DB()
		for _, q := range []string{`UPDATE ledger_entries SET amount = 999999`, `DELETE FROM ledger_entries`, `UPDATE audit_log SET actor = 'x'`} {
			err := db.WriteTx(context.Background(), "", func(tx *store.Tx) error { _, err := tx.Exec(q); return err })
			if err == nil {
				t.Fatalf("%s succeeded", q)
			}
		}
		checkLedger(t, e, c.Token)
	})
}

// A cold server (nothing prepared yet) answering many reads at once must
// not stall: read transactions never wait for a second connection.
func TestConcurrentColdReads(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		parallel(20, func(int) {
			if r := e.Do("GET", "/v1/billing/summary", c.Token, nil, nil); r.Status != http.StatusOK {
				t.Errorf("summary: %d", r.Status)
			}
		})
	})
}

// A client that hangs up while its write runs must never fail anyone
// else's: on SQLite the writes waiting together share one transaction, and
// an interrupted statement would roll all of them back. Once the writer
// has taken a write, it runs to its verdict.
func TestHungUpClientsNeverFailOtherWrites(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b, func(o *server.Options) { o.MaxOpenAddFunds = -1 })
		c := e.NewCustomer(billing.JPY)
		const n = 64
		body, err := json.Marshal(api.AddFundsRequest{Amount: billing.New(1_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]map[string]string, n)
		for i := range keys {
			keys[i] = servertest.Key()
		}
		hungUp := func(i int) bool { return i%2 == 1 }
		parallel(n, func(i int) {
			ctx := context.Background()
			if hungUp(i) {
				// After 2 to 126 ms, spread over the burst: some before
				// their write starts, some while it runs, some after it
				// committed.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Duration(2+i/2*4)*time.Millisecond)
				defer cancel()
			}
			req, _ := http.NewRequestWithContext(ctx, "POST", e.URL+"/v1/funds", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+c.Token)
			req.Header.Set("Idempotency-Key", keys[i]["Idempotency-Key"])
			resp, err := e.Client.Do(req)
			if err != nil {
				if !hungUp(i) {
					t.Errorf("request %d: %v", i, err)
				}
				return
			}
			r := readResp(t, resp)
			resp.Body.Close()
			if r.Status != http.StatusCreated && (!hungUp(i) || ctx.Err() == nil) {
				t.Errorf("request %d: %d %s", i, r.Status, r.Body)
			}
		})
		// Each hung-up request committed exactly once or not at all: its
		// key replays the invoice it made, or makes it now.
		replayed := 0
		for i := range n {
			if !hungUp(i) {
				continue
			}
			r := e.Do("POST", "/v1/funds", c.Token, body, keys[i])
			if r.Status != http.StatusCreated {
				t.Fatalf("retry of hung-up request %d: %d %s", i, r.Status, r.Body)
			}
			if r.Header.Get("Idempotent-Replayed") == "true" {
				replayed++
			}
		}
		var invoices int
		if err := e.Server.DB().ReadTx(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT COUNT(*) FROM invoices WHERE customer_id = ?`, c.ID).Scan(&invoices)
		}); err != nil {
			t.Fatal(err)
		}
		if invoices != n {
			t.Fatalf("%d invoices from %d keys", invoices, n)
		}
		checkLedger(t, e, c.Token)
		t.Logf("%d of %d hung-up requests had committed", replayed, n/2)
	})
}

// slowInsert writes one event of the customer "cancelled"; with 1 it takes
// far longer than 10 ms, with 0 no time.
var slowInsert = map[store.Dialect]string{
	store.SQLite: `INSERT INTO events (customer_id, type, data, created_at)
		WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000 * ?)
		SELECT 'cancelled', 'test', '{}', MAX(x) FROM n`,
	store.Postgres: `INSERT INTO events (customer_id, type, data, created_at)
		SELECT 'cancelled', 'test', '{}', 0 FROM pg_sleep(0.3 * $1)`,
}

// The same at the store, deterministically: a write whose context ends
// while its (long) statement runs, in one batch with others. On SQLite an
// interrupted write statement rolls back the whole shared transaction, so
// each of the others would fail; instead the cancelled write runs to its
// verdict too, and commits.
func TestWriteCancelledMidStatementRunsToItsVerdict(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		db := e.Server.DB()
		// Hold the writer so that the writes below queue up and share
		// the next batch (on PostgreSQL they simply run side by side).
		release := make(chan struct{})
		held := make(chan struct{})
		go func() {
			_ = db.WriteTx(context.Background(), "", func(*store.Tx) error {
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		const others = 8
		errs := make([]error, others+1)
		var wg sync.WaitGroup
		for i := range others + 1 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				errs[i] = db.WriteTx(ctx, "", func(tx *store.Tx) error {
					if i == others { // the one whose client hangs up mid-statement
						// Once quickly, so that the statement is prepared
						// and the slow run starts at once.
						if _, err := tx.Exec(slowInsert[db.Dialect()], 0); err != nil {
							return err
						}
						time.AfterFunc(10*time.Millisecond, cancel)
						_, err := tx.Exec(slowInsert[db.Dialect()], 1)
						return err
					}
					_, err := tx.Exec(`INSERT INTO events (customer_id, type, data, created_at) VALUES (?, 'test', '{}', 0)`, "other")
					return err
				})
			}()
		}
		time.Sleep(20 * time.Millisecond) // let them queue behind the held write
		close(release)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
		var got [2]int
		if err := db.ReadTx(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT (SELECT COUNT(*) FROM events WHERE customer_id = 'other'),
				(SELECT COUNT(*) FROM events WHERE customer_id = 'cancelled')`).Scan(&got[0], &got[1])
		}); err != nil {
			t.Fatal(err)
		}
		if got != [2]int{others, 2} {
			t.Fatalf("committed %d other writes and %d rows of the cancelled one, want %d and 2", got[0], got[1], others)
		}
	})
}
