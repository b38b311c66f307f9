// Package apiclient is the typed client of Billing API v1 (api/openapi.yaml)
// used by the desktop app, the archive sync and the staff tools. It is built
// on github.com/go-resty/resty/v2 and speaks only the wire types of package
// api, so the client and the reference server cannot drift apart.
//
// What it guarantees, so that callers do not have to:
//
//   - Money never moves twice. Every money-moving method takes an
//     IdempotencyKey from the caller, who creates it once per user action
//     (NewIdempotencyKey) and reuses it for a retry, a double click or a
//     restart after a crash. POSTs are retried only when they carry a key.
//   - Transient failures are retried with capped exponential backoff and
//     jitter: GET on network errors, and every retryable request on 429
//     (honouring Retry-After), 502, 503 and 504. Each attempt has its own
//     timeout and each call an overall deadline.
//   - Every failure is an *Error that says what happened as data: a Kind
//     (unreachable, signed out, invalid credentials, rate limited with the
//     time to wait, conflict, invalid with the fields, refused by a rule
//     with its code, unavailable, untrusted certificate, unusable answer…)
//     and never a sentence: the app words it in the user's language.
//     Refused tells whether the server definitely did not carry out a
//     money-moving request, which is when its idempotency key may go.
//   - Tokens stay inside the client: an expired access token is refreshed
//     once, shared by all concurrent callers; the rotated refresh token is
//     handed to Options.OnRefreshToken for the keyring; debug logs, errors
//     and formatted values never contain a token or a password.
//   - TLS is always verified (a private CA can be added, never switched
//     off); plain http is refused unless the server is on this machine.
package apiclient
