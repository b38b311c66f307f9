package stripegw

import (
	"context"
	"errors"
	"fmt"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/gateway"
	"billfold/internal/server/words"
)

// ID is the gateway's id in the server's registry, in the API and in the
// server's --gateways list.
const ID = "stripe"

// Provider is the Stripe gateway as the server's registry holds it: a
// gateway.Remote over Gateway. The server links it only when a provider
// enables it, so that the desktop app's demo server does not carry
// stripe-go.
type Provider struct{ g *Gateway }

// NewProvider checks cfg and returns the gateway. It does not call Stripe.
func NewProvider(cfg Config) (*Provider, error) {
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &Provider{g: g}, nil
}

// Format keeps the client (and the key in it) out of any printout.
func (p *Provider) Format(f fmt.State, verb rune) { p.g.Format(f, verb) }

// The gateway's name and description, in English; package words has
// them in the other languages the API answers in.
const (
	name        words.Text = "Card (Stripe)"
	description words.Text = "Visa, Mastercard, JCB, American Express and the other methods Stripe offers for your currency, on Stripe's secure checkout page."
)

// Info describes the gateway.
func (p *Provider) Info() api.Gateway {
	return api.Gateway{ID: ID, Name: string(name), Kind: api.GatewayRedirect, Description: string(description)}
}

// Supports reports whether Stripe takes payments in c with the same minor
// units as Billfold.
func (p *Provider) Supports(c billing.Currency) bool {
	sc, ok := stripeCurrencies[c]
	return ok && sc.decimals == c.Decimals()
}

// Open opens a Checkout Session for the attempt.
func (p *Provider) Open(ctx context.Context, c gateway.Checkout) (gateway.Start, error) {
	s, err := p.g.CreateCheckoutSession(ctx, Checkout{
		PaymentID: c.PaymentID, InvoiceID: c.InvoiceID, Amount: c.Amount, Description: c.Description,
		CustomerEmail: c.Email, Locale: c.Locale, SuccessURL: c.SuccessURL, CancelURL: c.CancelURL, ExpiresAt: c.ExpiresAt,
	})
	switch {
	case errors.Is(err, ErrInvalidCheckout):
		return gateway.Start{}, fmt.Errorf("%w: %w", gateway.ErrCheckoutRefused, err)
	case err != nil:
		return gateway.Start{}, fmt.Errorf("%w: %w", gateway.ErrProviderUnavailable, err)
	}
	start := gateway.Start{Action: api.ActionRedirect, URL: s.URL, Session: s.ID}
	if !s.ExpiresAt.IsZero() {
		exp := s.ExpiresAt
		start.ExpiresAt = &exp
	}
	return start, nil
}

// SignatureHeader is the header Stripe signs webhook deliveries in.
func (p *Provider) SignatureHeader() string { return "Stripe-Signature" }

// ParseEvent verifies a webhook delivery and reads it.
func (p *Provider) ParseEvent(body []byte, signature string) (gateway.Event, error) {
	ev, err := p.g.ParseWebhook(body, signature)
	switch {
	case errors.Is(err, ErrSignature):
		return gateway.Event{}, fmt.Errorf("%w: %w", gateway.ErrBadSignature, err)
	case err != nil:
		return gateway.Event{}, fmt.Errorf("%w: %w", gateway.ErrBadEvent, err)
	}
	out := gateway.Event{ID: ev.ID, Type: ev.Type, Outcome: outcomes[ev.Outcome], Reason: ev.Reason,
		PaymentID: ev.PaymentID, Charge: ev.PaymentIntentID, Amount: ev.Amount,
		Check: func(a gateway.Attempt) error {
			err := ev.Check(Payment{ID: a.ID, InvoiceID: a.InvoiceID, Amount: a.Amount, PaymentIntentID: a.Charge})
			var m *MismatchError
			if errors.As(err, &m) {
				return &gateway.MismatchError{Field: m.Field, Msg: m.Error()}
			}
			return err
		}}
	if ev.Outcome == OutcomeDispute {
		out.Dispute = &gateway.Dispute{ID: ev.DisputeID, Reason: ev.DisputeReason}
	}
	return out, nil
}

var outcomes = map[Outcome]gateway.EventOutcome{
	OutcomeCredit: gateway.EventCredit, OutcomePending: gateway.EventPending, OutcomeFail: gateway.EventFail,
	OutcomeDispute: gateway.EventDispute, OutcomeIgnore: gateway.EventIgnore,
}
