package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
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
		s.find() // Enter
		if s.typing != nil {
			// It would search again after the pause, replacing the list
			// and the choice made in it meanwhile.
			t.Error("a search is still waiting for the typing to pause")
		}
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

// Record asks first, naming the customer, the amount, the reason and the
// credit it leaves; cancelled, it books nothing. After Record succeeds the
// form is empty, the panel says what was booked and shows the new
// Available Credit, and so does the customer's row; a second click books
// nothing more.
func TestStaffAdjustmentClearsTheFormAndShowsWhatWasRecorded(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	s, rec := openCustomer(t, env, cust, nil)
	p := s.panel
	var name string
	rec.onUI(func() {
		name = s.pages.items[0].Name
		p.adjAmount.SetText("1,500")
		p.adjReason.SetText("Goodwill for the outage")
		test.Tap(p.record)
	})
	answerDialog(t, rec, p.env.win, "Cancel", "Record an adjustment for "+name+"?")
	rec.onUI(func() {
		if p.record.Disabled() {
			t.Fatal("Cancel sent the adjustment")
		}
	})
	if n := len(customerLedger(t, env, cust)); n != 0 {
		t.Fatalf("%d ledger entries after Cancel, want none", n)
	}
	adjusted := rec.mark(TaskAdjust)
	rec.onUI(func() { test.Tap(p.record) })
	answerDialog(t, rec, p.env.win, "Record adjustment", "¥1,500 will be added to the credit of "+name+" ("+cust.Email+")",
		"“Goodwill for the outage”", "Their credit becomes ¥1,500.")
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
		if got := s.pages.items[0].AvailableCredit; got != billing.New(1_500, billing.JPY) {
			t.Errorf("list row's balance %v", got)
		}
		test.Tap(p.record) // the second click of a double click, or a forgetful user
		if top := p.env.win.Canvas().Overlays().Top(); top != nil || p.record.Disabled() {
			t.Fatalf("the second click asked again or sent: %v", top != nil)
		}
	})
	if n := len(customerLedger(t, env, cust)); n != 1 {
		t.Fatalf("%d ledger entries after two clicks, want 1", n)
	}
	rec.onUI(func() {
		if !strings.Contains(p.adjResult.Text, "Enter a non-zero amount and a reason.") {
			t.Errorf("second click on an empty form: %q", p.adjResult.Text)
		}
	})
}

// answerDialog checks that the dialog on top of win says each of want,
// then taps its button labelled button.
func answerDialog(t *testing.T, rec *recorder, win fyne.Window, button string, want ...string) {
	t.Helper()
	rec.onUI(func() {
		top := win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no dialog")
		}
		text := strings.ReplaceAll(dump(top), "\n", " ")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("dialog lacks %q:\n%s", w, text)
			}
		}
		var b *widget.Button // the dialog's own
		for _, o := range shown(top) {
			if wb, ok := o.(*widget.Button); ok && wb.Text == button {
				b = wb
			}
		}
		if b == nil {
			t.Fatalf("no %q button in the dialog:\n%s", button, text)
		}
		test.Tap(b)
	})
}

// An account manager sees the customer's unpaid invoices, opens one, pays
// it from the customer's credit, and adds funds for the customer; each
// action asks first, naming the customer, and says what it did.
func TestStaffActForACustomer(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	ctx, now := context.Background(), time.Now()
	line := []server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 3_000, TaxRate: 10}}
	overdueID, err := env.Server.IssueServiceInvoice(ctx, cust.ID, now.Add(-40*24*time.Hour), now.Add(-10*24*time.Hour), line)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Server.IssueServiceInvoice(ctx, cust.ID, now, now.Add(14*24*time.Hour), line); err != nil {
		t.Fatal(err)
	}
	var staffClient *apiclient.Client
	s, rec := openCustomer(t, env, cust, func(sc *apiclient.Client, _ *Deps) { staffClient = sc })
	if _, err := staffClient.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), cust.ID,
		api.AdjustmentRequest{Amount: billing.New(2_000, billing.JPY), Reason: "Goodwill for the outage"}); err != nil {
		t.Fatal(err)
	}
	p := s.panel
	var name string
	rec.onUI(func() { name = s.pages.items[0].Name })
	reloaded := rec.mark(TaskCustomer)
	rec.onUI(p.reload)
	rec.wait(t, TaskCustomer, reloaded)

	var overdue api.Invoice
	rec.onUI(func() {
		if len(p.detail.invoices) != 2 {
			t.Fatalf("%d unpaid invoices listed, want 2", len(p.detail.invoices))
		}
		row := -1
		for i, inv := range p.detail.invoices {
			if inv.ID == overdueID {
				overdue, row = inv, i
			}
		}
		text := dump(p.object())
		for _, want := range []string{overdue.Number, fmtDate(overdue.DueAt), "¥3,300", "Overdue"} {
			if !strings.Contains(text, want) {
				t.Errorf("unpaid invoices lack %q:\n%s", want, text)
			}
		}
		p.invoices.Select(widget.TableCellID{Row: row, Col: unpaidNumber})
	})

	// The invoice opens read-only, with Apply Credit prefilled with the
	// smaller of credit (¥2,000) and amount due (¥3,300).
	rec.onUI(func() {
		v := p.invoice
		text := dump(p.object())
		if !p.invoice.root.Visible() || !strings.Contains(text, "Invoice "+overdue.Number) || !strings.Contains(text, "Bill to") {
			t.Fatalf("invoice not shown:\n%s", text)
		}
		if v.creditEntry.Text != "2000" || findButton(p.object(), "Pay Now!") != nil {
			t.Fatalf("apply credit prefilled %q", v.creditEntry.Text)
		}
		v.creditEntry.SetText("1,500")
		test.Tap(v.apply)
	})
	applied := rec.mark(TaskStaffCredit)
	answerDialog(t, rec, p.env.win, "Apply credit", name, cust.Email, "¥1,500", overdue.Number)
	rec.wait(t, TaskStaffCredit, applied)
	rec.onUI(func() {
		v := p.invoice
		for _, want := range []string{"¥1,500", name, overdue.Number, "Still due: ¥1,800", "credit left: ¥500"} {
			if !strings.Contains(v.result.Text, want) {
				t.Errorf("result %q lacks %q", v.result.Text, want)
			}
		}
		if p.credit.Text != "¥500" || s.pages.items[0].AvailableCredit.Amount != 500 || v.inv.BalanceDue.Amount != 1_800 {
			t.Errorf("after applying: panel %q, list %v, due %v", p.credit.Text, s.pages.items[0].AvailableCredit, v.inv.BalanceDue)
		}
		test.Tap(v.back)
	})
	entries := customerLedger(t, env, cust)
	if len(entries) != 2 || entries[0].Kind != billing.LedgerCreditApplied || entries[0].Amount.Amount != -1_500 {
		t.Fatalf("ledger: %+v", entries)
	}

	// Add funds for the customer: an unpaid add-funds invoice appears.
	rec.wait(t, TaskCustomer, reloaded+1)
	rec.onUI(func() {
		if !p.account.Visible() {
			t.Fatal("back did not return to the customer")
		}
		p.fundsAmount.SetText("10000")
		p.fundsGateway.SetSelected(p.detail.config.Gateways[len(p.detail.config.Gateways)-1].Name)
		test.Tap(p.addFunds)
	})
	created, listed := rec.mark(TaskStaffFunds), rec.mark(TaskCustomer)
	answerDialog(t, rec, p.env.win, "Create the invoice", name, cust.Email, "¥10,000")
	rec.wait(t, TaskStaffFunds, created)
	rec.wait(t, TaskCustomer, listed)
	rec.onUI(func() {
		if !strings.Contains(p.fundsResult.Text, name) || !strings.Contains(p.fundsResult.Text, "¥10,000") || p.fundsAmount.Text != "" {
			t.Errorf("add funds: result %q, amount left %q", p.fundsResult.Text, p.fundsAmount.Text)
		}
		if len(p.detail.invoices) != 3 {
			t.Errorf("%d unpaid invoices after adding funds, want 3", len(p.detail.invoices))
		}
	})
}

// The customer list fetches a page at a time from the server, the next
// one when its last rows come into view.
func TestCustomerListLoadsMoreAsItScrolls(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	total := 2*customerPageSize + 20
	for range total {
		env.NewCustomer(billing.JPY)
	}
	var counting *countingStaff
	a, rec := startStaff(t, env, func(sc *apiclient.Client, d *Deps) {
		counting = &countingStaff{StaffBackend: sc}
		d.Staff = counting
	})
	s := a.customers
	rec.wait(t, TaskCustomers, 0)
	rec.onUI(func() {
		if n := len(s.pages.items); n != customerPageSize || !strings.Contains(s.status.Text, "scroll for more") {
			t.Fatalf("first page: %d customers, status %q", n, s.status.Text)
		}
	})
	for _, want := range []int{2 * customerPageSize, total} {
		loaded := rec.mark(TaskCustomers)
		rec.onUI(s.results.ScrollToBottom)
		rec.wait(t, TaskCustomers, loaded)
		rec.onUI(func() {
			if n := len(s.pages.items); n != want {
				t.Fatalf("after scrolling: %d customers, want %d", n, want)
			}
		})
	}
	rec.onUI(func() {
		s.results.ScrollToBottom() // everything is loaded: no more requests
		if s.pages.loading {
			t.Fatal("scrolling to the end of all customers fetched again")
		}
		if s.status.Text != fmt.Sprintf("%d customers", total) || counting.searches.Load() != 3 {
			t.Fatalf("status %q after %d requests, want 3", s.status.Text, counting.searches.Load())
		}
		// The rows are the server's, in its order, each once.
		seen := map[string]bool{}
		for _, c := range s.pages.items {
			if seen[c.ID] {
				t.Fatalf("%s listed twice", c.Email)
			}
			seen[c.ID] = true
		}
	})
}

// A refusal staff meet while acting for a customer names the customer: it
// is their credit, not the staff member's, that is short. A deduction
// larger than the credit shown is refused before asking; one that another
// account manager made too large meanwhile, by the server. What was typed
// stays for another try.
func TestStaffProblemsNameTheCustomer(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	ctx := context.Background()
	var other *apiclient.Client // another account manager
	s, rec := openCustomer(t, env, cust, func(sc *apiclient.Client, _ *Deps) {
		other = sc
		if _, err := sc.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), cust.ID,
			api.AdjustmentRequest{Amount: billing.New(2_000, billing.JPY), Reason: "Goodwill for the outage"}); err != nil {
			t.Fatal(err)
		}
	})
	p := s.panel
	var name string
	rec.onUI(func() {
		name = s.pages.items[0].Name
		p.adjAmount.SetText("-3,000")
		p.adjReason.SetText("Refund of the duplicate charge")
		test.Tap(p.record)
		if top := p.env.win.Canvas().Overlays().Top(); top != nil {
			t.Errorf("asked to deduct more than the credit shown:\n%s", dump(top))
		}
		if want := "The available credit of " + name + " is not enough for this amount."; p.adjResult.Text != want {
			t.Errorf("deducting more than the credit says %q, want %q", p.adjResult.Text, want)
		}
	})
	if _, err := other.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), cust.ID,
		api.AdjustmentRequest{Amount: billing.New(-1_500, billing.JPY), Reason: "Correction"}); err != nil {
		t.Fatal(err)
	}
	rec.onUI(func() {
		p.adjAmount.SetText("-1,000")
		test.Tap(p.record)
	})
	refused := rec.mark(TaskAdjust)
	answerDialog(t, rec, p.env.win, "Record adjustment", "¥1,000 will be deducted from the credit of "+name, "Their credit becomes ¥1,000.")
	rec.wait(t, TaskAdjust, refused)
	rec.onUI(func() {
		if want := "The available credit of " + name + " is not enough for this amount."; p.adjResult.Text != want {
			t.Errorf("refused deduction says %q, want %q", p.adjResult.Text, want)
		}
		if p.adjAmount.Text != "-1,000" || p.adjReason.Text != "Refund of the duplicate charge" {
			t.Errorf("form after a refusal: %q, %q", p.adjAmount.Text, p.adjReason.Text)
		}
	})
	if n := len(customerLedger(t, env, cust)); n != 2 {
		t.Fatalf("%d ledger entries, want the two made through the API", n)
	}
}
