package apiclient_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/server/servertest"
)

// The contract tests drive every client method against the real reference
// server; every request and answer is also checked against openapi.yaml.

func TestCustomerContract(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		ctx := context.Background()
		if err := env.Server.CreateVoucher(ctx, "WELCOME500", billing.New(500, billing.JPY), time.Time{}); err != nil {
			t.Fatal(err)
		}
		cust, staffUser := env.NewCustomer(billing.JPY), env.NewStaff()
		c := newClient(t, env.URL, fastOptions(), true)
		staff := signIn(t, env.URL, staffUser, fastOptions(), true)

		_, err := c.SignIn(ctx, cust.Email, "not the password")
		if e := apiErr(t, err); !e.IsUnauthorized() || e.Code != api.CodeInvalidCredentials || c.SignedIn() {
			t.Fatalf("wrong password: %v (signed in: %v)", err, c.SignedIn())
		}
		user := got(c.SignIn(ctx, cust.Email, cust.Password)).ok(t)
		if user.ID != cust.ID || user.Role != billing.RoleCustomer || !c.SignedIn() {
			t.Fatalf("signed in as %+v", user)
		}
		if me := got(c.Me(ctx)).ok(t); me.Email != cust.Email || me.Currency != billing.JPY {
			t.Fatalf("me: %+v", me)
		}
		cfg := got(c.Config(ctx)).ok(t)
		if cfg.Currency != billing.JPY || cfg.CreditPolicy.Version == "" || len(cfg.Gateways) == 0 {
			t.Fatalf("config: %+v", cfg)
		}
		if s := got(c.Summary(ctx)).ok(t); s.CustomerID != cust.ID || s.AvailableCredit != billing.Zero(billing.JPY) {
			t.Fatalf("summary: %+v", s)
		}

		// Add funds; the same key again is the same invoice, not a second one.
		key := apiclient.NewIdempotencyKey()
		req := api.AddFundsRequest{Amount: billing.New(3_000, billing.JPY), Gateway: "card", PolicyVersion: cfg.CreditPolicy.Version}
		inv := got(c.AddFunds(ctx, key, req)).ok(t)
		if again := got(c.AddFunds(ctx, key, req)).ok(t); again.ID != inv.ID || inv.Kind != billing.KindAddFunds {
			t.Fatalf("replay: %s vs %s", again.ID, inv.ID)
		}
		_, err = c.AddFunds(ctx, apiclient.NewIdempotencyKey(), req)
		if e := apiErr(t, err); !e.IsConflict() || e.Code != api.CodeOpenInvoiceExists || e.Detail == "" {
			t.Fatalf("second open invoice: %v", err)
		}

		// Pay by card through the sandbox checkout.
		p := got(c.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "card"})).ok(t)
		if p.NextAction.Type != api.ActionRedirect {
			t.Fatalf("card payment: %+v", p.NextAction)
		}
		if res := checkout(t, env, p); res.Status != "succeeded" {
			t.Fatalf("checkout: %+v", res)
		}
		if got := got(c.Payment(ctx, p.ID)).ok(t); got.State != billing.PaymentSucceeded {
			t.Fatalf("payment: %+v", got)
		}
		if got := got(c.Invoice(ctx, inv.ID)).ok(t); got.Status != billing.InvoicePaid || got.PaidAt == nil {
			t.Fatalf("invoice: %+v", got)
		}

		res := got(c.RedeemVoucher(ctx, apiclient.NewIdempotencyKey(), "welcome500")).ok(t)
		if res.Balance.Amount != 3_500 || res.Entry.Kind != billing.LedgerVoucher {
			t.Fatalf("voucher: %+v", res)
		}
		_, err = c.RedeemVoucher(ctx, apiclient.NewIdempotencyKey(), "WELCOME500")
		if e := apiErr(t, err); e.Code != api.CodeVoucherRedeemed || !e.IsValidation() {
			t.Fatalf("voucher twice: %v", err)
		} else if f, ok := e.FieldError("code"); !ok || f.Message == "" {
			t.Fatalf("voucher field error: %+v", e.Fields)
		}

		// Pay by bank transfer; staff confirm it.
		inv2 := got(c.AddFunds(ctx, apiclient.NewIdempotencyKey(), addFundsReq(5_000, billing.JPY, "bank_transfer"))).ok(t)
		p2 := got(c.Pay(ctx, apiclient.NewIdempotencyKey(), inv2.ID, api.PayRequest{Gateway: "bank_transfer"})).ok(t)
		if p2.NextAction.Type != api.ActionInstructions || p2.NextAction.Instructions == nil {
			t.Fatalf("bank transfer: %+v", p2.NextAction)
		}
		conf := got(staff.StaffConfirmPayment(ctx, apiclient.NewIdempotencyKey(), p2.ID,
			api.ConfirmRequest{Reference: p2.NextAction.Instructions.Reference, Note: "statement 11/25"})).ok(t)
		if conf.State != billing.PaymentSucceeded {
			t.Fatalf("confirmed: %+v", conf)
		}

		// Cancel an open add-funds invoice; cancelling twice is a conflict.
		inv3 := got(c.AddFunds(ctx, apiclient.NewIdempotencyKey(), addFundsReq(2_000, billing.JPY, "card"))).ok(t)
		if got := got(c.CancelInvoice(ctx, apiclient.NewIdempotencyKey(), inv3.ID)).ok(t); got.Status != billing.InvoiceCancelled {
			t.Fatalf("cancel: %+v", got)
		}
		_, err = c.CancelInvoice(ctx, apiclient.NewIdempotencyKey(), inv3.ID)
		if e := apiErr(t, err); !e.IsConflict() || e.Code != api.CodeNotCancellable {
			t.Fatalf("cancel twice: %v", err)
		}

		// Pay a service invoice with credit.
		svc := serviceInvoice(t, env, cust.ID)
		ac := got(c.ApplyCredit(ctx, apiclient.NewIdempotencyKey(), svc, api.ApplyCreditRequest{Amount: billing.New(500, billing.JPY)})).ok(t)
		if ac.Invoice.BalanceDue.Amount != 600 || ac.Balance.Amount != 8_000 {
			t.Fatalf("apply credit: due %v, balance %v", ac.Invoice.BalanceDue, ac.Balance)
		}
		_, err = c.ApplyCredit(ctx, apiclient.NewIdempotencyKey(), svc, api.ApplyCreditRequest{Amount: billing.New(601, billing.JPY)})
		if e := apiErr(t, err); !e.IsLimit() || e.Code != api.CodeAmountExceedsDue {
			t.Fatalf("too much credit: %v", err)
		}

		// Errors the UI shows next to a field, or as "not found".
		_, err = c.AddFunds(ctx, apiclient.NewIdempotencyKey(), addFundsReq(1, billing.JPY, "card"))
		if e := apiErr(t, err); !e.IsLimit() || e.Code != api.CodeBelowMinimum {
			t.Fatalf("below minimum: %v", err)
		} else if _, ok := e.FieldError("amount"); !ok {
			t.Fatalf("below minimum names no amount field: %+v", e.Fields)
		}
		_, err = c.AddFunds(ctx, apiclient.NewIdempotencyKey(), addFundsReq(1_000, billing.USD, "card"))
		if e := apiErr(t, err); e.Code != api.CodeCurrencyMismatch {
			t.Fatalf("wrong currency: %v", err)
		} else if f, ok := e.FieldError("amount"); !ok || f.Field != "amount.currency" {
			t.Fatalf("wrong currency field: %+v", e.Fields)
		}
		_, err = c.AddFunds(ctx, apiclient.NewIdempotencyKey(), api.AddFundsRequest{Amount: billing.New(1_000, billing.JPY)})
		if e := apiErr(t, err); !e.IsValidation() || e.Code != api.CodeValidation {
			t.Fatalf("missing fields: %v", err)
		} else if _, ok := e.FieldError("gateway"); !ok {
			t.Fatalf("missing gateway not named: %+v", e.Fields)
		}
		_, err = c.RedeemVoucher(ctx, "", "WELCOME500")
		if e := apiErr(t, err); e.Status != 0 || e.Kind != apiclient.KindUsage || !strings.Contains(e.Detail, "idempotency key") {
			t.Fatalf("a money-moving call without a key must fail before sending: %v", err)
		}
		_, err = c.Invoice(ctx, "inv_does_not_exist")
		if e := apiErr(t, err); !e.IsNotFound() {
			t.Fatalf("unknown invoice: %v", err)
		}
		_, err = c.StaffCustomers(ctx, "")
		if e := apiErr(t, err); !e.IsForbidden() {
			t.Fatalf("customer on a staff endpoint: %v", err)
		}

		// Pages: one at a time, and all of them.
		for range 4 {
			serviceInvoice(t, env, cust.ID)
		}
		total := count(t, env, `SELECT COUNT(*) FROM invoices WHERE customer_id = ?`, cust.ID)
		page := got(c.Invoices(ctx, apiclient.InvoiceQuery{Limit: 2})).ok(t)
		if len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("first page: %d items, cursor %q", len(page.Items), page.NextCursor)
		}
		all := collect(t, c.AllInvoices(ctx, apiclient.InvoiceQuery{Limit: 2}))
		if len(all) != total || total != 8 {
			t.Fatalf("all invoices: %d, server has %d", len(all), total)
		}
		// The summaries are the same invoices, in order, each as its full
		// invoice has it.
		sums := collect(t, c.AllInvoiceSummaries(ctx, apiclient.InvoiceQuery{Limit: 3}))
		if len(sums) != total {
			t.Fatalf("all summaries: %d, server has %d", len(sums), total)
		}
		for i := range all {
			if want := all[i].Summary(); sums[i] != want {
				t.Fatalf("summary %d: %+v, want %+v", i, sums[i], want)
			}
		}
		// The raw page holds the same invoices, each exactly as GET
		// /v1/invoices/{id} sends it.
		raw := got(c.RawInvoices(ctx, apiclient.InvoiceQuery{Limit: 2})).ok(t)
		if len(raw.Items) != 2 || raw.NextCursor != page.NextCursor {
			t.Fatalf("raw page: %d items, cursor %q", len(raw.Items), raw.NextCursor)
		}
		for i, item := range raw.Items {
			one := got(c.RawInvoice(ctx, page.Items[i].ID)).ok(t)
			if !bytes.Equal(item, one) {
				t.Fatalf("raw item %d differs from the invoice alone:\n%s\n%s", i, item, one)
			}
		}
		unpaid := collect(t, c.AllInvoices(ctx, apiclient.InvoiceQuery{Status: billing.InvoiceUnpaid, Limit: 3}))
		if len(unpaid) != 5 {
			t.Fatalf("unpaid invoices: %d, want 5", len(unpaid))
		}
		entries := count(t, env, `SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ?`, cust.ID)
		if lp := got(c.Ledger(ctx, apiclient.PageQuery{Limit: 1})).ok(t); len(lp.Items) != 1 || lp.NextCursor == "" {
			t.Fatalf("ledger page: %+v", lp)
		}
		ledger := collect(t, c.AllLedger(ctx, apiclient.PageQuery{Limit: 2}))
		if len(ledger) != entries || ledger[0].BalanceAfter.Amount != 8_000 {
			t.Fatalf("ledger: %d entries (server %d), newest %+v", len(ledger), entries, ledger[0])
		}
	})
}

func TestStaffContract(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		ctx := context.Background()
		cust, staffUser := env.NewCustomer(billing.USD), env.NewStaff()
		c := signIn(t, env.URL, cust, fastOptions(), true)
		staff := signIn(t, env.URL, staffUser, fastOptions(), true)

		list := got(staff.StaffCustomers(ctx, cust.Email)).ok(t)
		if len(list.Items) != 1 || list.Items[0].ID != cust.ID {
			t.Fatalf("search: %+v", list)
		}
		adj := got(staff.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), cust.ID,
			api.AdjustmentRequest{Amount: billing.New(20_00, billing.USD), Reason: "Goodwill credit for the outage"})).ok(t)
		if adj.Balance.Amount != 20_00 || adj.Entry.Kind != billing.LedgerAdjustment {
			t.Fatalf("adjustment: %+v", adj)
		}
		inv := got(staff.StaffAddFunds(ctx, apiclient.NewIdempotencyKey(), cust.ID, addFundsReq(50_00, billing.USD, "card"))).ok(t)
		if inv.CustomerID != cust.ID || inv.Status != billing.InvoiceUnpaid {
			t.Fatalf("staff add funds: %+v", inv)
		}
		cfg := got(staff.StaffConfig(ctx, cust.ID)).ok(t)
		if cfg.Currency != billing.USD || cfg.CreditPolicy.Version == "" || len(cfg.Gateways) == 0 {
			t.Fatalf("staff config: %+v", cfg)
		}
		var service string
		for range 2 {
			service = serviceInvoice(t, env, cust.ID)
		}
		mine := got(c.Summary(ctx)).ok(t)
		if theirs := got(staff.StaffSummary(ctx, cust.ID)).ok(t); theirs.AvailableCredit != mine.AvailableCredit ||
			theirs.UnpaidCount != mine.UnpaidCount || theirs.OpenAddFunds == nil {
			t.Fatalf("staff summary %+v, customer's %+v", theirs, mine)
		}
		if page := got(staff.StaffInvoices(ctx, cust.ID, apiclient.InvoiceQuery{Limit: 2})).ok(t); len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("staff invoice page: %+v", page)
		}
		if all := collect(t, staff.StaffAllInvoices(ctx, cust.ID, apiclient.InvoiceQuery{Limit: 2})); len(all) != 3 {
			t.Fatalf("staff all invoices: %d, want 3", len(all))
		}
		if raw := got(staff.StaffRawInvoices(ctx, cust.ID, apiclient.InvoiceQuery{})).ok(t); len(raw.Items) != 3 ||
			!bytes.Contains(raw.Items[0], []byte(`"customer_id":"`+cust.ID+`"`)) {
			t.Fatalf("staff raw invoices: %d items", len(raw.Items))
		}
		if err := staff.Health(ctx); err != nil {
			t.Fatalf("health: %v", err)
		}
		if lp := got(staff.StaffLedger(ctx, cust.ID, apiclient.PageQuery{})).ok(t); len(lp.Items) != 1 {
			t.Fatalf("staff ledger: %+v", lp)
		}
		if all := collect(t, staff.StaffAllLedger(ctx, cust.ID, apiclient.PageQuery{Limit: 1})); len(all) != 1 || all[0].Description != "Goodwill credit for the outage" {
			t.Fatalf("staff all ledger: %+v", all)
		}
		applied := got(staff.StaffApplyCredit(ctx, apiclient.NewIdempotencyKey(), cust.ID, service,
			api.ApplyCreditRequest{Amount: billing.New(5_00, billing.USD)})).ok(t)
		if applied.Balance.Amount != 15_00 || applied.Entry.Actor != staffUser.Email || applied.Invoice.CreditApplied.Amount != 5_00 {
			t.Fatalf("staff apply credit: %+v", applied)
		}
		audit := got(staff.StaffAudit(ctx, cust.ID)).ok(t)
		actions := map[string]bool{}
		for _, a := range audit.Items {
			actions[a.Action] = a.Actor == staffUser.Email
		}
		for _, want := range []string{"customer.adjustment", "customer.funds", "customer.summary", "customer.invoices", "customer.ledger",
			"customer.config", "customer.apply_credit"} {
			if !actions[want] {
				t.Fatalf("audit lacks %s: %+v", want, audit.Items)
			}
		}
		if everything := got(staff.StaffAudit(ctx, "")).ok(t); len(everything.Items) <= len(audit.Items) {
			t.Fatalf("unfiltered audit %d ≤ filtered %d (the search is audited too)", len(everything.Items), len(audit.Items))
		}
		// The whole trail, two records a page, is the first page's records.
		if all := collect(t, staff.StaffAllAudit(ctx, apiclient.AuditQuery{CustomerID: cust.ID, Limit: 2})); len(all) != len(audit.Items) ||
			all[0].ID != audit.Items[0].ID || all[len(all)-1].ID != audit.Items[len(audit.Items)-1].ID {
			t.Fatalf("all audit records, two a page: %d, first page of 200: %d", len(all), len(audit.Items))
		}
		// Every customer once, one a page.
		other := env.NewCustomer(billing.USD)
		var found []string
		for _, cu := range collect(t, staff.StaffAllCustomers(ctx, apiclient.CustomerQuery{Text: "test customer", Limit: 1})) {
			found = append(found, cu.ID)
		}
		if len(found) < 2 || !slices.Contains(found, cust.ID) || !slices.Contains(found, other.ID) {
			t.Fatalf("all customers, one a page: %v", found)
		}
		if first := got(staff.StaffCustomerPage(ctx, apiclient.CustomerQuery{Text: "test customer", Limit: 1})).ok(t); len(first.Items) != 1 || first.NextCursor == "" {
			t.Fatalf("first page of one: %+v", first)
		}
		_, err := staff.Summary(ctx)
		if e := apiErr(t, err); !e.IsForbidden() {
			t.Fatalf("staff on a customer endpoint: %v", err)
		}
		_, err = staff.StaffSummary(ctx, "")
		if e := apiErr(t, err); e.IsOffline() || e.Status != 0 {
			t.Fatalf("empty id must fail before sending: %v", err)
		}
	})
}

func TestSessionContract(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		ctx := context.Background()
		cust := env.NewCustomer(billing.EUR)
		sessions := func() int { return count(t, env, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, cust.ID) }

		var saved tokenLog
		opts := fastOptions()
		opts.OnRefreshToken = saved.save
		c := signIn(t, env.URL, cust, opts, true)
		if len(saved.all()) != 1 || saved.last() == "" {
			t.Fatalf("sign-in did not hand over the refresh token: %d calls", len(saved.all()))
		}
		before := sessions()

		// The access token expires; twenty concurrent calls share one refresh.
		env.Clock.Advance(16 * time.Minute)
		errs := make(chan error, 20)
		for range 20 {
			go func() {
				_, err := c.Summary(ctx)
				errs <- err
			}()
		}
		for range 20 {
			if err := <-errs; err != nil {
				t.Fatalf("call after expiry: %v", err)
			}
		}
		if n := sessions(); n != before+1 {
			t.Fatalf("%d refreshes for 20 concurrent calls, want 1", n-before)
		}
		if all := saved.all(); len(all) != 2 || all[1] == all[0] || all[1] == "" {
			t.Fatalf("rotated refresh token not handed over once: %d calls", len(all))
		}

		// Another run resumes from the saved token; the spent one is refused.
		spent := saved.last()
		var saved2 tokenLog
		opts2 := fastOptions()
		opts2.OnRefreshToken = saved2.save
		c2 := newClient(t, env.URL, opts2, true)
		if u := got(c2.Resume(ctx, spent)).ok(t); u.ID != cust.ID {
			t.Fatalf("resumed as %+v", u)
		}
		if me := got(c2.Me(ctx)).ok(t); me.ID != cust.ID || saved2.last() == "" || saved2.last() == spent {
			t.Fatalf("after resume: %+v", me)
		}
		var saved3 tokenLog
		opts3 := fastOptions()
		opts3.OnRefreshToken = saved3.save
		c3 := newClient(t, env.URL, opts3, true)
		_, err := c3.Resume(ctx, "bfr_never_issued")
		if e := apiErr(t, err); !e.IsUnauthorized() || c3.SignedIn() || len(saved3.all()) != 1 || saved3.last() != "" {
			t.Fatalf("unknown refresh token: %v, signed in %v, hook got %q", err, c3.SignedIn(), saved3.all())
		}

		// Sign out: the server ends the session and the hook forgets it.
		current := saved2.last()
		if err := c2.SignOut(ctx); err != nil {
			t.Fatal(err)
		}
		if c2.SignedIn() || saved2.last() != "" {
			t.Fatalf("still signed in after sign-out (hook: %q)", saved2.last())
		}
		_, err = c2.Summary(ctx)
		if e := apiErr(t, err); !e.IsUnauthorized() {
			t.Fatalf("call after sign-out: %v", err)
		}
		_, err = newClient(t, env.URL, fastOptions(), true).Resume(ctx, current)
		if e := apiErr(t, err); !e.IsUnauthorized() {
			t.Fatalf("refresh token of a signed-out session: %v", err)
		}
		if err := c2.SignOut(ctx); err != nil {
			t.Fatalf("signing out twice: %v", err)
		}
	})
}

func TestEventsContract(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		cust := env.NewCustomer(billing.JPY)
		c := signIn(t, env.URL, cust, fastOptions(), true)
		ctx, cancel := context.WithCancel(context.Background())
		updates := c.Events(ctx)
		waitFor(t, updates, "the stream", isState(apiclient.StreamLive))

		inv := got(c.AddFunds(ctx, apiclient.NewIdempotencyKey(), addFundsReq(3_000, billing.JPY, "card"))).ok(t)
		p := got(c.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "card"})).ok(t)
		checkout(t, env, p)

		var last int64
		seen := map[string]bool{}
		waitFor(t, updates, "the balance event", func(u apiclient.Update) bool {
			if u.Event == nil {
				t.Fatalf("unexpected update while live: %+v", u)
			}
			if u.Event.ID <= last {
				t.Fatalf("event %d after %d", u.Event.ID, last)
			}
			last = u.Event.ID
			seen[u.Event.Type] = true
			return u.Event.Type == api.EventBalance && u.Event.Balance.Amount == 3_000
		})
		if !seen[api.EventInvoice] || !seen[api.EventPayment] {
			t.Fatalf("event types seen: %v", seen)
		}
		cancel()
		for range updates {
			// drain: the channel closes once the subscription has stopped
		}

		// A staff account has no event stream: the subscription ends.
		staff := signIn(t, env.URL, env.NewStaff(), fastOptions(), true)
		u := waitFor(t, staff.Events(context.Background()), "closed", isState(apiclient.StreamClosed))
		if e := apiErr(t, u.Err); !e.IsForbidden() {
			t.Fatalf("staff stream: %v", u.Err)
		}
	})
}

// TestStatementContract: staff upload a bank statement file, list and
// read it, and resolve its queued line; the same file again is the same
// statement.
func TestStatementContract(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		ctx := context.Background()
		staff := signIn(t, env.URL, env.NewStaff(), fastOptions(), true)
		day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
		file, err := bankstatement.EncodeZengin(&bankstatement.Statement{Created: day, Accounts: []bankstatement.Account{{
			BankCode: "0005", BankName: "ﾐｽﾞﾅﾐ", BranchCode: "001", BranchName: "ﾏﾙﾉｳﾁ", Type: "1", Number: "7654321", Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞ",
			From: day, To: day, Opening: billing.New(0, billing.JPY)}},
			Lines: []bankstatement.Line{{Date: day, ValueDate: day, Direction: bankstatement.Deposit, Kind: "振込", InquiryNumber: "1",
				Amount: billing.New(3_300, billing.JPY), Remitter: "ﾀﾞﾚｶ ｼﾗﾅｲﾋﾄ"}}}, bankstatement.ZenginOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st := got(staff.StaffUploadStatement(ctx, file)).ok(t)
		if st.Format != "zengin" || st.Deposits != 1 || st.Queued != 1 || len(st.Lines) != 1 || st.Lines[0].Reason != api.QueueNoMatch {
			t.Fatalf("uploaded: %+v", st)
		}
		if again := got(staff.StaffUploadStatement(ctx, file)).ok(t); again.ID != st.ID {
			t.Fatalf("the same file made statement %s, then %s", st.ID, again.ID)
		}
		_, err = staff.StaffUploadStatement(ctx, []byte("not a statement"))
		if e := apiErr(t, err); e.Code != api.CodeStatementUnreadable || !strings.Contains(e.Detail, "line 1") {
			t.Fatalf("unreadable file: %v", err)
		}
		if page := got(staff.StaffStatements(ctx, apiclient.PageQuery{Limit: 10})).ok(t); len(page.Items) != 1 || page.Items[0].ID != st.ID {
			t.Fatalf("list: %+v", page)
		}
		if read := got(staff.StaffStatement(ctx, st.ID)).ok(t); read.ID != st.ID || len(read.Lines) != 1 {
			t.Fatalf("read: %+v", read)
		}
		line := got(staff.StaffResolveLine(ctx, apiclient.NewIdempotencyKey(), st.Lines[0].ID,
			api.ResolveLineRequest{Action: api.ActionNotOurs, Reason: "Returned to the sender"})).ok(t)
		if line.State != api.LineResolved || line.Resolution != api.ResolveNotOurs {
			t.Fatalf("resolved: %+v", line)
		}
	})
}
