package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// One add-funds invoice is paid once, however many payment attempts it
// had: each new attempt replaces the one before, whose checkout then
// refuses to complete, and money a gateway reports for an invoice that no
// longer needs it is owed back instead of credited past the balance cap.

// nearCap is a customer billed in cur a tenth of the balance cap below it,
// with an add-funds invoice of that last tenth (the report's smith: $9,000
// of credit, ten attempts of $1,000 approved together, $19,000 credited).
func nearCap(t *testing.T, e *servertest.Env, staff servertest.Customer, cur billing.Currency, gateway string) (servertest.Customer, api.Invoice) {
	t.Helper()
	c := e.NewCustomer(cur)
	limit := server.DefaultLimits[cur].MaxBalance
	adjust(t, e, staff, c, limit-limit/10, "Opening balance just under the cap")
	return c, addFunds(t, e, c, limit/10, gateway)
}

// auditOf is the staff audit trail about a customer, newest first.
func auditOf(t *testing.T, e *servertest.Env, staff servertest.Customer, customerID, action string) []api.AuditRecord {
	t.Helper()
	var page api.AuditPage
	e.MustJSON(e.Do("GET", "/v1/staff/audit?limit=100&customer_id="+customerID, staff.Token, nil, nil), http.StatusOK, &page)
	var out []api.AuditRecord
	for _, a := range page.Items {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func TestTenAttemptsApprovedTogetherCreditOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()

		// Ten attempts opened one after the other, approved at once.
		c, inv := nearCap(t, e, staff, billing.USD, "card")
		attempts := make([]api.Payment, 10)
		for i := range attempts {
			attempts[i] = pay(t, e, c, inv.ID, "card")
		}
		results := make([]api.SandboxResult, len(attempts))
		parallel(len(attempts), func(i int) { results[i] = checkout(t, e, attempts[i], approveCard) })
		for i, r := range results {
			want := "expired" // replaced by the next attempt
			if i == len(results)-1 {
				want = "succeeded"
			}
			if r.Status != want {
				t.Errorf("attempt %d: %+v, want %s", i, r, want)
			}
		}
		paidOnce(t, e, c, inv.ID)

		// Ten customers' clicks racing: each opens an attempt and approves
		// it at once. Whatever the order, one attempt takes the money; an
		// attempt opened while another is being processed is refused.
		c, inv = nearCap(t, e, staff, billing.USD, "card")
		var mu sync.Mutex
		succeeded := 0
		parallel(10, func(i int) {
			r := e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c.Token, api.PayRequest{Gateway: "card"}, servertest.Key())
			if r.Status == http.StatusConflict && r.Problem().Code == api.CodeInvoiceNotPayable {
				return
			}
			var p api.Payment
			e.MustJSON(r, http.StatusCreated, &p)
			res := checkout(t, e, p, approveCard)
			mu.Lock()
			defer mu.Unlock()
			if res.Status == "succeeded" {
				succeeded++
			}
		})
		if succeeded != 1 {
			t.Errorf("%d racing attempts succeeded, want 1", succeeded)
		}
		paidOnce(t, e, c, inv.ID)
	})
}

// paidOnce checks that the add-funds invoice was paid by one attempt and
// credited once, up to the cap and not beyond.
func paidOnce(t *testing.T, e *servertest.Env, c servertest.Customer, invoiceID string) {
	t.Helper()
	var inv api.Invoice
	e.MustJSON(e.Do("GET", "/v1/invoices/"+invoiceID, c.Token, nil, nil), http.StatusOK, &inv)
	succeeded := 0
	for _, p := range inv.Payments {
		if p.State == billing.PaymentSucceeded {
			succeeded++
		}
	}
	if inv.Status != billing.InvoicePaid || inv.AmountPaid.Amount != inv.Total.Amount || succeeded != 1 {
		t.Fatalf("invoice paid %d by %d attempts (%s), want once", inv.AmountPaid.Amount, succeeded, inv.Status)
	}
	entries := checkLedger(t, e, c.Token)
	if len(entries) != 2 || entries[0].BalanceAfter.Amount != server.DefaultLimits[c.Currency].MaxBalance {
		t.Fatalf("ledger after one deposit up to the cap: %+v", entries)
	}
}

func TestCaptureOfAPaidAddFundsInvoiceIsOwedBack(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()

		// The customer chose PayPal, then card; the card paid. PayPal
		// reports its capture of the replaced attempt all the same.
		c, inv := nearCap(t, e, staff, billing.USD, "paypal")
		first := pay(t, e, c, inv.ID, "paypal")
		second := pay(t, e, c, inv.ID, "card")
		if got := paymentState(t, e, c, first.ID); got != billing.PaymentExpired {
			t.Fatalf("the replaced attempt is %s, want expired", got)
		}
		if res := checkout(t, e, second, approveCard); res.Status != "succeeded" {
			t.Fatalf("card checkout: %+v", res)
		}
		body, _ := json.Marshal(api.Webhook{EventID: "evt_late_paypal", PaymentID: first.ID, Outcome: "succeeded"})
		var ack api.WebhookAck
		e.MustJSON(e.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": e.Server.SignWebhook(body)}), http.StatusOK, &ack)
		if ack.Status != "processed" {
			t.Fatalf("late capture: %+v", ack)
		}
		if got := paymentState(t, e, c, first.ID); got != billing.PaymentSucceeded {
			t.Fatalf("the captured attempt is %s, want succeeded: its money was taken", got)
		}
		checkOwedBack(t, e, staff, c, inv.ID, first.ID, "paypal")

		// A bank transfer arrives for an attempt replaced by a card
		// payment: staff confirm it, and it is owed back too.
		c, inv = nearCap(t, e, staff, billing.JPY, "bank_transfer")
		transfer := pay(t, e, c, inv.ID, "bank_transfer")
		if res := checkout(t, e, pay(t, e, c, inv.ID, "card"), approveCard); res.Status != "succeeded" {
			t.Fatalf("card checkout: %+v", res)
		}
		ref := transfer.NextAction.Instructions.Reference
		var confirmed api.Payment
		e.MustJSON(e.Do("POST", "/v1/staff/payments/"+transfer.ID+"/confirm", staff.Token, api.ConfirmRequest{Reference: ref}, nil), http.StatusOK, &confirmed)
		if confirmed.State != billing.PaymentSucceeded {
			t.Fatalf("confirmed transfer: %+v", confirmed)
		}
		checkOwedBack(t, e, staff, c, inv.ID, transfer.ID, "bank_transfer")
	})
}

// checkOwedBack: the invoice was paid and credited once, and the audit
// trail staff read says the other payment's amount is to be refunded.
func checkOwedBack(t *testing.T, e *servertest.Env, staff, c servertest.Customer, invoiceID, paymentID, gateway string) {
	t.Helper()
	var inv api.Invoice
	e.MustJSON(e.Do("GET", "/v1/invoices/"+invoiceID, c.Token, nil, nil), http.StatusOK, &inv)
	if inv.Status != billing.InvoicePaid || inv.AmountPaid.Amount != inv.Total.Amount {
		t.Fatalf("invoice: %s, paid %d", inv.Status, inv.AmountPaid.Amount)
	}
	entries := checkLedger(t, e, c.Token)
	if len(entries) != 2 || entries[0].BalanceAfter.Amount != server.DefaultLimits[c.Currency].MaxBalance {
		t.Fatalf("the second capture reached the ledger: %+v", entries)
	}
	owed := auditOf(t, e, staff, c.ID, "payment.refund_due")
	if len(owed) != 1 || !strings.Contains(owed[0].Detail, paymentID) || !strings.Contains(owed[0].Detail, billing.Format(inv.Total)) ||
		!strings.Contains(owed[0].Detail, gateway) {
		t.Fatalf("refund due not recorded for staff: %+v", owed)
	}
	// The customer's payment says so: not credit, owed back.
	wantRefundDue(t, e, c, inv, paymentID, inv.Total)
}

// wantRefundDue: payment paymentID of inv, as its customer reads it, owes
// want back, and the invoice's other payments owe nothing.
func wantRefundDue(t *testing.T, e *servertest.Env, c servertest.Customer, inv api.Invoice, paymentID string, want billing.Money) {
	t.Helper()
	var p api.Payment
	e.MustJSON(e.Do("GET", "/v1/payments/"+paymentID, c.Token, nil, nil), http.StatusOK, &p)
	if p.RefundDue == nil || *p.RefundDue != want {
		t.Fatalf("payment %s: refund due %v, want %v", paymentID, p.RefundDue, want)
	}
	for _, other := range inv.Payments {
		if other.ID != paymentID && other.RefundDue != nil {
			t.Fatalf("payment %s owes %v back too", other.ID, other.RefundDue)
		}
	}
}

// TestServiceInvoiceExcessPastTheCapIsOwedBack: what a service invoice no
// longer needs becomes credit only while the balance cap has room for it.
func TestServiceInvoiceExcessPastTheCapIsOwedBack(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		c := e.NewCustomer(billing.JPY)
		adjust(t, e, staff, c, 999_000, "Opening balance ¥1,000 under the cap")
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10})
		first := pay(t, e, c, id, "card")
		second := pay(t, e, c, id, "paypal")
		for _, p := range []api.Payment{second, first} { // the replaced attempt's capture comes last
			body, _ := json.Marshal(api.Webhook{EventID: "evt_" + p.ID, PaymentID: p.ID, Outcome: "succeeded"})
			e.MustJSON(e.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": e.Server.SignWebhook(body)}), http.StatusOK, nil)
		}
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 1 || entries[0].BalanceAfter.Amount != 999_000 {
			t.Fatalf("¥1,100 credited past the cap's ¥1,000 of room: %+v", entries)
		}
		owed := auditOf(t, e, staff, c.ID, "payment.refund_due")
		if len(owed) != 1 || !strings.Contains(owed[0].Detail, first.ID) || !strings.Contains(owed[0].Detail, "¥1,100") {
			t.Fatalf("refund due not recorded for staff: %+v", owed)
		}
		var inv api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+id, c.Token, nil, nil), http.StatusOK, &inv)
		wantRefundDue(t, e, c, inv, first.ID, billing.New(1_100, billing.JPY))
	})
}

// TestDepositPastTheCapIsOwedBack: credit that arrives while an add-funds
// payment is on the gateway's page (the customer's own voucher, a staff
// adjustment) uses the headroom the deposit was opened with; the deposit
// is then credited as far as the balance cap allows and the rest is owed
// back, so that the balance never passes the cap (it reached ¥1,001,000
// and ¥1,400,000).
func TestDepositPastTheCapIsOwedBack(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		if err := e.Server.CreateVoucher(context.Background(), "WELCOME1000", billing.New(1_000, billing.JPY), time.Time{}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			meanwhile func(c servertest.Customer)
			owed      int64
		}{
			{"a voucher", func(c servertest.Customer) {
				e.MustJSON(e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: "WELCOME1000"}, nil), http.StatusOK, nil)
			}, 1_000},
			{"a staff adjustment", func(c servertest.Customer) { adjust(t, e, staff, c, 400_000, "Goodwill") }, 400_000},
		} {
			t.Run(c.name, func(t *testing.T) {
				cust := e.NewCustomer(billing.JPY)
				adjust(t, e, staff, cust, 500_000, "Opening balance")
				inv := addFunds(t, e, cust, 500_000, "card")
				p := pay(t, e, cust, inv.ID, "card")
				c.meanwhile(cust)
				if r := checkout(t, e, p, approveCard); r.Status != "succeeded" {
					t.Fatalf("checkout: %+v", r)
				}
				entries := checkLedger(t, e, cust.Token)
				if got := entries[0].BalanceAfter.Amount; got != 1_000_000 {
					t.Fatalf("balance ¥%d after the deposit, want the cap's ¥1,000,000: %+v", got, entries)
				}
				e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, cust.Token, nil, nil), http.StatusOK, &inv)
				if inv.Status != billing.InvoicePaid {
					t.Fatalf("invoice %s, want paid", inv.Status)
				}
				wantRefundDue(t, e, cust, inv, p.ID, billing.New(c.owed, billing.JPY))
				if owed := auditOf(t, e, staff, cust.ID, "payment.refund_due"); len(owed) != 1 || !strings.Contains(owed[0].Detail, p.ID) {
					t.Fatalf("refund due not recorded for staff: %+v", owed)
				}
			})
		}
	})
}
