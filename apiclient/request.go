package apiclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"
)

// call describes one API request.
type call struct {
	op     string // what the user asked for, for errors ("add funds")
	method string
	path   string // already escaped
	query  url.Values
	body   any            // sent as JSON when not nil
	file   []byte         // sent as is, as application/octet-stream, when not nil
	key    IdempotencyKey // sent as Idempotency-Key when not empty
	public bool           // sent without the bearer token (sign-in, refresh)
	// unkeyed marks a POST that moves no money and changes nothing on the
	// server (signing an archive head), so it needs no Idempotency-Key.
	unkeyed bool
	out     any // a 2xx body is decoded into it when not nil
}

// fetch runs k and returns its decoded answer, or the zero value on any
// error so that a half-decoded body can never reach the caller.
func fetch[T any](ctx context.Context, c *Client, k call) (T, error) {
	var v T
	k.out = &v
	if err := c.do(ctx, k); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// do sends k within the overall deadline; on 401 it refreshes the session
// once and repeats the request. A 401 means the server did nothing, so the
// repeat is safe for any request.
func (c *Client) do(ctx context.Context, k call) error {
	if k.method == http.MethodPost && !k.public && k.file == nil && !k.unkeyed {
		// Every such call moves money or changes state: without a key it
		// could be neither retried safely nor replayed by the server. A
		// file upload needs none: the server knows a file again by its
		// content.
		if err := k.key.check(k.op); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Deadline)
	defer cancel()
	var token string
	if !k.public {
		if token = c.auth.access(); token == "" {
			if !c.SignedIn() {
				return notSignedIn(k.op)
			}
			// Resumed while the server was unreachable: get an access token first.
			if err := c.refresh(ctx, k.op, ""); err != nil {
				return err
			}
			token = c.auth.access()
		}
	}
	resp, err := c.send(ctx, k, token)
	if err == nil && !k.public && resp.StatusCode() == http.StatusUnauthorized {
		if err := c.refresh(ctx, k.op, token); err != nil {
			return err
		}
		resp, err = c.send(ctx, k, c.auth.access())
	}
	return c.finish(ctx, k, resp, err)
}

func (c *Client) send(ctx context.Context, k call, token string) (*resty.Response, error) {
	r := c.api.R().SetContext(ctx).SetHeader("Accept", "application/json")
	if token != "" {
		r.SetHeader("Authorization", "Bearer "+token)
	}
	if k.key != "" {
		// The same header on every attempt: retries are replays, not new actions.
		r.SetHeader("Idempotency-Key", string(k.key))
	}
	if k.body != nil {
		r.SetHeader("Content-Type", "application/json").SetBody(k.body)
	}
	if k.file != nil {
		r.SetHeader("Content-Type", "application/octet-stream").SetBody(k.file)
	}
	if len(k.query) > 0 {
		r.SetQueryParamsFromValues(k.query)
	}
	return r.Execute(k.method, k.path)
}

// finish turns the final attempt into the call's result.
func (c *Client) finish(ctx context.Context, k call, resp *resty.Response, err error) error {
	answered := resp != nil && resp.RawResponse != nil
	if err != nil && !(errors.Is(err, errGiveUp) && answered) {
		return transportError(ctx, k.op, err)
	}
	status := resp.StatusCode()
	switch {
	case status >= 200 && status < 300:
		if k.out == nil {
			return nil
		}
		if err := decodeJSON(resp.Body(), k.out); err != nil {
			return &Error{Op: k.op, Kind: KindBadResponse, Status: status, Err: err}
		}
		return nil
	case status >= 400:
		return errorFromResponse(k.op, status, resp.Header(), resp.Body(), time.Now())
	}
	return &Error{Op: k.op, Kind: KindBadResponse, Status: status}
}

// transportError classifies a request that got no usable answer.
func transportError(ctx context.Context, op string, err error) *Error {
	e := &Error{Op: op, Kind: KindUnreachable, Err: err}
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		e.Kind = KindCanceled
	case isCertificateError(err):
		e.Kind = KindCertificate
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		e.Kind = KindBadResponse
	}
	return e
}

func isCertificateError(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		verify   *tls.CertificateVerificationError
	)
	return errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &hostname) || errors.As(err, &verify)
}
