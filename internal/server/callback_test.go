package server_test

import (
	"context"
	"database/sql/driver"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/servertest"
	"billfold/internal/server/store"
)

// onTestPause runs inside the SQLite function test_pause(): a trigger that
// calls it lets a test act at an exact point of a server transaction.
var onTestPause atomic.Pointer[func()]

func init() {
	sqlite.MustRegisterScalarFunction("test_pause", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		if f := onTestPause.Load(); f != nil {
			(*f)()
		}
		return nil, nil
	})
}

func execSQL(t *testing.T, e *servertest.Env, queries ...string) {
	t.Helper()
	for _, q := range queries {
		if err := e.Server.DB().WriteTx(context.Background(), "", func(tx *store.Tx) error {
			_, err := tx.Exec(q)
			return err
		}); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func paymentState(t *testing.T, e *servertest.Env, c servertest.Customer, id string) billing.PaymentState {
	t.Helper()
	var p api.Payment
	e.MustJSON(e.Do("GET", "/v1/payments/"+id, c.Token, nil, nil), http.StatusOK, &p)
	return p.State
}

// owedCallbacks counts the sandbox callbacks not processed yet.
func owedCallbacks(t *testing.T, e *servertest.Env) int {
	t.Helper()
	var n int
	if err := e.Server.DB().ReadTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM sandbox_callbacks`).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

var approveCard = url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}}

// The checkout commits 'processing', then its callback fails: the payment
// must not stay 'processing'. The retrier delivers the callback later, and
// however often it runs, the credit lands once.
func TestFailedCheckoutCallbackIsRetriedAndCreditsOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		p := pay(t, e, c, addFunds(t, e, c, 10_000, "card").ID, "card")
		// The database refuses gateway events, so the callback's transaction fails.
		if e.Server.DB().Dialect() == store.Postgres {
			execSQL(t, e, `CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
				`CREATE TRIGGER test_refuse BEFORE INSERT ON gateway_events FOR EACH ROW EXECUTE FUNCTION test_refuse()`)
		} else {
			execSQL(t, e, `CREATE TRIGGER test_refuse BEFORE INSERT ON gateway_events BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
		}
		if res := checkout(t, e, p, approveCard); res.Status != "processing" {
			t.Fatalf("checkout with a failing callback: %+v", res)
		}
		if st := paymentState(t, e, c, p.ID); st != billing.PaymentProcessing {
			t.Fatalf("payment %s, want processing", st)
		}
		e.Clock.Advance(time.Minute)
		if err := e.Server.RetryCallbacks(context.Background()); err == nil || !strings.Contains(err.Error(), "injected failure") {
			t.Fatalf("retry while the database still refuses: %v", err)
		}
		if e.Server.DB().Dialect() == store.Postgres {
			execSQL(t, e, `DROP TRIGGER test_refuse ON gateway_events`)
		} else {
			execSQL(t, e, `DROP TRIGGER test_refuse`)
		}
		for range 2 {
			if err := e.Server.RetryCallbacks(context.Background()); err != nil {
				t.Fatalf("retry: %v", err)
			}
		}
		if st := paymentState(t, e, c, p.ID); st != billing.PaymentSucceeded {
			t.Fatalf("payment %s after the retry, want succeeded", st)
		}
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 1 || entries[0].Amount.Amount != 10_000 || entries[0].PaymentID != p.ID {
			t.Fatalf("ledger: %+v", entries)
		}
		if n := owedCallbacks(t, e); n != 0 {
			t.Fatalf("%d callbacks still owed after processing", n)
		}
	})
}

// A callback owed for less than the retry interval is left to the checkout
// that is delivering it.
func TestRecentCheckoutCallbackIsNotRetried(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	p := pay(t, e, c, addFunds(t, e, c, 10_000, "card").ID, "card")
	execSQL(t, e, `CREATE TRIGGER test_refuse BEFORE INSERT ON gateway_events BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
	checkout(t, e, p, approveCard)
	execSQL(t, e, `DROP TRIGGER test_refuse`)
	e.Clock.Advance(20 * time.Second)
	if err := e.Server.RetryCallbacks(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := paymentState(t, e, c, p.ID); st != billing.PaymentProcessing {
		t.Fatalf("payment %s, want processing until the callback is 30 s old", st)
	}
}

// The customer's browser goes away (the request's context ends) after the
// checkout committed 'processing', while its callback is being processed:
// the payment completes all the same, without waiting for a retry.
func TestCheckoutCompletesWhenTheCustomerLeaves(t *testing.T) {
	// SQLite, whose test_pause() runs Go code inside the transaction.
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	p := pay(t, e, c, addFunds(t, e, c, 10_000, "card").ID, "card")
	ctx, leave := context.WithCancel(context.Background())
	defer leave()
	onLeave := func() { leave() }
	onTestPause.Store(&onLeave)
	t.Cleanup(func() { onTestPause.Store(nil) })
	execSQL(t, e, `CREATE TRIGGER test_leave BEFORE INSERT ON gateway_events BEGIN SELECT test_pause(); END`)

	u, err := url.Parse(p.NextAction.URL)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(ctx, "POST", u.Path, strings.NewReader(approveCard.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	e.Server.Handler().ServeHTTP(httptest.NewRecorder(), req)
	if ctx.Err() == nil {
		t.Fatal("the trigger did not run: the test tested nothing")
	}
	if st := paymentState(t, e, c, p.ID); st != billing.PaymentSucceeded {
		t.Fatalf("payment %s after the customer left, want succeeded", st)
	}
	entries := checkLedger(t, e, c.Token)
	if len(entries) != 1 || entries[0].Amount.Amount != 10_000 {
		t.Fatalf("ledger: %+v", entries)
	}
	if n := owedCallbacks(t, e); n != 0 {
		t.Fatalf("%d callbacks still owed after processing", n)
	}
}
