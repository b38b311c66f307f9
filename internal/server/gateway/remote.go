package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"billfold/billing"
)

// Remote is a gateway whose checkout a payment service provider hosts
// (Stripe): opening it is a call over the network, made before the
// payment's transaction so that no account lock waits on the provider, and
// the provider reports the outcome through signed webhook events.
type Remote interface {
	Gateway
	// Open opens the provider's checkout for an attempt. A repeat for the
	// same PaymentID returns the same checkout (the provider's own
	// idempotency), so a retry never opens a second one.
	Open(ctx context.Context, c Checkout) (Start, error)
	// SignatureHeader names the HTTP header that signs a webhook delivery.
	SignatureHeader() string
	// ParseEvent verifies a delivery's signature and reads it: an error
	// wrapping ErrBadSignature or ErrBadEvent, or the event.
	ParseEvent(body []byte, signature string) (Event, error)
}

// Checkout is the attempt a Remote gateway opens a checkout for.
type Checkout struct {
	PaymentID   string
	InvoiceID   string
	Amount      billing.Money
	Description string // the line the customer sees on the provider's page
	Email       string
	Locale      string
	SuccessURL  string // where the provider sends the customer after paying
	CancelURL   string
	ExpiresAt   time.Time
}

// Errors of Remote gateways; each comes wrapped with the detail, which
// never holds a credential.
var (
	// ErrCheckoutRefused: the provider cannot take this attempt (an amount
	// it does not accept); trying again will not help.
	ErrCheckoutRefused = errors.New("the payment provider cannot take this payment")
	// ErrProviderUnavailable: the provider could not be reached, failed,
	// or refused the server's credentials; the details are for the log.
	ErrProviderUnavailable = errors.New("the payment provider is unavailable")
	// ErrBadEvent: a signed delivery that is not an event this server reads.
	ErrBadEvent = errors.New("unreadable gateway event")
)

// EventOutcome is what the rules do with a provider's event.
type EventOutcome string

// Event outcomes.
const (
	EventCredit  EventOutcome = "credit"  // the attempt is paid: complete it, credit once
	EventPending EventOutcome = "pending" // paid with a method that settles later
	EventFail    EventOutcome = "fail"    // the attempt failed or expired
	EventDispute EventOutcome = "dispute" // a paid charge is disputed
	EventIgnore  EventOutcome = "ignore"  // nothing to do; acknowledge it
)

// Event is a verified provider event reduced to what the rules act on.
type Event struct {
	ID      string // the provider's event id: each is processed once
	Type    string
	Outcome EventOutcome
	Reason  string // why it failed, or why it is ignored
	// PaymentID names the attempt (session events); disputes name the
	// Charge instead.
	PaymentID string
	// Charge is the provider's id of the money taken (Stripe's
	// PaymentIntent): recorded on credit, named by disputes.
	Charge string
	// Amount is the amount paid, or the amount disputed.
	Amount  billing.Money
	Dispute *Dispute // EventDispute only
	// Check compares the event with the attempt it names and returns a
	// *MismatchError when they differ; nothing may change unless it passes.
	Check func(Attempt) error
}

// Dispute is a customer's bank disputing a charge.
type Dispute struct {
	ID     string
	Reason string
}

// Attempt is a payment attempt as stored, for Event.Check.
type Attempt struct {
	ID, InvoiceID string
	Amount        billing.Money
	Charge        string // recorded when it was credited
}

// MismatchError says which field of an event differs from its attempt.
type MismatchError struct {
	Field string // as the provider names it, e.g. "amount_total"
	Msg   string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("event does not match the payment: %s", e.Msg)
}
