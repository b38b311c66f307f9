package apiclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// ErrUnsafeURL is returned for a server or redirect URL the client refuses:
// not https (plain http is allowed only on this machine), not absolute, or
// carrying credentials.
var ErrUnsafeURL = errors.New("unsafe URL")

// newTransport is the only transport the client uses: certificates are
// always verified, against CACertificates when given.
func newTransport(opts Options) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if len(opts.CACertificates) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(opts.CACertificates) {
			return nil, errors.New("apiclient: the CA bundle holds no PEM certificate")
		}
		t.TLSClientConfig.RootCAs = pool
	}
	// A server that accepts the connection but never answers must not hold
	// the event stream's connect forever (calls are bounded by
	// AttemptTimeout already).
	t.ResponseHeaderTimeout = opts.AttemptTimeout
	return t, nil
}

// checkBaseURL accepts the server's origin (optionally with a path prefix).
func checkBaseURL(raw string) (*url.URL, error) {
	u, err := checkURL(raw)
	if err != nil {
		return nil, fmt.Errorf("apiclient: server URL: %w", err)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("apiclient: server URL: %w: it may not have a query or fragment", ErrUnsafeURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// CheckRedirectURL vets a URL the server asks the app to open (a payment's
// next_action.url) before it reaches a browser: only https, or http to this
// machine (the local demo server), is allowed. javascript:, file:, data:,
// relative URLs and URLs with user info ("https://bank.example@evil.example")
// are refused. Errors never repeat the URL, which can be a bearer credential
// for paying the invoice.
func CheckRedirectURL(raw string) (*url.URL, error) {
	u, err := checkURL(raw)
	if err != nil {
		return nil, fmt.Errorf("apiclient: redirect: %w", err)
	}
	return u, nil
}

// CheckRedirectURL vets an address the server sent for the browser, as
// the package's CheckRedirectURL does, and more strictly for a client of a
// server elsewhere: plain http to this machine only when the billing
// server is on this machine too. A server on the internet has no business
// opening the user's local services (a printer's or a router's admin page)
// in their browser.
func (c *Client) CheckRedirectURL(raw string) (*url.URL, error) {
	u, err := CheckRedirectURL(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "http" && !strings.HasPrefix(c.base, "http://") {
		return nil, fmt.Errorf("apiclient: redirect: %w: plain http is allowed only when the billing server is on this machine; use https", ErrUnsafeURL)
	}
	return u, nil
}

func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: it does not parse", ErrUnsafeURL)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "":
		return nil, fmt.Errorf("%w: it is not absolute", ErrUnsafeURL)
	case scheme != "https" && scheme != "http":
		return nil, fmt.Errorf("%w: scheme %q is not allowed", ErrUnsafeURL, printable(scheme, 20))
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%w: it has no host", ErrUnsafeURL)
	case u.User != nil:
		return nil, fmt.Errorf("%w: it carries user info", ErrUnsafeURL)
	case scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("%w: plain http is allowed only for this machine; use https", ErrUnsafeURL)
	}
	u.Scheme = scheme
	return u, nil
}

// isLoopback reports whether host is this machine: localhost, 127.0.0.0/8
// or ::1. Names other than localhost are not resolved: DNS could say anything.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
