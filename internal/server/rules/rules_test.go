package rules_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
	"billfold/internal/server/store/sqlitestore"
	"billfold/internal/server/words"
)

// The rules on a real store and no HTTP: what a rule refuses, with which
// code and field, and that a refusal changes nothing.

const policy = "2026-06-01"

type fixture struct {
	rules    *rules.Service
	cfg      rules.Config
	db       *store.DB
	now      time.Time
	mu       sync.Mutex
	notified []string
	users    int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlitestore.Open(context.Background(), t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	f := &fixture{db: db, now: time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)}
	f.cfg = rules.Config{
		Now:             func() time.Time { return f.now },
		Log:             slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits:          map[billing.Currency]rules.Limits{billing.JPY: {MinDeposit: 1_000, MaxDeposit: 500_000, MaxBalance: 1_000_000}},
		MaxOpenAddFunds: 1,
		Policy:          api.CreditPolicy{Version: policy},
		Gateways:        gateway.NewRegistry(gateway.BankAccount{BankName: "Test Bank"}),
		Passwords:       auth.NewHasher(auth.TestCost),
		AccessTTL:       15 * time.Minute,
		RefreshTTL:      24 * time.Hour,
	}
	f.rules = rules.New(db, f.cfg)
	db.Subscribe(store.TopicEvents, func(id string) {
		f.mu.Lock()
		f.notified = append(f.notified, id)
		f.mu.Unlock()
	})
	return f
}

func (f *fixture) customer(t *testing.T) string {
	t.Helper()
	f.users++
	id, err := f.rules.CreateUser(context.Background(), rules.NewUser{Email: fmt.Sprintf("customer%d@example.test", f.users),
		Password: "pw", Name: "Customer", Role: billing.RoleCustomer, Locale: "en", Currency: billing.JPY})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// change runs op as the idempotency middleware would: in a write
// transaction holding the customer's lock.
func change[T any](t *testing.T, f *fixture, customerID string, op func(tx *store.Tx) (T, error)) (T, error) {
	t.Helper()
	var v T
	err := f.db.WriteTx(context.Background(), customerID, func(tx *store.Tx) (err error) {
		v, err = op(tx)
		return err
	})
	return v, err
}

// wantRefusal asserts that err is a refusal with code on field ("" for
// none).
func wantRefusal(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *problem.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("got %v, want a %s refusal", err, code)
	}
	if field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != field) {
		t.Fatalf("%s on fields %+v, want %s", code, e.Fields, field)
	}
}

func deposit(amount int64) rules.AddFundsInput {
	return rules.AddFundsInput{Amount: billing.New(amount, billing.JPY), Gateway: "card", PolicyVersion: policy}
}

func TestCleanRefusesAndNormalises(t *testing.T) {
	_, err := rules.AddFundsInput{}.Clean()
	var e *problem.Error
	if !errors.As(err, &e) || e.Code != api.CodeValidation || len(e.Fields) != 3 {
		t.Fatalf("an empty add-funds request: %+v", err)
	}
	_, err = rules.AdjustInput{Amount: billing.New(5, billing.JPY), Reason: "  ok  "}.Clean()
	wantRefusal(t, err, api.CodeValidation, "reason")
	in, err := rules.RedeemInput{Code: "  welcome1000 "}.Clean()
	if err != nil || in.Code != "WELCOME1000" {
		t.Fatalf("voucher code: %q, %v", in.Code, err)
	}
	si, err := rules.SignInInput{Email: " Yamada@Example.JP ", Password: "x"}.Clean()
	if err != nil || si.Email != "yamada@example.jp" {
		t.Fatalf("e-mail: %q, %v", si.Email, err)
	}
	_, err = rules.CheckoutForm{Action: "steal"}.Clean()
	wantRefusal(t, err, api.CodeValidation, "action")
}

func TestAddFundsRules(t *testing.T) {
	f := newFixture(t)
	cid := f.customer(t)
	usd := deposit(5_000)
	usd.Amount.Currency = billing.USD
	for _, c := range []struct {
		in          rules.AddFundsInput
		code, field string
	}{
		{usd, api.CodeCurrencyMismatch, "amount.currency"},
		{deposit(999), api.CodeBelowMinimum, "amount.amount"},
		{deposit(500_001), api.CodeAboveMaximum, "amount.amount"},
		{rules.AddFundsInput{Amount: billing.New(5_000, billing.JPY), Gateway: "card", PolicyVersion: "2020-01-01"}, api.CodePolicyVersion, "policy_version"},
		{rules.AddFundsInput{Amount: billing.New(5_000, billing.JPY), Gateway: "bitcoin", PolicyVersion: policy}, api.CodeGatewayUnavailable, "gateway"},
	} {
		_, err := change(t, f, cid, func(tx *store.Tx) (api.Invoice, error) { return f.rules.AddFunds(tx, cid, c.in) })
		wantRefusal(t, err, c.code, c.field)
	}
	if len(f.notified) != 0 {
		t.Fatalf("refusals woke event streams: %v", f.notified)
	}
	inv, err := change(t, f, cid, func(tx *store.Tx) (api.Invoice, error) { return f.rules.AddFunds(tx, cid, deposit(5_000)) })
	if err != nil || inv.Kind != billing.KindAddFunds || inv.BalanceDue.Amount != 5_000 || inv.DueAt != f.now.Add(rules.AddFundsDueIn) {
		t.Fatalf("add funds: %+v, %v", inv, err)
	}
	if len(f.notified) != 1 || f.notified[0] != cid {
		t.Fatalf("the committed invoice woke %v, want the customer's stream once", f.notified)
	}
	_, err = change(t, f, cid, func(tx *store.Tx) (api.Invoice, error) { return f.rules.AddFunds(tx, cid, deposit(5_000)) })
	wantRefusal(t, err, api.CodeOpenInvoiceExists, "")
	// Credit cannot pay a deposit of credit.
	_, err = change(t, f, cid, func(tx *store.Tx) (api.ApplyCreditResult, error) {
		return f.rules.ApplyCredit(tx, "customer@example.test", cid, inv.ID, rules.ApplyCreditInput{Amount: billing.New(100, billing.JPY)}, words.English)
	})
	wantRefusal(t, err, api.CodeCreditNotAllowed, "")
}

func TestCreditAndAdjustmentRules(t *testing.T) {
	f := newFixture(t)
	cid, other := f.customer(t), f.customer(t)
	adjust := func(customer string, in rules.AdjustInput) (api.LedgerResult, error) {
		return change(t, f, customer, func(tx *store.Tx) (api.LedgerResult, error) {
			return f.rules.Adjust(tx, "staff@example.test", customer, in)
		})
	}
	goodwill, err := adjust(cid, rules.AdjustInput{Amount: billing.New(1_000, billing.JPY), Reason: "Goodwill"})
	if err != nil || goodwill.Balance.Amount != 1_000 || goodwill.Entry.Actor != "staff@example.test" {
		t.Fatalf("adjustment: %+v, %v", goodwill, err)
	}
	_, err = adjust(cid, rules.AdjustInput{Amount: billing.New(1_000, billing.USD), Reason: "Goodwill"})
	wantRefusal(t, err, api.CodeCurrencyMismatch, "amount.currency")
	_, err = adjust(cid, rules.AdjustInput{Amount: billing.New(999_001, billing.JPY), Reason: "Too much"})
	wantRefusal(t, err, api.CodeBalanceLimit, "amount.amount")
	_, err = adjust(other, rules.AdjustInput{Amount: billing.New(-1_000, billing.JPY), Reason: "Not theirs", Reverses: goodwill.Entry.ID})
	wantRefusal(t, err, api.CodeValidation, "reverses")
	if _, err := adjust(cid, rules.AdjustInput{Amount: billing.New(-1_000, billing.JPY), Reason: "Undo", Reverses: goodwill.Entry.ID}); err != nil {
		t.Fatalf("reversal: %v", err)
	}
	_, err = adjust(cid, rules.AdjustInput{Amount: billing.New(-1_000, billing.JPY), Reason: "Undo again", Reverses: goodwill.Entry.ID})
	wantRefusal(t, err, api.CodeAlreadyReversed, "")

	// A debit beyond the credit is refused and books nothing.
	id, err := f.rules.IssueServiceInvoice(context.Background(), cid, f.now, f.now.Add(14*24*time.Hour),
		[]rules.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = change(t, f, cid, func(tx *store.Tx) (api.ApplyCreditResult, error) {
		return f.rules.ApplyCredit(tx, "customer@example.test", cid, id, rules.ApplyCreditInput{Amount: billing.New(100, billing.JPY)}, words.English)
	})
	wantRefusal(t, err, api.CodeInsufficientCredit, "amount.amount")
	var page api.LedgerPage
	if err := f.db.ReadTx(context.Background(), func(tx *store.Tx) (err error) {
		page, err = f.rules.ListLedger(tx, cid, rules.Page{}, words.English)
		return err
	}); err != nil || len(page.Items) != 2 || page.Items[0].BalanceAfter.Amount != 0 {
		t.Fatalf("ledger after the refused debit: %+v, %v", page.Items, err)
	}
}

func TestVoucherRules(t *testing.T) {
	f := newFixture(t)
	cid := f.customer(t)
	ctx := context.Background()
	if err := f.rules.CreateVoucher(ctx, "welcome", billing.New(500, billing.JPY), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := f.rules.CreateVoucher(ctx, "old", billing.New(500, billing.JPY), f.now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	redeem := func(code string) (api.LedgerResult, error) {
		return change(t, f, cid, func(tx *store.Tx) (api.LedgerResult, error) {
			return f.rules.Redeem(tx, cid, rules.RedeemInput{Code: code}, words.English)
		})
	}
	if res, err := redeem(" Welcome "); err != nil || res.Balance.Amount != 500 || res.Entry.Kind != billing.LedgerVoucher {
		t.Fatalf("redeem: %+v, %v", res, err)
	}
	for code, want := range map[string]string{"WELCOME": api.CodeVoucherRedeemed, "OLD": api.CodeVoucherExpired, "NOPE": api.CodeVoucherInvalid, " ": api.CodeValidation} {
		_, err := redeem(code)
		wantRefusal(t, err, want, "code")
	}
}

func TestSessionRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.rules.CreateUser(ctx, rules.NewUser{Email: "Staff@Example.test", Password: "secret", Name: "Staff", Role: billing.RoleStaff, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.rules.SignIn(ctx, rules.SignInInput{Email: "staff@example.test", Password: "wrong"})
	wantRefusal(t, err, api.CodeInvalidCredentials, "")
	_, err = f.rules.SignIn(ctx, rules.SignInInput{Email: "nobody@example.test", Password: "secret"})
	wantRefusal(t, err, api.CodeInvalidCredentials, "")
	sess, err := f.rules.SignIn(ctx, rules.SignInInput{Email: " STAFF@example.test", Password: "secret"})
	if err != nil || sess.User.Role != billing.RoleStaff {
		t.Fatalf("sign in: %+v, %v", sess, err)
	}
	if p, err := f.rules.Authenticate(ctx, sess.AccessToken); err != nil || p.User.ID != sess.User.ID {
		t.Fatalf("authenticate: %+v, %v", p, err)
	}
	f.now = f.now.Add(16 * time.Minute)
	_, err = f.rules.Authenticate(ctx, sess.AccessToken)
	wantRefusal(t, err, api.CodeTokenExpired, "")
	next, err := f.rules.Refresh(ctx, rules.RefreshInput{RefreshToken: sess.RefreshToken})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if err := f.rules.SignOut(ctx, rules.Principal{User: next.User, SessionID: mustSession(t, f, next.AccessToken)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.rules.Authenticate(ctx, next.AccessToken)
	wantRefusal(t, err, api.CodeUnauthorized, "")
}

// TestSignInWithNoRoomToCheckIsRateLimited: when as many password checks
// wait for a turn as may, a sign-in is refused as rate_limited with a
// Retry-After (the password was not checked, so not invalid_credentials),
// for a known account as for an unknown one, so that the answer tells
// nothing of which accounts exist.
func TestSignInWithNoRoomToCheckIsRateLimited(t *testing.T) {
	f := newFixture(t)
	f.customer(t)
	cfg := f.cfg
	cfg.Passwords = auth.NewBoundedHasher(auth.TestCost, 0, 0)
	busy := rules.New(f.db, cfg)
	for _, email := range []string{"customer1@example.test", "nobody@example.test"} {
		_, err := busy.SignIn(context.Background(), rules.SignInInput{Email: email, Password: "pw"})
		wantRefusal(t, err, api.CodeRateLimited, "")
		if e := (*problem.Error)(nil); errors.As(err, &e) && e.RetryAfter < 1 {
			t.Fatalf("%s: no Retry-After: %+v", email, e)
		}
	}
	if _, err := f.rules.SignIn(context.Background(), rules.SignInInput{Email: "customer1@example.test", Password: "pw"}); err != nil {
		t.Fatalf("with room to check: %v", err)
	}
}

func mustSession(t *testing.T, f *fixture, token string) string {
	t.Helper()
	p, err := f.rules.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return p.SessionID
}
