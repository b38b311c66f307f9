package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"billfold/api"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
)

// IdempotencyRetention is how long stored responses are replayed.
const IdempotencyRetention = 48 * time.Hour

// maxKeyLength bounds an Idempotency-Key.
const maxKeyLength = 255

// keyPolicy says whether a route demands an Idempotency-Key.
type keyPolicy bool

const (
	keyRequired keyPolicy = true
	keyOptional keyPolicy = false
)

// change is a money-moving operation as mutate runs it.
type change[T any] struct {
	lock   string    // the customer whose account lock the change takes
	key    keyPolicy // whether it demands an Idempotency-Key
	req    any       // what the key's fingerprint covers, besides method and path
	status int       // the status of success
	run    func(tx *store.Tx) (T, error)
	// audit, set on staff changes, names the action and its detail for
	// the audit trail, written in the change's transaction.
	audit func(T) (action, detail string)
}

// mutate runs a money-moving operation exactly once per Idempotency-Key.
//
// Inside one write transaction that holds the customer's account lock it
// looks the key up: a stored response with the same request fingerprint is
// replayed (an invoice signed again, which gives the same bytes); a
// different fingerprint is idempotency_key_reused.
// Otherwise the operation runs and its successful response is stored in the
// same transaction, so "done" and "remembered" cannot come apart in a
// crash. Failed operations are not stored: nothing changed, and the client
// may retry them.
func mutate[T any](h *Handler, w http.ResponseWriter, r *http.Request, p rules.Principal, c change[T]) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" && c.key == keyRequired {
		h.fail(w, r, problem.New(api.CodeIdempotencyRequired,
			"This request moves money and needs an Idempotency-Key header (one per user action, reused on retries)."))
		return
	}
	if len(key) > maxKeyLength {
		h.fail(w, r, problem.InvalidField("Idempotency-Key", "too_long", "must be at most %d characters", maxKeyLength))
		return
	}
	canon, err := json.Marshal(c.req)
	if err != nil {
		h.fail(w, r, fmt.Errorf("fingerprint: %w", err))
		return
	}
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(canon)))
	fingerprint := hex.EncodeToString(sum[:])

	var resp store.StoredResponse
	replayed := false
	once := func() error {
		return h.db.WriteTx(r.Context(), c.lock, func(tx *store.Tx) error {
			replayed = false
			if key != "" {
				prev, err := tx.IdempotentResponse(p.User.ID, key)
				switch {
				case err == nil && prev.Fingerprint != fingerprint:
					return problem.New(api.CodeIdempotencyMismatch,
						"This Idempotency-Key was already used for a different request. Use a new key for a new action.")
				case err == nil:
					resp, replayed = prev, true
					return nil
				case !errors.Is(err, store.ErrNotFound):
					return err
				}
			}
			result, err := c.run(tx)
			if err != nil {
				return err
			}
			if c.audit != nil {
				action, detail := c.audit(result)
				if err := tx.Audit(p.User.Email, action, c.lock, detail, h.now()); err != nil {
					return err
				}
			}
			if inv, ok := any(&result).(*api.Invoice); ok {
				// Kept unsigned, as the design above the signing asks: an
				// invoice read back after a change (a cancel) comes
				// signed, and is signed as it leaves, below.
				inv.Signature = ""
			}
			resp = store.StoredResponse{Fingerprint: fingerprint, Status: c.status}
			if resp.Body, err = json.Marshal(result); err != nil {
				return fmt.Errorf("encode response: %w", err)
			}
			// An invoice number the transaction takes is known at its commit.
			tx.AfterCommit(func() { resp.Body = tx.Resolve(resp.Body) })
			if key == "" {
				return nil
			}
			return tx.SaveIdempotentResponse(p.User.ID, key, resp, h.now())
		})
	}
	err = once()
	if key != "" && errors.Is(err, store.ErrDuplicate) {
		// The same key raced under another account's lock (one staff key
		// sent for two customers at once) and was saved first: the save
		// collides at once on SQLite and at the commit on PostgreSQL,
		// which holds writes until then. Nothing of this transaction
		// stayed: run it again, to replay the stored answer or refuse it
		// as another request's.
		if err = once(); errors.Is(err, store.ErrDuplicate) {
			err = problem.New(api.CodeIdempotencyInFlight, "A request with this Idempotency-Key is in progress; retry shortly.")
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, invoice := any(*new(T)).(api.Invoice); invoice {
		// Signed as it leaves: a new invoice's number is known only now.
		resp.Body = h.rules.SignInvoiceJSON(resp.Body)
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeRaw(w, resp.Status, resp.Body)
}

// keyAnswered reports whether mutate will not run r's operation: its
// Idempotency-Key is missing or too long (refused), or has a stored answer
// (replayed or, for another request, refused). Work that must precede the
// operation's transaction, such as opening a provider's checkout, is
// skipped then. A read that fails counts as not answered: mutate looks
// again.
func (h *Handler) keyAnswered(r *http.Request, p rules.Principal) bool {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || len(key) > maxKeyLength {
		return true
	}
	err := h.db.ReadTx(r.Context(), func(tx *store.Tx) error {
		_, err := tx.IdempotentResponse(p.User.ID, key)
		return err
	})
	return err == nil
}

// PurgeIdempotencyKeys forgets the keys older than IdempotencyRetention.
func (h *Handler) PurgeIdempotencyKeys(ctx context.Context) error {
	return h.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		return tx.PurgeIdempotency(h.now().Add(-IdempotencyRetention))
	})
}
