package stripegw

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"billfold/billing"
)

// WebhookTolerance is how old a signed event may be: a captured request
// cannot be replayed later than this.
const WebhookTolerance = 5 * time.Minute

// Errors of ParseWebhook; both mean "answer 400, change nothing".
var (
	// ErrSignature: missing, malformed, wrong or stale Stripe-Signature.
	ErrSignature = errors.New("invalid Stripe signature")
	// ErrMalformedEvent: signed, but not an event this gateway can read
	// (wrong API version, broken object, test event on a live account…).
	ErrMalformedEvent = errors.New("malformed Stripe event")
)

// Outcome is what the rules layer does with an event.
type Outcome string

// Outcomes.
const (
	// OutcomeCredit: the attempt is paid; after Check, complete the payment
	// and credit the ledger once (deduplicate by Event.ID and payment state).
	OutcomeCredit Outcome = "credit"
	// OutcomePending: the customer finished Checkout with an asynchronous
	// method (e.g. konbini); the money follows in async_payment_succeeded.
	OutcomePending Outcome = "pending"
	// OutcomeFail: the attempt failed or expired; mark it failed.
	OutcomeFail Outcome = "fail"
	// OutcomeDispute: the customer's bank disputed a charge; look the
	// payment up by PaymentIntentID, record the dispute and reverse what is
	// still unspent.
	OutcomeDispute Outcome = "dispute"
	// OutcomeIgnore: nothing to do (another event type, or a session that
	// Billfold did not open). Answer 200 so Stripe stops sending it.
	OutcomeIgnore Outcome = "ignore"
)

// Event is a verified Stripe event reduced to what Billfold acts on.
type Event struct {
	ID       string // evt_…: the deduplication key
	Type     string // Stripe's event type
	Created  time.Time
	Livemode bool
	Outcome  Outcome
	Reason   string // why: for the payment's failure text and the log

	// checkout.session.* events.
	SessionID         string
	PaymentID         string // metadata billfold_payment_id
	InvoiceID         string // metadata billfold_invoice_id
	ClientReferenceID string
	PaymentStatus     string // paid | unpaid | no_payment_required

	// Both kinds: the PaymentIntent (record it on credit; disputes name it).
	PaymentIntentID string
	// The session's amount_total, or the disputed amount.
	Amount billing.Money

	// charge.dispute.created.
	DisputeID     string
	ChargeID      string
	DisputeReason string
}

// Event types Billfold acts on.
const (
	EventCheckoutCompleted      = "checkout.session.completed"
	EventCheckoutAsyncSucceeded = "checkout.session.async_payment_succeeded"
	EventCheckoutAsyncFailed    = "checkout.session.async_payment_failed"
	EventCheckoutExpired        = "checkout.session.expired"
	EventDisputeCreated         = "charge.dispute.created"
)

// ParseWebhook verifies the Stripe-Signature header of payload with the
// library's verifier (the webhook secret, WebhookTolerance) and reads the
// event. Events of other types come back as OutcomeIgnore, not as errors.
func (g *Gateway) ParseWebhook(payload []byte, signature string) (Event, error) {
	se, err := webhook.ConstructEventWithOptions(payload, signature, g.webhookSecret.Reveal(),
		webhook.ConstructEventOptions{Tolerance: WebhookTolerance})
	if err != nil {
		return Event{}, g.webhookError(err)
	}
	if se.ID == "" || se.Data == nil {
		return Event{}, fmt.Errorf("%w: the event has no id or data", ErrMalformedEvent)
	}
	if se.Livemode != g.live {
		return Event{}, fmt.Errorf("%w: a livemode=%t event reached a %s gateway", ErrMalformedEvent, se.Livemode, map[bool]string{true: "live", false: "test"}[g.live])
	}
	ev := Event{ID: se.ID, Type: string(se.Type), Created: time.Unix(se.Created, 0).UTC(), Livemode: se.Livemode}
	switch ev.Type {
	case EventCheckoutCompleted, EventCheckoutAsyncSucceeded, EventCheckoutAsyncFailed, EventCheckoutExpired:
		err = readSession(&ev, se.Data.Raw)
	case EventDisputeCreated:
		err = readDispute(&ev, se.Data.Raw)
	default:
		ev.Outcome, ev.Reason = OutcomeIgnore, "event type not used by Billfold"
	}
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

// webhookError maps the verifier's errors: the signature ones to
// ErrSignature, anything after a valid signature to ErrMalformedEvent.
func (g *Gateway) webhookError(err error) error {
	for _, sigErr := range []error{webhook.ErrNotSigned, webhook.ErrInvalidHeader, webhook.ErrNoValidSignature, webhook.ErrTooOld} {
		if errors.Is(err, sigErr) {
			return fmt.Errorf("%w: %s", ErrSignature, sigErr.Error())
		}
	}
	return fmt.Errorf("%w: %s", ErrMalformedEvent, g.scrub(err.Error()))
}

func readSession(ev *Event, raw json.RawMessage) error {
	var s stripe.CheckoutSession
	if err := json.Unmarshal(raw, &s); err != nil || s.ID == "" {
		return fmt.Errorf("%w: %s is not a checkout session", ErrMalformedEvent, ev.Type)
	}
	ev.SessionID, ev.ClientReferenceID, ev.PaymentStatus = s.ID, s.ClientReferenceID, string(s.PaymentStatus)
	ev.PaymentID, ev.InvoiceID = s.Metadata[MetadataPaymentID], s.Metadata[MetadataInvoiceID]
	ev.Amount = fromStripeAmount(s.AmountTotal, string(s.Currency))
	if s.PaymentIntent != nil {
		ev.PaymentIntentID = s.PaymentIntent.ID
	}
	if ev.PaymentID == "" || s.Mode != stripe.CheckoutSessionModePayment {
		ev.Outcome, ev.Reason = OutcomeIgnore, "not a checkout session opened by Billfold"
		return nil
	}
	switch ev.Type {
	case EventCheckoutCompleted:
		switch s.PaymentStatus {
		case stripe.CheckoutSessionPaymentStatusPaid:
			ev.Outcome = OutcomeCredit
		case stripe.CheckoutSessionPaymentStatusUnpaid:
			ev.Outcome, ev.Reason = OutcomePending, "the payment is processing; Stripe reports the result later"
		default:
			ev.Outcome, ev.Reason = OutcomeIgnore, "completed with payment_status "+string(s.PaymentStatus)
		}
	case EventCheckoutAsyncSucceeded:
		ev.Outcome = OutcomeCredit
	case EventCheckoutAsyncFailed:
		ev.Outcome, ev.Reason = OutcomeFail, "the payment failed after checkout"
	case EventCheckoutExpired:
		ev.Outcome, ev.Reason = OutcomeFail, "the checkout expired before it was paid"
	}
	return nil
}

func readDispute(ev *Event, raw json.RawMessage) error {
	var d stripe.Dispute
	if err := json.Unmarshal(raw, &d); err != nil || d.ID == "" {
		return fmt.Errorf("%w: %s is not a dispute", ErrMalformedEvent, ev.Type)
	}
	ev.Outcome = OutcomeDispute
	ev.DisputeID, ev.DisputeReason = d.ID, string(d.Reason)
	ev.Amount = fromStripeAmount(d.Amount, string(d.Currency))
	if d.PaymentIntent != nil {
		ev.PaymentIntentID = d.PaymentIntent.ID
	}
	if d.Charge != nil {
		ev.ChargeID = d.Charge.ID
	}
	if ev.PaymentIntentID == "" && ev.ChargeID == "" {
		return fmt.Errorf("%w: the dispute %s names no charge", ErrMalformedEvent, d.ID)
	}
	return nil
}

// Payment is what the rules layer stored for the attempt an event is about.
type Payment struct {
	ID              string
	InvoiceID       string
	Amount          billing.Money
	PaymentIntentID string // recorded when the payment was credited; disputes need it
}

// ErrMismatch: the event does not fit the payment it points at; nothing may
// be credited or reversed on its strength.
var ErrMismatch = errors.New("event does not match the payment")

// MismatchError says which field differed.
type MismatchError struct {
	Field     string
	Want, Got string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: %s is %q, the payment has %q", ErrMismatch, e.Field, e.Got, e.Want)
}

// Unwrap makes errors.Is(err, ErrMismatch) hold.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// Check compares the event with the payment record it points at; it must
// pass before any credit, failure or reversal. Sessions must carry the
// payment's ids and exactly its amount and currency; a dispute must name the
// payment's PaymentIntent, in its currency, for at most its amount.
func (e Event) Check(p Payment) error {
	mismatch := func(field, want, got string) error { return &MismatchError{Field: field, Want: want, Got: got} }
	switch e.Outcome {
	case OutcomeCredit, OutcomePending, OutcomeFail:
		switch {
		case e.PaymentID != p.ID:
			return mismatch("metadata."+MetadataPaymentID, p.ID, e.PaymentID)
		case e.ClientReferenceID != p.ID:
			return mismatch("client_reference_id", p.ID, e.ClientReferenceID)
		case e.InvoiceID != p.InvoiceID:
			return mismatch("metadata."+MetadataInvoiceID, p.InvoiceID, e.InvoiceID)
		case e.Amount.Currency != p.Amount.Currency:
			return mismatch("currency", string(p.Amount.Currency), string(e.Amount.Currency))
		case e.Amount.Amount != p.Amount.Amount:
			return mismatch("amount_total", fmt.Sprint(p.Amount.Amount), fmt.Sprint(e.Amount.Amount))
		}
		return nil
	case OutcomeDispute:
		switch {
		case p.PaymentIntentID == "" || e.PaymentIntentID != p.PaymentIntentID:
			return mismatch("payment_intent", p.PaymentIntentID, e.PaymentIntentID)
		case e.Amount.Currency != p.Amount.Currency:
			return mismatch("currency", string(p.Amount.Currency), string(e.Amount.Currency))
		case e.Amount.Amount <= 0 || e.Amount.Amount > p.Amount.Amount:
			return mismatch("amount", fmt.Sprintf("1 to %d", p.Amount.Amount), fmt.Sprint(e.Amount.Amount))
		}
		return nil
	}
	return fmt.Errorf("%w: a %q event acts on no payment", ErrMismatch, e.Outcome)
}
