// Package stripegw takes payments through Stripe Checkout on the official
// stripe-go library: it opens a Checkout Session for a Billfold payment
// attempt, and turns Stripe's signed webhook events into the few outcomes
// the billing rules act on (credit, fail, dispute). It holds no state and
// touches no database: the rules layer stores the payment, deduplicates
// events by id and moves the money.
package stripegw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/stripe/stripe-go/v84"

	"billfold/billing"
)

// Metadata keys on every session (and its PaymentIntent): the webhook finds
// the payment by these, never by the session id alone (stripe-mock answers
// every session with the same fixture id).
const (
	MetadataPaymentID = "billfold_payment_id"
	MetadataInvoiceID = "billfold_invoice_id"
)

// APIVersion is the Stripe API version the pinned library speaks; webhook
// endpoints must be created with it.
const APIVersion = stripe.APIVersion

// Stripe lets a Checkout Session live from 30 minutes to 24 hours.
const (
	MinSessionLifetime = 30 * time.Minute
	MaxSessionLifetime = 24 * time.Hour
)

// Errors a caller branches on. Each comes wrapped with the detail.
var (
	// ErrInvalidCheckout: the attempt cannot become a session (fix the input).
	ErrInvalidCheckout = errors.New("invalid checkout")
	// ErrUnavailable: Stripe could not be reached or failed; retrying the
	// same attempt is safe (the idempotency key returns the same session).
	ErrUnavailable = errors.New("stripe unavailable")
	// ErrRejected: Stripe refused the request (a configuration problem:
	// bad key, account not activated for the currency…).
	ErrRejected = errors.New("stripe rejected the request")
)

// Gateway talks to one Stripe account. It is safe for concurrent use.
type Gateway struct {
	client        *stripe.Client
	webhookSecret Secret
	live          bool
	now           func() time.Time
	scrub         func(string) string
}

// New checks cfg and returns a gateway. It does not call Stripe.
func New(cfg Config) (*Gateway, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	scrub := scrubber(cfg.SecretKey, cfg.WebhookSecret)
	backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL:           stripe.String(cfg.APIBase),
		HTTPClient:    cfg.HTTPClient,
		LeveledLogger: leveledLogger{log: logger, scrub: scrub},
	})
	return &Gateway{
		client:        stripe.NewClient(cfg.SecretKey.Reveal(), stripe.WithBackends(backends)),
		webhookSecret: cfg.WebhookSecret,
		live:          cfg.Live(),
		now:           now,
		scrub:         scrub,
	}, nil
}

// Format keeps the client (and the key inside it) out of any printout; a
// value receiver, so that printing a copy of the struct is covered too.
func (g Gateway) Format(f fmt.State, _ rune) {
	mode := "test"
	if g.live {
		mode = "live"
	}
	_, _ = fmt.Fprintf(f, "stripegw.Gateway{mode: %s}", mode)
}

// Checkout is one payment attempt to open a session for.
type Checkout struct {
	PaymentID     string        // Billfold payment id: client_reference_id, metadata, idempotency key
	InvoiceID     string        // metadata
	Amount        billing.Money // the attempt's amount in the invoice currency
	Description   string        // the line the customer sees on Stripe's page
	CustomerEmail string        // optional: prefilled on the page and used for the receipt
	Locale        string        // the page's language ("ja", "en"), the app's; empty lets Stripe choose (the browser's)
	SuccessURL    string        // where Stripe sends the customer after paying
	CancelURL     string        // where "back" leads
	ExpiresAt     time.Time     // optional; zero keeps Stripe's 24 hours
}

// Session is the opened Checkout Session.
type Session struct {
	ID        string
	URL       string    // open it in the customer's browser
	ExpiresAt time.Time // zero when Stripe's default applies
}

// IdempotencyKey is the key of the session request for a payment attempt:
// a retry of the same attempt (a timeout, a crash before the answer was
// stored) gets the same session back, never a second one. Stripe compares
// the parameters too, so a changed amount under the same attempt fails
// loudly instead of charging the old one.
func IdempotencyKey(paymentID string) string { return "billfold-checkout-" + paymentID }

// CreateCheckoutSession opens a hosted Checkout Session in payment mode for
// c. Stripe shows every payment method enabled on the account for the
// currency (cards, and for JPY e.g. konbini); asynchronous ones complete
// through the async_payment_* events.
func (g *Gateway) CreateCheckoutSession(ctx context.Context, c Checkout) (Session, error) {
	params, err := g.sessionParams(c)
	if err != nil {
		return Session{}, err
	}
	s, err := g.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return Session{}, g.apiError("create checkout session", err)
	}
	if s.URL == "" || s.ID == "" {
		return Session{}, fmt.Errorf("%w: Stripe answered without a session URL", ErrUnavailable)
	}
	return Session{ID: s.ID, URL: s.URL, ExpiresAt: c.ExpiresAt}, nil
}

func (g *Gateway) sessionParams(c Checkout) (*stripe.CheckoutSessionCreateParams, error) {
	if err := checkID("payment id", c.PaymentID); err != nil {
		return nil, err
	}
	if err := checkID("invoice id", c.InvoiceID); err != nil {
		return nil, err
	}
	amount, currency, err := toStripeAmount(c.Amount)
	if err != nil {
		return nil, err
	}
	desc := strings.TrimSpace(c.Description)
	if desc == "" || len(desc) > 250 {
		return nil, fmt.Errorf("%w: the description must have 1 to 250 bytes", ErrInvalidCheckout)
	}
	for _, u := range []struct{ name, url string }{{"success URL", c.SuccessURL}, {"cancel URL", c.CancelURL}} {
		if err := checkReturnURL(u.name, u.url); err != nil {
			return nil, err
		}
	}
	meta := map[string]string{MetadataPaymentID: c.PaymentID, MetadataInvoiceID: c.InvoiceID}
	p := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(c.PaymentID),
		Metadata:          meta,
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(amount),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(desc)},
			},
		}},
		// The PaymentIntent carries the same ids, so a dispute or refund in
		// Stripe's dashboard leads back to the Billfold payment.
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: meta},
		SuccessURL:        stripe.String(c.SuccessURL),
		CancelURL:         stripe.String(c.CancelURL),
		Locale:            stripe.String(stripeLocale(c.Locale)),
	}
	if c.CustomerEmail != "" {
		p.CustomerEmail = stripe.String(c.CustomerEmail)
	}
	if !c.ExpiresAt.IsZero() {
		life := c.ExpiresAt.Sub(g.now())
		if life < MinSessionLifetime || life > MaxSessionLifetime {
			return nil, fmt.Errorf("%w: a Stripe checkout must stay open between %v and %v, not %v",
				ErrInvalidCheckout, MinSessionLifetime, MaxSessionLifetime, life.Round(time.Second))
		}
		p.ExpiresAt = stripe.Int64(c.ExpiresAt.Unix())
	}
	p.SetIdempotencyKey(IdempotencyKey(c.PaymentID))
	return p, nil
}

// checkID keeps ids within what Stripe stores (client_reference_id: 200
// characters) and printable, since they come back in webhooks and logs.
func checkID(name, id string) error {
	if id == "" || len(id) > 200 {
		return fmt.Errorf("%w: the %s must have 1 to 200 characters", ErrInvalidCheckout, name)
	}
	for _, r := range id {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return fmt.Errorf("%w: the %s must be printable ASCII without spaces", ErrInvalidCheckout, name)
		}
	}
	return nil
}

func checkReturnURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return fmt.Errorf("%w: the %s must be an absolute https URL", ErrInvalidCheckout, name)
	}
	return nil
}

// stripeLocale maps a Billfold locale to Checkout's: the two languages the
// app speaks, and "auto" (the browser's) for anything else.
func stripeLocale(locale string) string {
	switch {
	case strings.HasPrefix(locale, "ja"):
		return "ja"
	case strings.HasPrefix(locale, "en"):
		return "en"
	}
	return "auto"
}

// apiError classifies a library error and removes any secret from its text:
// a mock, a proxy or a future API message may echo the Authorization header.
func (g *Gateway) apiError(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && se.HTTPStatusCode > 0 {
		kind := ErrRejected
		if se.HTTPStatusCode == 429 || se.HTTPStatusCode >= 500 {
			kind = ErrUnavailable
		}
		msg := g.scrub(se.Msg)
		if msg == "" {
			msg = string(se.Type)
		}
		detail := fmt.Sprintf("HTTP %d", se.HTTPStatusCode)
		if se.Code != "" {
			detail += " " + string(se.Code)
		}
		if se.RequestID != "" {
			msg += " (request " + se.RequestID + ")"
		}
		return fmt.Errorf("%w: %s: %s: %s", kind, op, detail, msg)
	}
	return fmt.Errorf("%w: %s: %s", ErrUnavailable, op, g.scrub(err.Error()))
}

// scrubber replaces the given secrets, and anything shaped like a Stripe
// key, with the redaction.
func scrubber(secrets ...Secret) func(string) string {
	return func(s string) string {
		for _, sec := range secrets {
			if v := sec.Reveal(); v != "" {
				s = strings.ReplaceAll(s, v, redacted)
			}
		}
		return scrubKeyShapes(s)
	}
}

// scrubKeyShapes removes tokens that look like Stripe secrets even when
// they are not the configured ones (a key pasted into the wrong variable).
func scrubKeyShapes(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	for _, f := range fields {
		if hasAnyPrefix(f, "sk_", "rk_", "whsec_") && len(f) > len("whsec_") {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	return s
}

// leveledLogger routes stripe-go's own log lines into slog, scrubbed. The
// library logs every failed request at error level, and this package
// returns the same failure as an error, so errors become warnings here.
type leveledLogger struct {
	log   *slog.Logger
	scrub func(string) string
}

func (l leveledLogger) emit(level slog.Level, format string, v []any) {
	if !l.log.Enabled(context.Background(), level) {
		return
	}
	l.log.Log(context.Background(), level, l.scrub(fmt.Sprintf(format, v...)), "component", "stripe-go")
}

func (l leveledLogger) Debugf(format string, v ...any) { l.emit(slog.LevelDebug, format, v) }
func (l leveledLogger) Infof(format string, v ...any)  { l.emit(slog.LevelDebug, format, v) }
func (l leveledLogger) Warnf(format string, v ...any)  { l.emit(slog.LevelWarn, format, v) }
func (l leveledLogger) Errorf(format string, v ...any) { l.emit(slog.LevelWarn, format, v) }
