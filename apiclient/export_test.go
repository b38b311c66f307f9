package apiclient

import "net/http"

// WrapTransport lets the tests validate or observe the client's traffic.
// It exists only in test builds: production callers cannot replace the
// verifying transport.
func WrapTransport(o *Options, wrap func(http.RoundTripper) http.RoundTripper) {
	o.wrapTransport = wrap
}
