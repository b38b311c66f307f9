package rules

import (
	"context"
	"errors"
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

// Payments through a payment service provider (a gateway.Remote: Stripe).
// Pay Now opens the provider's hosted checkout before the payment's
// transaction (OpenCheckout, then Pay), and the provider's signed webhook
// events complete, fail or dispute the payment (ApplyEvent). Nothing but
// an event checked against the stored payment moves money.

// ProviderCheckoutTTL is how long a provider's checkout stays open (Stripe
// takes 30 minutes to 24 hours).
const ProviderCheckoutTTL = time.Hour

// Paths of the pages the provider sends the customer's browser back to.
const (
	CheckoutDonePath      = "/checkout/done"
	CheckoutCancelledPath = "/checkout/cancelled"
)

// Opened is a provider's checkout opened for an attempt that Pay is about
// to record.
type Opened struct {
	PaymentID string
	InvoiceID string
	Gateway   string
	Amount    billing.Money
	Start     gateway.Start
}

// OpenCheckout opens the provider's checkout for paying the customer's
// invoice through in.Gateway, outside any transaction: the call may take
// seconds and must hold no account lock. It returns nil for a gateway that
// opens its attempts itself. The checkout belongs to a new payment id that
// Pay records; should Pay not commit, nobody ever sees its address and it
// expires unused. The checkout speaks lang, the language the payment was
// asked for in (the app's), or the browser's when lang is "".
func (s *Service) OpenCheckout(ctx context.Context, customerID, invoiceID string, in PayInput, lang string) (*Opened, error) {
	var (
		inv  api.Invoice
		g    gateway.Gateway
		user api.User
	)
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		if inv, g, err = s.payable(tx, customerID, invoiceID, in); err != nil {
			return err
		}
		user, err = s.Customer(tx, customerID)
		return err
	})
	if err != nil {
		return nil, err
	}
	remote, ok := g.(gateway.Remote)
	if !ok {
		return nil, nil
	}
	o := &Opened{PaymentID: auth.NewID("pay_"), InvoiceID: inv.ID, Gateway: g.Info().ID, Amount: inv.BalanceDue}
	base := *s.baseURL.Load()
	o.Start, err = remote.Open(ctx, gateway.Checkout{
		PaymentID: o.PaymentID, InvoiceID: inv.ID, Amount: inv.BalanceDue, Description: checkoutLine(inv, user.Locale),
		Email: user.Email, Locale: lang, SuccessURL: base + CheckoutDonePath, CancelURL: base + CheckoutCancelledPath,
		ExpiresAt: s.now().Add(ProviderCheckoutTTL),
	})
	switch {
	case errors.Is(err, gateway.ErrCheckoutRefused):
		s.cfg.Log.WarnContext(ctx, "payment provider refused a checkout", "gateway", o.Gateway, "invoice", inv.ID, "err", err)
		return nil, problem.OnField(api.CodeGatewayUnavailable, "gateway",
			"%s cannot take %s; choose another way to pay.", words.Text(g.Info().Name), billing.Format(inv.BalanceDue))
	case err != nil:
		s.cfg.Log.ErrorContext(ctx, "payment provider unavailable", "gateway", o.Gateway, "invoice", inv.ID, "err", err)
		return nil, problem.New(api.CodeGatewayError, "%s could not be reached. Try again in a moment.", words.Text(g.Info().Name))
	}
	return o, nil
}

// checkoutLine is what the provider's page says the customer pays for.
func checkoutLine(inv api.Invoice, locale string) string {
	if inv.Kind == billing.KindAddFunds {
		return DepositLine(locale) + " — " + inv.Number
	}
	if words.ForLocale(locale) == words.Japanese {
		return "請求書 " + inv.Number
	}
	return "Invoice " + inv.Number
}

// ApplyEvent acts on a provider's verified webhook event, once per event
// id: the event id is recorded in the transaction that acts on it. Events
// about payments this server does not know, and types it does not use, are
// acknowledged as ignored; an event that does not match the payment it
// names (amount, currency, ids) changes nothing and is validation_failed.
func (s *Service) ApplyEvent(ctx context.Context, gw string, ev gateway.Event) (api.WebhookAck, error) {
	ignored := api.WebhookAck{Status: "ignored"}
	if ev.Outcome == gateway.EventIgnore {
		s.cfg.Log.DebugContext(ctx, "provider event ignored", "gateway", gw, "event", ev.ID, "type", ev.Type, "why", ev.Reason)
		return ignored, nil
	}
	var pay store.Payment
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		if ev.Outcome == gateway.EventDispute {
			pay, err = tx.PaymentByCharge(gw, ev.Charge)
		} else {
			pay, err = tx.PaymentByID(ev.PaymentID)
		}
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.cfg.Log.WarnContext(ctx, "provider event names no payment of this server; ignored", "gateway", gw, "event", ev.ID,
			"type", ev.Type, "payment", ev.PaymentID, "charge", ev.Charge)
		return ignored, nil
	case err != nil:
		return api.WebhookAck{}, err
	}
	ack := api.WebhookAck{Status: "processed"}
	err = s.db.WriteTx(ctx, pay.CustomerID, func(tx *store.Tx) error {
		stored, err := tx.PaymentByID(pay.ID)
		if err != nil {
			return err
		}
		if err := s.checkEvent(ctx, gw, ev, stored); err != nil {
			return err
		}
		fresh, err := tx.RecordGatewayEvent(gw+":"+ev.ID, stored.ID, s.now())
		if err != nil {
			return err
		}
		if !fresh {
			ack.Status = "duplicate"
			return nil
		}
		changed, err := s.actOn(tx, gw, ev, stored)
		if err == nil && !changed {
			ack.Status = "duplicate"
		}
		return err
	})
	return ack, err
}

// checkEvent refuses an event that does not fit the payment it names.
func (s *Service) checkEvent(ctx context.Context, gw string, ev gateway.Event, pay store.Payment) error {
	err := ev.Check(gateway.Attempt{ID: pay.ID, InvoiceID: pay.InvoiceID, Amount: pay.Amount, Charge: pay.ProviderCharge})
	if err == nil && pay.Gateway != gw {
		err = &gateway.MismatchError{Field: "gateway", Msg: "the payment is a " + pay.Gateway + " payment, not " + gw}
	}
	var m *gateway.MismatchError
	if errors.As(err, &m) {
		s.cfg.Log.ErrorContext(ctx, "provider event does not match its payment; nothing changed", "gateway", gw, "event", ev.ID,
			"type", ev.Type, "payment", pay.ID, "field", m.Field, "err", m.Msg)
		// The provider's own words: a machine reads them, not a person.
		return problem.InvalidField(m.Field, "mismatch", "%s", m.Msg)
	}
	return err
}

// actOn does what a fresh, checked event says; false when it was news to
// nobody (a payment already final).
func (s *Service) actOn(tx *store.Tx, gw string, ev gateway.Event, pay store.Payment) (bool, error) {
	actor := "gateway:" + gw
	now := s.now()
	switch ev.Outcome {
	case gateway.EventCredit:
		// Stripe took the money, so it is credited even if the attempt
		// looks expired or failed here (the invoice was cancelled meanwhile,
		// or the webhook came late): money received is never lost.
		if pay.State == billing.PaymentSucceeded {
			return false, nil
		}
		if err := tx.SetProviderCharge(pay.ID, ev.Charge); err != nil {
			return false, err
		}
		return true, s.receive(tx, pay, actor)
	case gateway.EventPending:
		if pay.State != billing.PaymentAwaitingAction && pay.State != billing.PaymentCreated {
			return false, nil
		}
		if err := tx.SetProviderCharge(pay.ID, ev.Charge); err != nil {
			return false, err
		}
		if err := tx.SetPaymentState(pay.ID, billing.PaymentProcessing, "", now); err != nil {
			return false, err
		}
		return true, s.paymentReread(tx, pay)
	case gateway.EventFail:
		if pay.State.Final() {
			return false, nil
		}
		if err := tx.SetPaymentState(pay.ID, billing.PaymentFailed, ev.Reason, now); err != nil {
			return false, err
		}
		return true, s.paymentReread(tx, pay)
	case gateway.EventDispute:
		return s.dispute(tx, gw, ev, pay)
	}
	return false, fmt.Errorf("provider event %s: outcome %q", ev.ID, ev.Outcome)
}

// dispute records a disputed charge and reverses the credit it bought that
// is still unspent, never taking the balance below zero; the rest is left
// for staff, and the dispute and the audit trail say how much.
func (s *Service) dispute(tx *store.Tx, gw string, ev gateway.Event, pay store.Payment) (bool, error) {
	if known, err := tx.HasDispute(ev.Dispute.ID); err != nil || known {
		return false, err // known: a second event about a dispute already recorded
	}
	deposited, err := tx.Deposited(pay.ID)
	if err != nil {
		return false, err
	}
	reversedBefore, err := tx.DisputedReversals(pay.ID)
	if err != nil {
		return false, err
	}
	_, balance, err := s.customer(tx, pay.CustomerID)
	if err != nil {
		return false, err
	}
	c := pay.Amount.Currency
	reverse := max(min(ev.Amount.Amount, deposited-reversedBefore, balance), 0)
	d := api.Dispute{ID: ev.Dispute.ID, Gateway: gw, CustomerID: pay.CustomerID, PaymentID: pay.ID, InvoiceID: pay.InvoiceID,
		Amount: ev.Amount, Reason: ev.Dispute.Reason, Reversed: billing.New(reverse, c),
		Unrecovered: billing.New(ev.Amount.Amount-reverse, c), CreatedAt: store.Time(s.now())}
	summary := fmt.Sprintf("%s disputed (%s) on %s: %s reversed", billing.Format(d.Amount), d.Reason, pay.ID, billing.Format(d.Reversed))
	if d.Unrecovered.Amount > 0 {
		summary += fmt.Sprintf(", %s already spent — staff to settle with the customer", billing.Format(d.Unrecovered))
	}
	if reverse > 0 {
		entry, err := s.Book(tx, pay.CustomerID, Entry{Kind: billing.LedgerReversal, Amount: -reverse,
			Phrase:    words.M(phraseReversal, d.ID),
			Reference: d.ID, Actor: "gateway:" + gw, InvoiceID: pay.InvoiceID, PaymentID: pay.ID})
		if err != nil {
			return false, err
		}
		d.EntryID = entry.ID
	}
	if err := tx.InsertDispute(d); err != nil {
		return false, err
	}
	s.cfg.Log.Warn("payment disputed", "gateway", gw, "dispute", d.ID, "payment", pay.ID, "customer", pay.CustomerID,
		"amount", billing.Format(d.Amount), "reversed", billing.Format(d.Reversed), "unrecovered", billing.Format(d.Unrecovered))
	return true, tx.Audit("gateway:"+gw, "payment.dispute", pay.CustomerID, d.ID+" "+summary, s.now())
}

// Disputes is one page of the disputes, newest first, of customerID only
// when it is not "".
func (s *Service) Disputes(tx *store.Tx, customerID string, page Page) (api.DisputePage, error) {
	cursor, err := page.cursor()
	if err != nil {
		return api.DisputePage{}, err
	}
	items, next, err := tx.DisputePage(customerID, page.Limit, cursor)
	if err != nil {
		return api.DisputePage{}, pageError(err)
	}
	return api.DisputePage{Items: items, NextCursor: encodeCursor(next)}, nil
}

// RemoteGateway is the enabled gateway id when it is a Remote one.
func (s *Service) RemoteGateway(id string) (gateway.Remote, bool) {
	g, ok := s.cfg.Gateways.Lookup(id)
	if !ok {
		return nil, false
	}
	r, ok := g.(gateway.Remote)
	return r, ok
}
