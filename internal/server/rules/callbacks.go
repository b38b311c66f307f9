package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"billfold/api"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
)

// CallbackInput is a gateway's signed word on a payment; the HTTP layer
// has checked the signature.
type CallbackInput api.Webhook

// Clean checks that the event, the payment and an outcome are named.
func (in CallbackInput) Clean() (CallbackInput, error) {
	if in.EventID == "" || in.PaymentID == "" || (in.Outcome != "succeeded" && in.Outcome != "failed") {
		return in, problem.InvalidField("outcome", "invalid", "event_id, payment_id and outcome (succeeded|failed) are required")
	}
	return in, nil
}

// ApplyCallback records the sandbox gateway's final word on one of its
// payments (gateway.Registry.OnSandbox); any other is forbidden. Each event id
// is processed once; a repeated delivery (PSPs retry until acknowledged)
// is acknowledged as a duplicate without touching anything.
func (s *Service) ApplyCallback(ctx context.Context, in CallbackInput) (api.WebhookAck, error) {
	in, err := in.Clean()
	if err != nil {
		return api.WebhookAck{}, err
	}
	cid, err := s.PaymentOwner(ctx, in.PaymentID)
	if err != nil {
		return api.WebhookAck{}, err
	}
	ack := api.WebhookAck{Status: "processed"}
	err = s.db.WriteTx(ctx, cid, func(tx *store.Tx) error {
		pay, err := tx.PaymentByID(in.PaymentID)
		if err != nil {
			return notFound(err, "No such payment.")
		}
		if !s.cfg.Gateways.OnSandbox(pay.Gateway) {
			return problem.New(api.CodeForbidden, "The sandbox gateway cannot settle %s payments; staff confirm bank transfers.", pay.Gateway)
		}
		// A callback the sandbox owes is settled by the transaction that
		// processes it, so it is retried exactly until it has been.
		if err := tx.SettleCallback(in.EventID); err != nil {
			return err
		}
		fresh, err := tx.RecordGatewayEvent(in.EventID, in.PaymentID, s.now())
		if err != nil {
			return err
		}
		if !fresh {
			ack.Status = "duplicate"
			return nil
		}
		changed, err := s.completePayment(tx, in.PaymentID, in.Outcome == "succeeded", in.Reason, "")
		if err == nil && !changed {
			ack.Status = "duplicate"
		}
		return err
	})
	return ack, err
}

// CallbackRetryAfter is how long a sandbox callback may stay owed before
// RetryOwedCallbacks delivers it again, and how often it should run.
const CallbackRetryAfter = 30 * time.Second

// RetryOwedCallbacks delivers the sandbox callbacks still owed
// CallbackRetryAfter after their checkout: the delivery at checkout failed
// (a database error, a timeout, the process stopped between the two
// transactions). A repeat is harmless: ApplyCallback handles an event id
// once, and a payment that is already final is left alone, so the credit
// lands exactly once.
func (s *Service) RetryOwedCallbacks(ctx context.Context) error {
	var owed []store.OwedCallback
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		owed, err = tx.OwedCallbacks(s.now().Add(-CallbackRetryAfter))
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range owed {
		var in CallbackInput
		if err := json.Unmarshal(o.Body, &in); err != nil {
			errs = append(errs, fmt.Errorf("owed callback %s: %w", o.EventID, err))
			continue
		}
		if _, err := s.ApplyCallback(ctx, in); err != nil {
			errs = append(errs, fmt.Errorf("retry callback %s: %w", o.EventID, err))
		}
	}
	return errors.Join(errs...)
}
