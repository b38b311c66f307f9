package stripetest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"

	"billfold/billing"
)

// Event is a webhook event as Stripe posts it.
type Event struct {
	ID         string
	Type       string
	Created    time.Time
	Livemode   bool
	APIVersion string
	Object     map[string]any // data.object
}

// NewEvent returns a test-mode event of type typ about object, with a fresh
// id, created now, in the API version the gateway expects.
func NewEvent(typ string, object map[string]any) *Event {
	return &Event{ID: NewID("evt_"), Type: typ, Created: time.Now(), APIVersion: stripe.APIVersion, Object: object}
}

// JSON is the request body Stripe would send.
func (e *Event) JSON() []byte {
	b, err := json.Marshal(map[string]any{
		"id": e.ID, "object": "event", "type": e.Type, "created": e.Created.Unix(),
		"livemode": e.Livemode, "api_version": e.APIVersion, "pending_webhooks": 1,
		"request": map[string]any{"id": nil, "idempotency_key": nil},
		"data":    map[string]any{"object": e.Object},
	})
	if err != nil {
		panic(fmt.Sprintf("stripetest: event object does not marshal: %v", err))
	}
	return b
}

// Signed returns the body and its Stripe-Signature header, signed now with
// WebhookSecret.
func (e *Event) Signed() (body []byte, signature string) {
	body = e.JSON()
	return body, Sign(body, WebhookSecret, time.Now())
}

// Sign computes a Stripe-Signature header the way Stripe does
// (docs.stripe.com/webhooks#verify-manually): t=<unix seconds>,
// v1=hex(HMAC-SHA256(secret, "<t>.<body>")). It is written out here rather
// than borrowed from stripe-go, so the tests check the library's verifier
// against the documented scheme, not against itself.
func Sign(body []byte, secret string, at time.Time) string {
	ts := fmt.Sprint(at.Unix())
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Session is a checkout.session object as Stripe sends it in events, for a
// session that Billfold opened for the payment.
func Session(paymentID, invoiceID string, amount billing.Money, paymentStatus string) map[string]any {
	status := "complete"
	if paymentStatus == "expired" {
		status, paymentStatus = "expired", "unpaid"
	}
	return map[string]any{
		"id": NewID("cs_test_"), "object": "checkout.session", "mode": "payment", "status": status,
		"payment_status": paymentStatus, "amount_subtotal": amount.Amount, "amount_total": amount.Amount,
		"currency": strings.ToLower(string(amount.Currency)), "client_reference_id": paymentID,
		"metadata":       map[string]any{"billfold_payment_id": paymentID, "billfold_invoice_id": invoiceID},
		"payment_intent": NewID("pi_"), "livemode": false, "url": nil,
	}
}

// Dispute is a dispute object as charge.dispute.created carries it.
func Dispute(paymentIntentID string, amount billing.Money, reason string) map[string]any {
	return map[string]any{
		"id": NewID("du_"), "object": "dispute", "amount": amount.Amount,
		"currency": strings.ToLower(string(amount.Currency)), "charge": NewID("ch_"),
		"payment_intent": paymentIntentID, "reason": reason, "status": "needs_response", "livemode": false,
	}
}

// With returns a copy of object with fields set over it (a nil value
// removes the field), e.g. a stripe-mock fixture with Billfold's metadata.
func With(object, fields map[string]any) map[string]any {
	out := maps.Clone(object)
	for k, v := range fields {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// NewID returns prefix followed by 24 random hex digits, like Stripe's ids.
func NewID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
