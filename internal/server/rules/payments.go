package rules

import (
	"context"
	"fmt"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// Failure reasons of the sandbox checkout's, recorded in English like the
// gateways'; package words has them in the other languages.
const (
	reasonExpired    words.Text = "checkout expired"
	reasonNotPayable words.Text = "invoice is no longer payable"
)

// current is a stored payment as of now: an open checkout past its
// deadline is expired even before anyone writes that down.
func (s *Service) current(p store.Payment) store.Payment {
	if p.ExpiresAt != nil && p.ExpiresAt.UnixMicro() <= s.now().UnixMicro() && !p.State.Final() && p.State != billing.PaymentProcessing {
		p.State, p.FailureReason = billing.PaymentExpired, string(reasonExpired)
	}
	return p
}

// paymentView is a stored payment as the API shows it.
func (s *Service) paymentView(stored store.Payment) api.Payment {
	p := s.current(stored)
	v := api.Payment{ID: p.ID, InvoiceID: p.InvoiceID, Gateway: p.Gateway, State: p.State, Amount: p.Amount,
		NextAction: s.nextAction(p), FailureReason: p.FailureReason, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, ExpiresAt: p.ExpiresAt}
	if p.RefundDue > 0 {
		owed := billing.New(p.RefundDue, p.Amount.Currency)
		v.RefundDue = &owed
	}
	return v
}

// bankTransferNote is how to pay by bank transfer, in the language of the
// invoice it pays, like the invoice itself: it is printed on the invoice's
// PDF, and the same payment is part of every invoice and event that
// carries it, whoever asks.
const bankTransferNote words.Text = "Write the reference in the transfer's remitter name or memo field so we can match your payment."

// nextAction is what the customer must do to finish an open payment.
func (s *Service) nextAction(p store.Payment) api.NextAction {
	if p.State != billing.PaymentAwaitingAction && p.State != billing.PaymentCreated {
		return api.NextAction{Type: api.ActionNone}
	}
	if p.Gateway == gateway.BankTransferID {
		b := s.cfg.Gateways.Bank()
		return api.NextAction{Type: api.ActionInstructions, Instructions: &api.BankInstructions{
			BankName: b.BankName, BranchName: b.BranchName, AccountType: b.AccountType, AccountNumber: b.AccountNumber,
			AccountHolder: b.AccountHolder, Amount: p.Amount, Reference: p.Reference,
			Note: words.ForLocale(p.Language).T(bankTransferNote),
		}}
	}
	if p.CheckoutURL != "" { // a provider's hosted checkout
		return api.NextAction{Type: api.ActionRedirect, URL: p.CheckoutURL}
	}
	return api.NextAction{Type: api.ActionRedirect, URL: *s.baseURL.Load() + "/sandbox/checkout/" + p.CheckoutToken}
}

func (s *Service) storedPayment(tx *store.Tx, customerID, id string) (store.Payment, error) {
	p, err := tx.Payment(customerID, id)
	return p, notFound(err, "No payment with that id on this account.")
}

// Payment is one of the customer's payment attempts.
func (s *Service) Payment(tx *store.Tx, customerID, id string) (api.Payment, error) {
	p, err := s.storedPayment(tx, customerID, id)
	if err != nil {
		return api.Payment{}, err
	}
	return s.paymentView(p), nil
}

// PaymentOwner is the customer a payment belongs to, whose account lock a
// change to it must take.
func (s *Service) PaymentOwner(ctx context.Context, paymentID string) (string, error) {
	var p store.Payment
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		p, err = tx.PaymentByID(paymentID)
		return err
	})
	return p.CustomerID, notFound(err, "No such payment.")
}

// PayInput is a request to pay an invoice through a gateway.
type PayInput api.PayRequest

// Clean checks that a gateway is named.
func (in PayInput) Clean() (PayInput, error) {
	if in.Gateway == "" {
		return in, problem.InvalidField("gateway", "required", "is required")
	}
	return in, nil
}

// Pay opens a payment attempt of the invoice's balance due with a gateway.
// The gateway can be changed before paying by opening a new attempt. A
// Remote gateway's checkout was opened before the transaction
// (OpenCheckout); it must be for this invoice's balance due still.
func (s *Service) Pay(tx *store.Tx, customerID, invoiceID string, in PayInput, opened *Opened) (api.Payment, error) {
	inv, g, err := s.payable(tx, customerID, invoiceID, in)
	if err != nil {
		return api.Payment{}, err
	}
	if err := s.supersedeAttempts(tx, inv); err != nil {
		return api.Payment{}, err
	}
	now := s.now()
	id := auth.NewID("pay_")
	var start gateway.Start
	switch g := g.(type) {
	case gateway.Remote:
		if opened == nil || opened.InvoiceID != inv.ID || opened.Gateway != g.Info().ID || opened.Amount != inv.BalanceDue {
			return api.Payment{}, problem.New(api.CodeInvoiceNotPayable,
				"Invoice %s changed while the payment page was being opened (%s is due now). Pay again.", inv.Number, billing.Format(inv.BalanceDue))
		}
		id, start = opened.PaymentID, opened.Start
	case gateway.Local:
		start = g.Begin(now)
	}
	p := store.Payment{ID: id, InvoiceID: inv.ID, CustomerID: customerID, Gateway: g.Info().ID, Language: inv.Language,
		State: billing.PaymentAwaitingAction, Amount: inv.BalanceDue, Reference: start.Reference, CheckoutToken: start.CheckoutToken,
		CheckoutURL: start.URL, ProviderSession: start.Session, CreatedAt: store.Time(now), UpdatedAt: store.Time(now)}
	if start.ExpiresAt != nil {
		exp := store.Time(*start.ExpiresAt)
		p.ExpiresAt = &exp
	}
	if err := tx.InsertPayment(p); err != nil {
		return api.Payment{}, err
	}
	if inv.Kind == billing.KindAddFunds && inv.Gateway != g.Info().ID {
		if err := tx.SetInvoiceGateway(inv.ID, g.Info().ID); err != nil {
			return api.Payment{}, err
		}
	}
	return s.paymentChanged(tx, p)
}

// supersedeAttempts ends the invoice's open attempts before a new one
// opens, so that one checkout at a time can take the invoice's money: a
// checkout left open in another tab, approved after the customer chose
// again, finds its attempt expired instead of paying the invoice a second
// time (approving ten attempts at once credited an add-funds invoice ten
// times, past the balance cap). An attempt the gateway is processing may
// have the money already; while one is, no new attempt opens.
func (s *Service) supersedeAttempts(tx *store.Tx, inv api.Invoice) error {
	attempts, err := tx.UnfinishedPayments(inv.ID)
	if err != nil {
		return err
	}
	for _, p := range attempts {
		if p.State == billing.PaymentProcessing {
			return problem.New(api.CodeInvoiceNotPayable,
				"A payment of invoice %s is being processed; wait for its result.", inv.Number)
		}
	}
	for _, p := range attempts {
		if err := tx.SetPaymentState(p.ID, billing.PaymentExpired, "replaced by a newer payment attempt", s.now()); err != nil {
			return err
		}
		if err := s.paymentReread(tx, p); err != nil {
			return err
		}
	}
	return nil
}

// payable checks that the customer's invoice can be paid through the
// gateway in: unpaid, in a currency the gateway takes, and for a deposit,
// within the balance cap.
func (s *Service) payable(tx *store.Tx, customerID, invoiceID string, in PayInput) (api.Invoice, gateway.Gateway, error) {
	in, err := in.Clean()
	if err != nil {
		return api.Invoice{}, nil, err
	}
	stored, err := s.storedInvoice(tx, customerID, invoiceID)
	if err != nil {
		return api.Invoice{}, nil, err
	}
	inv := s.invoiceView(stored)
	if inv.Status != billing.InvoiceUnpaid || inv.BalanceDue.Amount <= 0 {
		return api.Invoice{}, nil, problem.New(api.CodeInvoiceNotPayable, "Invoice %s is %s and cannot be paid.", inv.Number, words.State(inv.Status))
	}
	g, ok := s.cfg.Gateways.Lookup(in.Gateway)
	if !ok || !g.Supports(inv.Currency) {
		return api.Invoice{}, nil, &problem.Error{Code: api.CodeGatewayUnavailable,
			Detail: words.M("Gateway %q is not available for %s.", in.Gateway, inv.Currency),
			Fields: []problem.FieldError{problem.Field("gateway", api.CodeGatewayUnavailable, "is not available")}}
	}
	if inv.Kind == billing.KindAddFunds {
		// The headroom was there when the invoice was made; credit that
		// arrived since (a voucher, an adjustment) may have used it.
		// Refuse before any money moves: once the gateway has taken it,
		// what the cap has no room for can only be owed back.
		_, balance, err := s.customer(tx, customerID)
		if err != nil {
			return api.Invoice{}, nil, err
		}
		if err := s.headroomFor(balance, inv.BalanceDue, "invoice"); err != nil {
			return api.Invoice{}, nil, err
		}
	}
	return inv, g, nil
}

// paymentChanged answers a payment after a change and records the
// payment.updated event.
func (s *Service) paymentChanged(tx *store.Tx, p store.Payment) (api.Payment, error) {
	v := s.paymentView(p)
	return v, s.emit(tx, p.CustomerID, api.Event{Type: api.EventPayment, Payment: &v})
}

// completePayment records a gateway's final word on a payment, under the
// customer's account lock. It is idempotent: a payment that succeeded or
// failed is left alone, so however many times a completion arrives the
// ledger is credited once (and the unique index on deposits per payment
// would refuse a second credit even if this check were wrong). An expired
// attempt (its checkout timed out, or a newer attempt replaced it) that
// the gateway says it captured all the same has the money: it succeeds
// late, and receive decides where the money goes. An empty actor means
// the gateway itself. It reports whether anything changed.
func (s *Service) completePayment(tx *store.Tx, paymentID string, succeeded bool, reason, actor string) (bool, error) {
	stored, err := tx.PaymentByID(paymentID)
	if err != nil {
		return false, notFound(err, "No such payment.")
	}
	pay := s.current(stored)
	if pay.State == billing.PaymentSucceeded || pay.State == billing.PaymentFailed || (pay.State == billing.PaymentExpired && !succeeded) {
		return false, nil
	}
	if actor == "" { // the gateway's own callback
		actor = "gateway:" + pay.Gateway
	}
	if !succeeded {
		if err := tx.SetPaymentState(pay.ID, billing.PaymentFailed, reason, s.now()); err != nil {
			return false, err
		}
		return true, s.paymentReread(tx, pay)
	}
	return true, s.receive(tx, pay, actor)
}

// receive records that the money of pay arrived: the payment succeeds, the
// invoice is paid as far as it still needs, and the rest is credited or
// owed back (creditOrRefund), all in the caller's transaction.
func (s *Service) receive(tx *store.Tx, pay store.Payment, actor string) error {
	now := s.now()
	if err := tx.SetPaymentState(pay.ID, billing.PaymentSucceeded, "", now); err != nil {
		return err
	}
	stored2, err := s.storedInvoice(tx, pay.CustomerID, pay.InvoiceID)
	if err != nil {
		return err
	}
	inv := s.invoiceView(stored2)
	applied := int64(0)
	if inv.Status == billing.InvoiceUnpaid {
		applied = min(pay.Amount.Amount, inv.BalanceDue.Amount)
	}
	if applied > 0 {
		var paidAt *time.Time
		if applied == inv.BalanceDue.Amount {
			paidAt = &now
		}
		if err := tx.AddAmountPaid(inv.ID, applied, paidAt); err != nil {
			return err
		}
	}
	credit, refund, err := s.creditOrRefund(tx, pay, inv, applied)
	if err != nil {
		return err
	}
	if refund > 0 {
		if err := s.refundDue(tx, pay, inv, refund, actor); err != nil {
			return err
		}
	}
	if credit > 0 {
		phrase := s.DepositVia(pay.Gateway, inv.Number)
		if inv.Kind != billing.KindAddFunds {
			phrase = words.M(phraseOverpayment, inv.Number)
		}
		if _, err := s.Book(tx, pay.CustomerID, Entry{Kind: billing.LedgerDeposit, Amount: credit,
			Phrase: phrase, Reference: inv.Number, Actor: actor, InvoiceID: inv.ID, PaymentID: pay.ID}); err != nil {
			return err
		}
	}
	if err := s.paymentReread(tx, pay); err != nil {
		return err
	}
	_, err = s.invoiceChanged(tx, pay.CustomerID, pay.InvoiceID)
	return err
}

// creditOrRefund splits what pay brought beyond the applied part of inv.
// Money received is never lost, nor does it beat the balance cap: what the
// cap has no room for is owed back to the customer. An add-funds invoice's
// headroom was checked when the attempt opened, but credit that came
// while the customer was on the gateway's page (a voucher, a staff
// adjustment, a bank transfer) may have used it since: the deposit is
// credited as far as the cap allows. An add-funds invoice is paid once, so
// a capture for one already paid (a second gateway's, a late bank
// transfer) is owed back whole. Money the invoice no longer needs otherwise
// (a service invoice paid meanwhile, a deposit cancelled while the customer
// was on the gateway's page) becomes account credit when the cap has room
// for all of it, and is owed back otherwise.
func (s *Service) creditOrRefund(tx *store.Tx, pay store.Payment, inv api.Invoice, applied int64) (credit, refund int64, err error) {
	excess := pay.Amount.Amount - applied
	if inv.Kind != billing.KindAddFunds && excess == 0 {
		return 0, 0, nil
	}
	_, balance, err := s.customer(tx, pay.CustomerID)
	if err != nil {
		return 0, 0, err
	}
	_, room, _ := s.underCap(balance, billing.New(0, pay.Amount.Currency))
	if inv.Kind == billing.KindAddFunds {
		credit = min(applied, room.Amount)
		refund = applied - credit
	}
	switch {
	case excess == 0:
	case inv.Kind == billing.KindAddFunds && inv.Status == billing.InvoicePaid:
		refund += excess
	case excess <= room.Amount-credit:
		credit += excess
	default:
		refund += excess
	}
	return credit, refund, nil
}

// refundDue records, on the payment (which the customer sees) and in the
// audit trail staff read, that amount of pay reached us for inv without
// being credited and must be refunded to the customer through the
// payment's gateway.
func (s *Service) refundDue(tx *store.Tx, pay store.Payment, inv api.Invoice, amount int64, actor string) error {
	if err := tx.SetRefundDue(pay.ID, amount, s.now()); err != nil {
		return err
	}
	owed := billing.Format(billing.New(amount, pay.Amount.Currency))
	s.cfg.Log.Warn("payment received that the invoice no longer needed; refund due", "payment", pay.ID, "invoice", inv.Number, "amount", owed)
	return tx.Audit(actor, "payment.refund_due", pay.CustomerID,
		fmt.Sprintf("%s: %s received through %s for %s, which did not need it; refund it to the customer",
			pay.ID, owed, pay.Gateway, inv.Number), s.now())
}

// paymentReread reads a payment back after a change and records the
// payment.updated event.
func (s *Service) paymentReread(tx *store.Tx, p store.Payment) error {
	stored, err := s.storedPayment(tx, p.CustomerID, p.ID)
	if err != nil {
		return err
	}
	_, err = s.paymentChanged(tx, stored)
	return err
}
