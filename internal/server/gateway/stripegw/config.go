package stripegw

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"
)

// Environment variables a provider sets to connect Stripe.
const (
	EnvSecretKey     = "STRIPE_SECRET_KEY"
	EnvWebhookSecret = "STRIPE_WEBHOOK_SECRET"
	EnvAPIBase       = "STRIPE_API_BASE"
)

// DefaultAPIBase is Stripe's own API; tests point STRIPE_API_BASE at stripe-mock.
const DefaultAPIBase = stripe.APIURL

// Secret is a credential that prints, logs and marshals as "[redacted]":
// whatever a caller does with a Config, the key itself never reaches a log
// line, an error or an API answer.
type Secret struct{ value string }

// NewSecret wraps a credential.
func NewSecret(s string) Secret { return Secret{value: s} }

// Reveal returns the credential, for the one call that must send it.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no credential was given.
func (s Secret) IsZero() bool { return s.value == "" }

const redacted = "[redacted]"

// Format answers every fmt verb, %#v included, with the redaction.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// MarshalText keeps the credential out of JSON, YAML and the like.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue keeps the credential out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Config is what the Stripe gateway needs to run.
type Config struct {
	SecretKey     Secret // sk_… or rk_… (restricted key with Checkout Sessions write)
	WebhookSecret Secret // whsec_… of the endpoint that posts to /v1/webhooks/stripe
	APIBase       string // DefaultAPIBase unless testing

	// Optional.
	HTTPClient *http.Client     // default: Stripe's own client (80 s timeout)
	Logger     *slog.Logger     // where the library's warnings go; default slog.Default()
	Now        func() time.Time // the clock for session expiry; default time.Now
}

// ErrConfig is returned for a missing or malformed setting.
var ErrConfig = errors.New("stripe configuration")

// ConfigFromEnv reads the STRIPE_* variables through lookup (os.LookupEnv
// in production) and validates them.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	c := Config{
		SecretKey:     NewSecret(get(EnvSecretKey)),
		WebhookSecret: NewSecret(get(EnvWebhookSecret)),
		APIBase:       get(EnvAPIBase),
	}
	if c.APIBase == "" {
		c.APIBase = DefaultAPIBase
	}
	return c, c.Validate()
}

// Validate checks the shape of each setting; the message names the
// variable to fix and never repeats a secret.
func (c Config) Validate() error {
	key := c.SecretKey.Reveal()
	switch {
	case key == "":
		return fmt.Errorf("%w: %s is not set", ErrConfig, EnvSecretKey)
	case !hasAnyPrefix(key, "sk_test_", "sk_live_", "rk_test_", "rk_live_"):
		return fmt.Errorf("%w: %s must be a secret key (sk_…) or a restricted key (rk_…), not a publishable key or another secret", ErrConfig, EnvSecretKey)
	case c.WebhookSecret.IsZero():
		return fmt.Errorf("%w: %s is not set (the signing secret of the webhook endpoint)", ErrConfig, EnvWebhookSecret)
	case !strings.HasPrefix(c.WebhookSecret.Reveal(), "whsec_"):
		return fmt.Errorf("%w: %s must be the endpoint's signing secret (whsec_…)", ErrConfig, EnvWebhookSecret)
	}
	return validateAPIBase(c.APIBase)
}

// validateAPIBase allows plain HTTP only to this machine (stripe-mock):
// the key travels in every request, so it goes over TLS everywhere else.
func validateAPIBase(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("%w: %s must be a base URL like %s", ErrConfig, EnvAPIBase, DefaultAPIBase)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s must use https (plain http only to localhost, for stripe-mock)", ErrConfig, EnvAPIBase)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Live reports whether the key moves real money.
func (c Config) Live() bool { return hasAnyPrefix(c.SecretKey.Reveal(), "sk_live_", "rk_live_") }

// String describes the configuration without its secrets.
func (c Config) String() string {
	mode := "test"
	if c.Live() {
		mode = "live"
	}
	return fmt.Sprintf("stripe{mode: %s, api: %s, secret key: %s, webhook secret: %s}",
		mode, c.APIBase, presence(c.SecretKey), presence(c.WebhookSecret))
}

// Format makes %v, %+v and %#v print String, never the struct's fields.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the same description.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func presence(s Secret) string {
	if s.IsZero() {
		return "not set"
	}
	return "set"
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
