package apiclient

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
)

// Options configure a Client. Zero values take the documented defaults.
type Options struct {
	// CACertificates is a PEM bundle of the certificate authorities to trust
	// for the server instead of the system roots (a self-hosted server with
	// a private CA). Certificates are always verified; there is no way to
	// turn verification off.
	CACertificates []byte
	// AttemptTimeout bounds one HTTP attempt, body included (15 s).
	AttemptTimeout time.Duration
	// Deadline bounds one method call: every attempt, every backoff wait
	// and a token refresh (60 s).
	Deadline time.Duration
	// Retries is how many times a retryable request is repeated after the
	// first attempt (3); a negative value disables retries.
	Retries int
	// RetryWait and RetryMaxWait are the first and the largest backoff
	// (250 ms, 5 s). A Retry-After longer than RetryMaxWait is not waited
	// for: the call fails with an *Error whose RetryAfter says how long.
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	// Logger receives retries, reconnects and, with Debug, every request and
	// response; all of it redacted. Nil discards.
	Logger *slog.Logger
	// Debug logs each request and response at debug level.
	Debug bool
	// OnRefreshToken is called with the new refresh token after sign-in and
	// after every refresh (the old one no longer works), and with "" when
	// the session ends, so the caller can keep the keyring in step. Calls
	// are never concurrent and arrive in order.
	OnRefreshToken func(refreshToken string)
	// UserAgent is sent on every request ("billfold-apiclient").
	UserAgent string
	// Language is the BCP 47 tag of the language the server should answer
	// in (problem titles and details, gateway names, the credit policy),
	// sent as Accept-Language on every request; "" sends none. The app
	// passes its UI language; SetLanguage changes it later.
	Language string
	// Events tune Client.Events.
	Events EventOptions

	// wrapTransport lets this package's tests validate or observe traffic.
	// It is unexported so that no caller can swap in an insecure transport.
	wrapTransport func(http.RoundTripper) http.RoundTripper
}

func (o *Options) defaults() {
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = 15 * time.Second
	}
	if o.Deadline <= 0 {
		o.Deadline = 60 * time.Second
	}
	switch {
	case o.Retries == 0:
		o.Retries = 3
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RetryWait <= 0 {
		o.RetryWait = 250 * time.Millisecond
	}
	if o.RetryMaxWait < o.RetryWait {
		o.RetryMaxWait = max(5*time.Second, o.RetryWait)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.UserAgent == "" {
		o.UserAgent = "billfold-apiclient"
	}
	o.Events.defaults()
}

// Client is a Billing API v1 client for one server and one signed-in user.
// It is safe for concurrent use.
type Client struct {
	base   string
	opts   Options
	log    *slog.Logger
	api    *resty.Client // calls: per-attempt timeout and retries
	stream *resty.Client // the event stream: open-ended, reconnects itself
	auth   *authState
	lang   atomic.Pointer[string] // Accept-Language; nil or "" sends none
}

// New returns a client for the server at baseURL, e.g.
// "https://billing.example.jp". Plain http is accepted only for loopback
// hosts (127.0.0.0/8, ::1, localhost).
func New(baseURL string, opts Options) (*Client, error) {
	opts.defaults()
	base, err := checkBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	transport, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	var rt http.RoundTripper = transport
	if opts.wrapTransport != nil {
		rt = opts.wrapTransport(rt)
	}
	c := &Client{base: base.String(), opts: opts, log: opts.Logger, auth: newAuthState()}
	if err := c.SetLanguage(opts.Language); err != nil {
		return nil, err
	}
	c.api = c.newResty(rt).
		SetTimeout(opts.AttemptTimeout).
		SetRetryCount(opts.Retries).
		SetRetryWaitTime(opts.RetryWait).
		SetRetryMaxWaitTime(opts.RetryMaxWait).
		AddRetryCondition(shouldRetry).
		SetRetryAfter(c.retryDelay).
		SetResponseBodyLimit(maxBody)
	c.stream = c.newResty(rt)
	return c, nil
}

// maxBody caps a response body; the largest real one (a page of 500
// invoices) is far below it, and a hostile server cannot exhaust memory.
const maxBody = 16 << 20

// newResty builds a resty client with the settings both clients share.
func (c *Client) newResty(rt http.RoundTripper) *resty.Client {
	r := resty.NewWithClient(&http.Client{Transport: rt}).
		SetBaseURL(c.base).
		SetHeader("User-Agent", c.opts.UserAgent).
		// The API never redirects; following one could carry the bearer
		// token to another origin or downgrade it to http.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		})).
		SetLogger(restyLogger{c.log}).
		SetDebug(c.opts.Debug).
		OnBeforeRequest(c.sendLanguage).
		OnRequestLog(redactRequestLog).
		OnResponseLog(redactResponseLog)
	r.SetCookieJar(nil) // the API uses no cookies; keep nothing around
	return r
}

// BaseURL is the server's address as the client uses it (normalised).
func (c *Client) BaseURL() string { return c.base }

// String keeps formatted values of the client free of internals.
func (c *Client) String() string { return fmt.Sprintf("apiclient.Client(%s)", c.base) }
