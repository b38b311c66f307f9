package apiclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"billfold/api"
)

// Error is every failure a Client method returns. Status, Code, Message and
// Fields come from the server's problem answer when there is one; the Is*
// helpers classify it for the UI. Its text never contains a token.
type Error struct {
	// Op is what the client was doing, e.g. "add funds".
	Op string
	// Status is the HTTP status, 0 when no answer arrived.
	Status int
	// Code is the problem's stable code (api.Code*), "" when the answer was
	// not a problem (an HTML page from a proxy) or there was no answer.
	Code string
	// Message is for people: the problem's detail, or a description of what
	// went wrong on the way.
	Message string
	// Fields are the invalid request fields the server named.
	Fields []api.FieldError
	// RetryAfter is how long the server asked to wait (429, 503).
	RetryAfter time.Duration
	// Err is the underlying cause: a network, timeout, TLS or decode error.
	Err error

	kind errorKind
}

type errorKind int

const (
	kindHTTP        errorKind = iota // the server (or a proxy) answered with an error status
	kindNetwork                      // no answer: offline, refused, reset, timed out
	kindCertificate                  // the server's certificate is not trusted
	kindBadResponse                  // an answer the client cannot use (bad JSON, unexpected status)
	kindCanceled                     // the caller cancelled the context
	kindNotSignedIn                  // the call needs a session and there is none
	kindUsage                        // the caller passed something unusable (no key, empty id)
)

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	b.WriteString(e.Message)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		b.WriteString(")")
	}
	if e.Err != nil && e.kind != kindHTTP {
		b.WriteString(": " + e.Err.Error())
	}
	// Causes come from the network stack and the server; scrub them anyway.
	return redact(b.String())
}

// Unwrap exposes the cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// AsError finds the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsUnauthorized: the session is missing, expired beyond refresh or revoked,
// or the credentials were wrong. The user has to sign in.
func (e *Error) IsUnauthorized() bool {
	return e != nil && (e.Status == http.StatusUnauthorized || e.kind == kindNotSignedIn)
}

// IsForbidden: the signed-in role may not do this (a staff account on a
// customer screen, or a firewall page in between).
func (e *Error) IsForbidden() bool { return e != nil && e.Status == http.StatusForbidden }

// IsValidation: the request's input was refused; FieldError tells which
// field to mark.
func (e *Error) IsValidation() bool {
	return e != nil && (e.Code == api.CodeValidation || e.Code == api.CodeInvalidJSON || len(e.Fields) > 0)
}

// FieldError returns the server's complaint about field name (a dotted
// path); asking for "amount" also finds "amount.currency".
func (e *Error) FieldError(name string) (api.FieldError, bool) {
	if e == nil {
		return api.FieldError{}, false
	}
	for _, f := range e.Fields {
		if f.Field == name || strings.HasPrefix(f.Field, name+".") {
			return f, true
		}
	}
	return api.FieldError{}, false
}

// IsLimit: an amount rule refused the request: below the minimum or above
// the maximum deposit, over the balance limit, more credit than available
// or than the invoice's balance due.
func (e *Error) IsLimit() bool {
	if e == nil {
		return false
	}
	switch e.Code {
	case api.CodeBelowMinimum, api.CodeAboveMaximum, api.CodeBalanceLimit, api.CodeInsufficientCredit, api.CodeAmountExceedsDue:
		return true
	}
	return false
}

// IsConflict: the resource is not in a state that allows this (an open
// add-funds invoice exists, the invoice is already paid, …).
func (e *Error) IsConflict() bool { return e != nil && e.Status == http.StatusConflict }

// IsNotFound: no such resource for this user.
func (e *Error) IsNotFound() bool { return e != nil && e.Status == http.StatusNotFound }

// IsRateLimited: too many requests; RetryAfter says how long to wait.
func (e *Error) IsRateLimited() bool { return e != nil && e.Status == http.StatusTooManyRequests }

// IsOffline: no answer from the server (no network, refused, reset, timed
// out). Retrying later, with the same idempotency key, is safe.
func (e *Error) IsOffline() bool { return e != nil && e.kind == kindNetwork }

// IsCertificate: the server's TLS certificate is not trusted. This is not a
// network glitch; retrying will not help.
func (e *Error) IsCertificate() bool { return e != nil && e.kind == kindCertificate }

// IsBadResponse: the server answered, but with something the client cannot
// read (garbage or truncated JSON, an unexpected status). When it answered
// a money-moving call, repeating the call with the same key shows the outcome.
func (e *Error) IsBadResponse() bool { return e != nil && e.kind == kindBadResponse }

// IsTemporary: trying again later may succeed (offline, rate limited, a
// server or gateway error, a request with the same key still in flight).
func (e *Error) IsTemporary() bool {
	if e == nil {
		return false
	}
	switch {
	case e.kind == kindNetwork, e.Code == api.CodeIdempotencyInFlight:
		return true
	case e.kind != kindHTTP:
		return false
	}
	switch e.Status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// usageError reports a mistake of the calling code, caught before sending.
func usageError(op, msg string) *Error {
	return &Error{Op: op, Message: msg, kind: kindUsage}
}

func notSignedIn(op string) *Error {
	return &Error{Op: op, Message: "Sign in to continue.", kind: kindNotSignedIn}
}
