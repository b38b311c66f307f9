package ui

import "billfold/apiclient"

// actionKey is the Idempotency-Key of one money-moving user action, whose
// request is R. The key stays the same for as long as the user repeats the
// same request — a double click, a retry after a timeout, a resend after
// an answer that was lost or unreadable — so the server carries it out at
// most once and answers every repeat with the original outcome. A new key
// is made only when the request changes, after the action succeeded, or
// after the server definitely refused it (apiclient.Refused): never after
// a 502/504 once the retries ran out, a transport error or a 2xx whose
// body could not be read, since the request may have succeeded there.
type actionKey[R comparable] struct {
	key apiclient.IdempotencyKey
	req R
}

// keyFor returns the key to send req with: the pending action's key when req
// is that action's request, a new one otherwise.
func (k *actionKey[R]) keyFor(req R) apiclient.IdempotencyKey {
	if k.key == "" || k.req != req {
		k.key, k.req = apiclient.NewIdempotencyKey(), req
	}
	return k.key
}

// done records the outcome of sending the request with key. It is ignored
// when the action moved on meanwhile (another request took over the key).
func (k *actionKey[R]) done(key apiclient.IdempotencyKey, err error) {
	if key != k.key {
		return
	}
	if err == nil || apiclient.Refused(err) {
		k.key = "" // the action is over: the next request is a new one
	}
}
