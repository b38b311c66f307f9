package server_test

import (
	"net/http"
	"sync"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// Staff see a customer's billing configuration (what adding funds for
// them needs), audited.
func TestStaffReadACustomersConfig(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.USD)
		staff := e.NewStaff()
		var cfg api.Config
		e.MustJSON(e.Do("GET", "/v1/staff/customers/"+c.ID+"/config", staff.Token, nil, nil), 200, &cfg)
		var own api.Config
		e.MustJSON(e.Do("GET", "/v1/billing/config", c.Token, nil, nil), 200, &own)
		if cfg.Currency != billing.USD || cfg.CreditPolicy.Version != own.CreditPolicy.Version || len(cfg.Gateways) != len(own.Gateways) ||
			cfg.MinDeposit != own.MinDeposit {
			t.Fatalf("staff see %+v, the customer %+v", cfg, own)
		}
		wantProblem(t, e.Do("GET", "/v1/staff/customers/"+staff.ID+"/config", staff.Token, nil, nil), 404, api.CodeNotFound)
		wantProblem(t, e.Do("GET", "/v1/staff/customers/cus_nobody/config", staff.Token, nil, nil), 404, api.CodeNotFound)
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?customer_id="+c.ID, staff.Token, nil, nil), 200, &audit)
		if len(audit.Items) != 1 || audit.Items[0].Action != "customer.config" || audit.Items[0].Actor != staff.Email {
			t.Fatalf("audit: %+v", audit.Items)
		}
	})
}

// Staff apply a customer's credit to one of their invoices: the rules of
// the customer's own Apply Credit, the staff member as the entry's actor,
// one entry per key, audited; another customer's invoice is not found.
func TestStaffApplyACustomersCredit(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c, other := e.NewCustomer(billing.JPY), e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		adjust(t, e, staff, c, 5_000, "Opening balance for the staff credit test")
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 10_000, TaxRate: 10})
		path := "/v1/staff/customers/" + c.ID + "/invoices/" + id + "/apply-credit"
		req := api.ApplyCreditRequest{Amount: billing.New(3_000, billing.JPY)}

		wantProblem(t, e.Do("POST", path, staff.Token, req, nil), 400, api.CodeIdempotencyRequired)
		wantProblem(t, e.Do("POST", path, c.Token, req, servertest.Key()), 403, api.CodeForbidden)
		wantProblem(t, e.Do("POST", "/v1/staff/customers/"+other.ID+"/invoices/"+id+"/apply-credit", staff.Token, req, servertest.Key()), 404, api.CodeNotFound)
		wantProblem(t, e.Do("POST", path, staff.Token, api.ApplyCreditRequest{Amount: billing.New(6_000, billing.JPY)}, servertest.Key()), 422, api.CodeInsufficientCredit)
		wantProblem(t, e.Do("POST", path, staff.Token, api.ApplyCreditRequest{Amount: billing.New(1_000, billing.USD)}, servertest.Key()), 422, api.CodeCurrencyMismatch)
		if n := len(checkLedger(t, e, c.Token)); n != 1 {
			t.Fatalf("%d ledger entries after refusals, want 1", n)
		}

		key := servertest.Key()
		var res api.ApplyCreditResult
		e.MustJSON(e.Do("POST", path, staff.Token, req, key), 200, &res)
		if res.Balance.Amount != 2_000 || res.Invoice.CreditApplied.Amount != 3_000 || res.Invoice.BalanceDue.Amount != 8_000 ||
			res.Entry.Actor != staff.Email || res.Entry.Kind != billing.LedgerCreditApplied {
			t.Fatalf("applied: %+v", res)
		}
		if r := e.Do("POST", path, staff.Token, req, key); r.Status != 200 || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat with the key: %d %v", r.Status, r.Header)
		}
		wantProblem(t, e.Do("POST", path, staff.Token, api.ApplyCreditRequest{Amount: billing.New(1_000, billing.JPY)}, key), 422, api.CodeIdempotencyMismatch)
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 2 || entries[0].Actor != staff.Email {
			t.Fatalf("ledger: %+v", entries)
		}
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?customer_id="+c.ID, staff.Token, nil, nil), 200, &audit)
		if len(audit.Items) == 0 || audit.Items[0].Action != "customer.apply_credit" || audit.Items[0].Actor != staff.Email {
			t.Fatalf("audit: %+v", audit.Items)
		}
	})
}

// Staff and the customer applying credit at once never overdraw it, and
// one key books once however often it is sent.
func TestConcurrentStaffApplyCreditNeverOverdraws(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		adjust(t, e, staff, c, 3_000, "Opening balance for the concurrency test")
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 50_000, TaxRate: 10})
		staffPath := "/v1/staff/customers/" + c.ID + "/invoices/" + id + "/apply-credit"
		req := api.ApplyCreditRequest{Amount: billing.New(500, billing.JPY)}
		same := servertest.Key()
		var mu sync.Mutex
		ok, refused, replays := 0, 0, 0
		parallel(40, func(i int) {
			var r servertest.Response
			switch {
			case i < 10: // one staff action sent ten times
				r = e.Do("POST", staffPath, staff.Token, req, same)
			case i%2 == 0:
				r = e.Do("POST", staffPath, staff.Token, req, servertest.Key())
			default:
				r = e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, req, servertest.Key())
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == http.StatusOK && r.Header.Get("Idempotent-Replayed") == "true":
				replays++
			case r.Status == http.StatusOK:
				ok++
			case r.Status == 422 && r.Problem().Code == api.CodeInsufficientCredit:
				refused++
			case r.Status == 409 && r.Problem().Code == api.CodeIdempotencyInFlight:
				replays++ // the same key still in flight: the client retries
			default:
				t.Errorf("unexpected %d %s", r.Status, r.Body)
			}
		})
		// ¥3,000 of credit pays six ¥500 applications, whoever sends them.
		if ok != 6 || ok+refused+replays != 40 {
			t.Fatalf("%d applied, %d refused, %d replays; want 6 applied", ok, refused, replays)
		}
		entries := checkLedger(t, e, c.Token)
		if bal := entries[0].BalanceAfter.Amount; bal != 0 || len(entries) != 7 {
			t.Fatalf("balance %d after %d entries, want 0 after 7", bal, len(entries))
		}
	})
}

// One staff key sent for two customers at once books one adjustment, and
// the other request is refused as another request's key (or told it is in
// flight), never a 500: on PostgreSQL the key's save collided only at the
// commit, where nothing looked for it.
func TestOneStaffKeyForTwoCustomersAtOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		for round := range 10 {
			a, c := e.NewCustomer(billing.JPY), e.NewCustomer(billing.JPY)
			key := servertest.Key()
			results := make([]servertest.Response, 2)
			parallel(2, func(i int) {
				who := []servertest.Customer{a, c}[i]
				results[i] = e.Do("POST", "/v1/staff/customers/"+who.ID+"/adjustments", staff.Token,
					api.AdjustmentRequest{Amount: billing.New(1_000, billing.JPY), Reason: "Goodwill"}, key)
			})
			booked := 0
			for _, r := range results {
				switch {
				case r.Status == http.StatusCreated:
					booked++
				case r.Status == 422 && r.Problem().Code == api.CodeIdempotencyMismatch,
					r.Status == 409 && r.Problem().Code == api.CodeIdempotencyInFlight:
				default:
					t.Fatalf("round %d: %d %s", round, r.Status, r.Body)
				}
			}
			entries := len(checkLedger(t, e, a.Token)) + len(checkLedger(t, e, c.Token))
			if booked != 1 || entries != 1 {
				t.Fatalf("round %d: %d answered booked, %d ledger entries; want 1 and 1", round, booked, entries)
			}
		}
	})
}
