package store

import (
	"time"
)

// Responses remembered per Idempotency-Key.

// StoredResponse is the answer given to the first request with a key.
type StoredResponse struct {
	Fingerprint string // of the request's method, path and parameters
	Status      int
	Body        []byte
}

// IdempotentResponse reads what principalID's key answered; ErrNotFound if
// the key is new.
func (t *Tx) IdempotentResponse(principalID, key string) (StoredResponse, error) {
	var r StoredResponse
	err := t.QueryRow(`SELECT fingerprint, status_code, body FROM idempotency_keys WHERE principal_id = ? AND key = ?`,
		principalID, key).Scan(&r.Fingerprint, &r.Status, &r.Body)
	return r, one(err, "idempotency lookup")
}

// SaveIdempotentResponse remembers what principalID's key answered;
// ErrDuplicate when another transaction saved the key first.
func (t *Tx) SaveIdempotentResponse(principalID, key string, r StoredResponse, at time.Time) error {
	return t.queue(queued{what: "save idempotent response", dup: true, Statement: t.bind(
		`INSERT INTO idempotency_keys (principal_id, key, fingerprint, status_code, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		[]any{principalID, key, r.Fingerprint, r.Status, r.Body, micro(at)})})
}

// PurgeIdempotency forgets the keys saved before before.
func (t *Tx) PurgeIdempotency(before time.Time) error {
	return t.write("purge idempotency keys", `DELETE FROM idempotency_keys WHERE created_at < ?`, micro(before))
}
