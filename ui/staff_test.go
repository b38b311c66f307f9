package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// openCustomer opens the staff app, finds cust by e-mail and chooses them,
// waiting until their account is shown.
func openCustomer(t *testing.T, env *servertest.Env, cust servertest.Customer, setup func(sc *apiclient.Client, d *Deps)) (*customersScreen, *recorder) {
	t.Helper()
	a, rec := startStaff(t, env, setup)
	s := a.customers
	rec.wait(t, TaskCustomers, 0)
	found := rec.mark(TaskCustomers)
	rec.onUI(func() {
		s.search.SetText(cust.Email)
		s.find()
	})
	rec.wait(t, TaskCustomers, found)
	loaded := rec.mark(TaskCustomer)
	rec.onUI(func() { s.results.Select(0) })
	rec.wait(t, TaskCustomer, loaded)
	return s, rec
}

// customerLedger is a customer's whole ledger, read with their own session.
func customerLedger(t *testing.T, env *servertest.Env, cust servertest.Customer) []api.LedgerEntry {
	t.Helper()
	cc, err := apiclient.New(env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cc.SignIn(ctx, cust.Email, cust.Password); err != nil {
		t.Fatal(err)
	}
	var out []api.LedgerEntry
	for e, err := range cc.AllLedger(ctx, apiclient.PageQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// After Record succeeds the form is empty, the panel says what was booked
// and shows the new Available Credit, and so does the customer's row; a
// second click books nothing more.
func TestStaffAdjustmentClearsTheFormAndShowsWhatWasRecorded(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	s, rec := openCustomer(t, env, cust, nil)
	p := s.panel
	adjusted := rec.mark(TaskAdjust)
	rec.onUI(func() {
		p.adjAmount.SetText("1,500")
		p.adjReason.SetText("Goodwill for the outage")
		test.Tap(p.record)
	})
	rec.wait(t, TaskAdjust, adjusted)
	rec.onUI(func() {
		if p.adjAmount.Text != "" || p.adjReason.Text != "" {
			t.Errorf("form still filled: %q, %q", p.adjAmount.Text, p.adjReason.Text)
		}
		text := dump(p.object())
		for _, want := range []string{"¥1,500", "Goodwill for the outage", "New balance ¥1,500."} {
			if !strings.Contains(p.adjResult.Text, want) {
				t.Errorf("result %q lacks %q", p.adjResult.Text, want)
			}
		}
		if p.credit.Text != "¥1,500" || !strings.Contains(text, "¥1,500") {
			t.Errorf("panel's Available Credit %q", p.credit.Text)
		}
		if got := s.list[0].AvailableCredit; got != billing.New(1_500, billing.JPY) {
			t.Errorf("list row's balance %v", got)
		}
		test.Tap(p.record) // the second click of a double click, or a forgetful user
	})
	rec.runner.Wait() // whatever the click started has finished
	if n := len(customerLedger(t, env, cust)); n != 1 {
		t.Fatalf("%d ledger entries after two clicks, want 1", n)
	}
	rec.onUI(func() {
		if !strings.Contains(p.adjResult.Text, "Enter a non-zero amount and a reason.") {
			t.Errorf("second click on an empty form: %q", p.adjResult.Text)
		}
	})
}
