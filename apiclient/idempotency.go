package apiclient

import (
	"crypto/rand"
	"fmt"
)

// IdempotencyKey makes a money-moving request safe to repeat: the server
// executes the first request with a key and answers every repeat with the
// same response. Create one per user action (the click on "Add funds"),
// keep it with the pending action, and pass the same key again on a retry,
// a double click or after a restart; a new action gets a new key.
type IdempotencyKey string

// NewIdempotencyKey returns a fresh random key (a UUID v4).
func NewIdempotencyKey() IdempotencyKey {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return IdempotencyKey(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// check enforces the API's rule (1 to 255 visible ASCII characters, which
// also keeps it a valid header value) before anything is sent.
func (k IdempotencyKey) check(op string) error {
	if len(k) == 0 || len(k) > 255 {
		return usageError(op, "an idempotency key of 1 to 255 characters is required; create it with NewIdempotencyKey once per user action")
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] > '~' {
			return usageError(op, "the idempotency key may contain only visible ASCII characters")
		}
	}
	return nil
}
