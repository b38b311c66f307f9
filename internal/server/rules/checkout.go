package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
)

// The sandbox checkout stands in for a PSP's hosted payment page: the app
// opens it in the system browser, the customer approves or declines, and
// the result reaches the ledger only through the callback, exactly as a
// real gateway's would. Its page is the HTTP layer's; what a submission
// does is here.

// Checkout is what the checkout page of a token shows.
type Checkout struct {
	Payment   api.Payment // as of now
	Invoice   string      // its number
	Gateway   string      // the gateway's name
	Card      bool        // the card gateway: a card form
	Challenge bool        // the card asked for 3-D Secure
}

func (s *Service) checkoutOf(tx *store.Tx, token string) (Checkout, store.Payment, api.Invoice, error) {
	stored, err := tx.PaymentByCheckoutToken(token)
	if err != nil {
		return Checkout{}, store.Payment{}, api.Invoice{}, notFound(err, "This checkout link is not valid.")
	}
	pay := s.current(stored)
	inv, err := s.Invoice(tx, pay.CustomerID, pay.InvoiceID)
	if err != nil {
		return Checkout{}, store.Payment{}, api.Invoice{}, err
	}
	c := Checkout{Payment: s.paymentView(pay), Invoice: inv.Number, Card: pay.Gateway == "card", Challenge: pay.Challenge}
	if g, ok := s.cfg.Gateways.Lookup(pay.Gateway); ok {
		c.Gateway = g.Info().Name
	}
	return c, pay, inv, nil
}

// Checkout reads the checkout a token opens; not_found for an unknown token.
func (s *Service) Checkout(ctx context.Context, token string) (Checkout, error) {
	var c Checkout
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		c, _, _, err = s.checkoutOf(tx, token)
		return err
	})
	return c, err
}

// CheckoutForm is a submission of the checkout page (or a script's).
type CheckoutForm struct {
	Action        string // approve or decline
	CardNumber    string // card gateway: a test card number, spaces allowed
	ChallengeCode string // the 3-D Secure code, when asked for
}

// Clean checks the action.
func (f CheckoutForm) Clean() (CheckoutForm, error) {
	if f.Action != "approve" && f.Action != "decline" {
		return f, problem.InvalidField("action", "invalid", "must be approve or decline")
	}
	return f, nil
}

// callbackTimeout bounds the delivery of a sandbox callback at checkout.
const callbackTimeout = 10 * time.Second

// SubmitCheckout applies a checkout submission: the sandbox decides the
// outcome, owes the callback and marks the payment processing in one
// transaction, then delivers the callback at once. An unknown test card
// number is validation_failed on card_number and changes nothing.
func (s *Service) SubmitCheckout(ctx context.Context, token string, f CheckoutForm) (api.SandboxResult, error) {
	f, err := f.Clean()
	if err != nil {
		return api.SandboxResult{}, err
	}
	var cid string
	err = s.read(ctx, func(tx *store.Tx) error {
		p, err := tx.PaymentByCheckoutToken(token)
		cid = p.CustomerID
		return notFound(err, "This checkout link is not valid.")
	})
	if err != nil {
		return api.SandboxResult{}, err
	}
	var result api.SandboxResult
	var hook *CallbackInput
	err = s.db.WriteTx(ctx, cid, func(tx *store.Tx) error {
		_, pay, inv, err := s.checkoutOf(tx, token)
		if err != nil {
			return err
		}
		result = api.SandboxResult{PaymentID: pay.ID}
		now := s.now()
		switch {
		case pay.State == billing.PaymentExpired:
			result.Status = "expired"
			return tx.SetPaymentState(pay.ID, billing.PaymentExpired, string(reasonExpired), now)
		case pay.State != billing.PaymentAwaitingAction:
			result.Status = string(pay.State)
			return nil
		case inv.Status != billing.InvoiceUnpaid:
			hook = &CallbackInput{Outcome: "failed", Reason: string(reasonNotPayable)}
		default:
			outcome, reason := gateway.Decide(pay.Gateway, f.Action, f.CardNumber, f.ChallengeCode)
			switch outcome {
			case gateway.OutcomeChallenge:
				result.Status, result.Message = string(outcome), string(reason)
				return tx.SetCardChallenge(pay.ID, now)
			case gateway.OutcomeInvalidCardNumber:
				return problem.InvalidField("card_number", "invalid", "is not a test card number")
			case gateway.OutcomeSucceeded:
				hook = &CallbackInput{Outcome: "succeeded"}
			default:
				hook = &CallbackInput{Outcome: "failed", Reason: string(reason)}
			}
		}
		hook.EventID, hook.PaymentID = auth.NewID("evt_"), pay.ID
		body, err := json.Marshal(hook)
		if err != nil {
			return fmt.Errorf("encode callback: %w", err)
		}
		// The callback is owed from the moment the payment says
		// 'processing': both are committed together, so whatever happens
		// before its delivery, RetryOwedCallbacks still has it to deliver.
		if err := tx.OweCallback(hook.EventID, body, now); err != nil {
			return err
		}
		if err := tx.SetPaymentState(pay.ID, billing.PaymentProcessing, "", now); err != nil {
			return err
		}
		pay.State = billing.PaymentProcessing
		return s.paymentReread(tx, pay)
	})
	if err != nil || hook == nil {
		return result, err
	}
	// The PSP tells the merchant through its callback; deliver it through
	// the same path an external delivery takes. A customer who closes the
	// page now must not cut the completion off, so it does not end with
	// the request. If it fails all the same, the payment stays
	// 'processing' until RetryOwedCallbacks delivers the callback.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callbackTimeout)
	defer cancel()
	switch _, err := s.ApplyCallback(dctx, *hook); {
	case err != nil:
		s.cfg.Log.WarnContext(ctx, "sandbox callback failed; it will be retried", "event", hook.EventID, "err", err)
		result.Status, result.Message = string(billing.PaymentProcessing), "The payment is being processed."
	case hook.Outcome == "succeeded":
		result.Status = "succeeded"
	default:
		result.Status, result.Message = "declined", hook.Reason
	}
	return result, nil
}
