package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"billfold/api"
	"billfold/internal/server/store"
)

// IdempotencyRetention is how long stored responses are replayed.
const IdempotencyRetention = 48 * time.Hour

// keyPolicy says whether a route demands an Idempotency-Key.
type keyPolicy bool

const (
	keyRequired keyPolicy = true
	keyOptional keyPolicy = false
)

// mutation runs a money-moving operation exactly once per Idempotency-Key.
//
// Inside one write transaction that holds the customer's account lock it
// looks the key up: a stored response with the same request fingerprint is
// replayed byte for byte; a different fingerprint is a 422. Otherwise op
// runs and its successful response is stored in the same transaction, so
// "done" and "remembered" cannot come apart in a crash. Failed operations
// are not stored: nothing changed, and the client may retry them.
func (s *Server) mutation(w http.ResponseWriter, r *http.Request, p *principal, lockCustomer string, policy keyPolicy,
	req any, op func(tx *store.Tx) (int, any, error)) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" && policy == keyRequired {
		s.fail(w, r, problem(http.StatusBadRequest, api.CodeIdempotencyRequired,
			"This request moves money and needs an Idempotency-Key header (one per user action, reused on retries)."))
		return
	}
	if len(key) > 255 {
		s.fail(w, r, fieldProblem(http.StatusBadRequest, "Idempotency-Key", "too_long", "must be at most 255 characters"))
		return
	}
	canon, err := json.Marshal(req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(canon)))
	fingerprint := hex.EncodeToString(sum[:])

	var status int
	var body []byte
	replayed := false
	err = s.db.WriteTx(r.Context(), lockCustomer, func(tx *store.Tx) error {
		if key != "" {
			var fp string
			err := tx.QueryRow(`SELECT fingerprint, status_code, body FROM idempotency_keys WHERE principal_id = ? AND key = ?`,
				p.user.ID, key).Scan(&fp, &status, &body)
			switch {
			case err == nil && fp != fingerprint:
				return problem(http.StatusUnprocessableEntity, api.CodeIdempotencyMismatch,
					"This Idempotency-Key was already used for a different request. Use a new key for a new action.")
			case err == nil:
				replayed = true
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("idempotency lookup: %w", err)
			}
		}
		var resp any
		status, resp, err = op(tx)
		if err != nil {
			return err
		}
		if body, err = json.Marshal(resp); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		_, err = tx.Exec(`INSERT INTO idempotency_keys (principal_id, key, fingerprint, status_code, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, p.user.ID, key, fingerprint, status, body, micro(s.now()))
		if store.IsUniqueViolation(err) {
			// The same staff key raced on another customer's lock.
			return problem(http.StatusConflict, api.CodeIdempotencyInFlight, "A request with this Idempotency-Key is in progress; retry shortly.")
		}
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeRaw(w, status, body)
}

// purgeIdempotencyKeys forgets keys older than the retention period.
func (s *Server) purgeIdempotencyKeys(ctx context.Context) error {
	return s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		_, err := tx.Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, micro(s.now().Add(-IdempotencyRetention)))
		return err
	})
}
