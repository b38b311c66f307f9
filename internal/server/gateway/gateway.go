// Package gateway defines how the server talks to payment methods. The
// ledger only ever sees "payment P succeeded" (through the signed callback or
// a staff confirmation), so a real PSP can replace the sandbox without
// touching money logic.
package gateway

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/words"
)

// Start describes the payment attempt a gateway opened.
type Start struct {
	Action        string // api.ActionRedirect | api.ActionInstructions
	CheckoutToken string // the sandbox's checkout: its bearer token on this server
	URL           string // a provider's hosted checkout (Remote gateways)
	Session       string // the provider's id of that checkout
	Reference     string // offline gateways: what the customer writes on the transfer
	ExpiresAt     *time.Time
}

// Gateway is one payment method. Each is also either Local or Remote.
type Gateway interface {
	Info() api.Gateway
	// Supports reports whether the gateway takes payments in c.
	Supports(c billing.Currency) bool
}

// Local is a gateway that opens its attempts itself (the sandbox, bank
// transfer), inside the payment's transaction.
type Local interface {
	Gateway
	// Begin opens a payment attempt.
	Begin(now time.Time) Start
}

// The gateways' names and descriptions, in English; package words has
// them in the other languages the API answers in.
const (
	bankTransferName        words.Text = "Bank transfer"
	bankTransferDescription words.Text = "Transfer to our bank account with the reference shown. Credit is added once we confirm receipt (usually 1–2 business days)."
	payPalName              words.Text = "PayPal"
	payPalDescription       words.Text = "Pay with your PayPal account. You will be redirected to PayPal to approve the payment."
	cardName                words.Text = "Credit card"
	cardDescription         words.Text = "Visa, Mastercard, JCB, American Express. Your bank may ask for 3-D Secure authentication."
)

// Registry is the set of gateways the server offers, in display order.
type Registry struct {
	list []Gateway
	bank BankAccount
}

// NewRegistry returns a registry of gateways, in display order; none
// given means Sandbox().
func NewRegistry(bank BankAccount, gateways ...Gateway) *Registry {
	if len(gateways) == 0 {
		gateways = Sandbox()
	}
	return &Registry{bank: bank, list: gateways}
}

// Sandbox is the default set, what the demo offers: bank transfer (JPY),
// and PayPal (USD, EUR, JPY) and card (all) on the sandbox checkout.
func Sandbox() []Gateway {
	out := make([]Gateway, len(SandboxIDs))
	for i, id := range SandboxIDs {
		out[i], _ = Builtin(id)
	}
	return out
}

// SandboxIDs are the ids of Sandbox(), in its order.
var SandboxIDs = []string{BankTransferID, "paypal", "card"}

// Builtin returns the gateway this package implements under id: bank
// transfer or one of the sandbox's redirect gateways.
func Builtin(id string) (Gateway, bool) {
	switch id {
	case BankTransferID:
		return bankTransfer{currencies: []billing.Currency{billing.JPY}}, true
	case "paypal":
		return sandbox{info: api.Gateway{ID: "paypal", Name: string(payPalName), Kind: api.GatewayRedirect,
			Description: string(payPalDescription)},
			currencies: []billing.Currency{billing.JPY, billing.USD, billing.EUR}}, true
	case "card":
		return sandbox{info: api.Gateway{ID: "card", Name: string(cardName), Kind: api.GatewayRedirect,
			Description: string(cardDescription)},
			currencies: billing.Currencies}, true
	}
	return nil, false
}

// For returns the gateways that accept currency c, named and described
// in l.
func (r *Registry) For(c billing.Currency, l words.Lang) []api.Gateway {
	out := []api.Gateway{}
	for _, g := range r.list {
		if g.Supports(c) {
			info := g.Info()
			info.Name, info.Description = l.T(words.Text(info.Name)), l.T(words.Text(info.Description))
			out = append(out, info)
		}
	}
	return out
}

// Lookup finds a gateway by id.
func (r *Registry) Lookup(id string) (Gateway, bool) {
	for _, g := range r.list {
		if g.Info().ID == id {
			return g, true
		}
	}
	return nil, false
}

// OnSandbox reports whether gateway id takes its payments on the sandbox
// checkout, whose signed callbacks (POST /v1/webhooks/sandbox) may settle
// them. A bank transfer is not one: only staff, reading the bank
// statement, confirm that its money arrived.
func (r *Registry) OnSandbox(id string) bool {
	g, ok := r.Lookup(id)
	_, sandboxed := g.(sandbox)
	return ok && sandboxed
}

// Bank is the account bank-transfer customers pay into.
func (r *Registry) Bank() BankAccount { return r.bank }

// BankAccount is the provider's receiving account.
type BankAccount struct {
	BankName      string
	BranchName    string
	AccountType   string
	AccountNumber string
	AccountHolder string
}

// BankTransferID is the id of the offline gateway.
const BankTransferID = "bank_transfer"

type bankTransfer struct{ currencies []billing.Currency }

func (bankTransfer) Info() api.Gateway {
	return api.Gateway{ID: BankTransferID, Name: string(bankTransferName), Kind: api.GatewayOffline,
		Description: string(bankTransferDescription)}
}
func (b bankTransfer) Supports(c billing.Currency) bool { return slices.Contains(b.currencies, c) }
func (bankTransfer) Begin(time.Time) Start {
	return Start{Action: api.ActionInstructions, Reference: transferReference()}
}

// transferReference is short enough to type into a banking app's memo
// field and uses an alphabet without look-alikes (no 0/O, 1/I).
func transferReference() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "BF-" + string(b[:4]) + "-" + string(b[4:])
}

// CheckoutTTL is how long a redirect checkout stays open.
const CheckoutTTL = 30 * time.Minute

type sandbox struct {
	info       api.Gateway
	currencies []billing.Currency
}

func (s sandbox) Info() api.Gateway                { return s.info }
func (s sandbox) Supports(c billing.Currency) bool { return slices.Contains(s.currencies, c) }
func (s sandbox) Begin(now time.Time) Start {
	exp := now.Add(CheckoutTTL)
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return Start{Action: api.ActionRedirect, CheckoutToken: "cs_" + hex.EncodeToString(b), ExpiresAt: &exp}
}

// Test cards of the sandbox card gateway.
const (
	CardSuccess       = "4242424242424242"
	CardChallenge     = "4000002760003184"
	CardDeclined      = "4000000000000002"
	ChallengeCode     = "123456"
	challengeRequired = "challenge_required"
)

// Outcome of a sandbox checkout submission.
type Outcome string

// Outcomes.
const (
	OutcomeSucceeded         Outcome = "succeeded"
	OutcomeDeclined          Outcome = "declined"
	OutcomeChallenge         Outcome = challengeRequired
	OutcomeFailed            Outcome = "failed"
	OutcomeInvalidCardNumber Outcome = "invalid_card"
)

// Decide applies the sandbox rules to a checkout submission: action is
// approve or decline; card gateways also look at the test card number and,
// for the 3-D Secure card, the challenge code. The reason, when not empty,
// is recorded as the payment's failure reason and shown to people.
func Decide(gatewayID, action, cardNumber, challengeCode string) (Outcome, words.Text) {
	if action == "decline" {
		return OutcomeDeclined, "cancelled by the customer at checkout"
	}
	if gatewayID != "card" {
		return OutcomeSucceeded, ""
	}
	card := strings.NewReplacer(" ", "", "-", "").Replace(cardNumber)
	switch card {
	case CardSuccess:
		return OutcomeSucceeded, ""
	case CardDeclined:
		return OutcomeDeclined, "card declined by the issuer"
	case CardChallenge:
		switch strings.TrimSpace(challengeCode) {
		case "":
			return OutcomeChallenge, "3-D Secure authentication required"
		case ChallengeCode:
			return OutcomeSucceeded, ""
		default:
			return OutcomeFailed, "3-D Secure authentication failed"
		}
	}
	return OutcomeInvalidCardNumber, "unknown test card number"
}

// Webhook signatures: "t=<unix>,v1=<hex hmac-sha256(secret, t + "." + body)>".
// The timestamp bounds replays of a captured callback to SignatureTolerance.
const SignatureTolerance = 5 * time.Minute

// ErrBadSignature is returned for a callback that was not signed by us.
var ErrBadSignature = errors.New("invalid webhook signature")

// Sign returns the signature header for body at time now.
func Sign(secret []byte, body []byte, now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

// Verify checks a signature header.
func Verify(secret []byte, body []byte, header string, now time.Time) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return fmt.Errorf("%w: timestamp outside tolerance", ErrBadSignature)
	}
	if !hmac.Equal([]byte(mac(secret, ts, body)), []byte(sig)) {
		return ErrBadSignature
	}
	return nil
}

func mac(secret []byte, ts string, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte("."))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
