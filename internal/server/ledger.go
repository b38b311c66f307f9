package server

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/store"
)

// ledgerLine is one entry to append.
type ledgerLine struct {
	kind        billing.LedgerKind
	amount      int64 // signed minor units
	description string
	reference   string
	actor       string
	invoiceID   string
	paymentID   string
	at          time.Time // zero: now (demo data sets history)
}

// appendLedger appends one entry to the customer's ledger and moves the
// cached balance with it. The caller holds the account lock (WriteTx), so
// balance_after is exact; the CHECK constraints refuse a negative balance
// even if a caller forgot to test for it.
func (s *Server) appendLedger(tx *store.Tx, customerID string, l ledgerLine) (api.LedgerEntry, error) {
	var balance, seq int64
	var cur string
	if err := tx.QueryRow(`SELECT balance, ledger_seq, currency FROM users WHERE id = ?`, customerID).Scan(&balance, &seq, &cur); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("read balance: %w", err)
	}
	c := billing.Currency(cur)
	after, err := billing.New(balance, c).Add(billing.New(l.amount, c))
	if err != nil {
		return api.LedgerEntry{}, err
	}
	if after.Amount < 0 {
		// Only apply-credit and staff adjustments debit; both call it "amount".
		return api.LedgerEntry{}, ruleProblem(api.CodeInsufficientCredit, "amount.amount",
			fmt.Sprintf("Available credit is %s, which is not enough.", billing.Format(billing.New(balance, c))))
	}
	now := l.at
	if now.IsZero() {
		now = s.now()
	}
	e := api.LedgerEntry{
		ID: auth.NewID("led_"), Seq: seq + 1, Kind: l.kind, Amount: billing.New(l.amount, c), BalanceAfter: after,
		Description: l.description, Reference: l.reference, Actor: l.actor, InvoiceID: l.invoiceID, PaymentID: l.paymentID,
		CreatedAt: fromMicro(micro(now)),
	}
	_, err = tx.Exec(`INSERT INTO ledger_entries (id, customer_id, seq, kind, amount, currency, balance_after, description,
		reference, actor, invoice_id, payment_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, customerID, e.Seq, string(e.Kind), l.amount, cur, after.Amount, e.Description, e.Reference, e.Actor,
		nullable(l.invoiceID), nullable(l.paymentID), micro(now))
	if err != nil {
		return api.LedgerEntry{}, fmt.Errorf("append ledger: %w", err)
	}
	if _, err := tx.Exec(`UPDATE users SET balance = ?, ledger_seq = ? WHERE id = ?`, after.Amount, e.Seq, customerID); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("update balance: %w", err)
	}
	return e, s.emit(tx, customerID, api.Event{Type: api.EventBalance, Balance: &after})
}

// underCap reports whether crediting amount keeps balance within the
// currency's maximum balance. It compares amount with the room left, so
// that balance+amount cannot wrap past int64; a debit always fits. limit
// is the cap, room what could still be credited.
func (s *Server) underCap(balance int64, amount billing.Money) (limit, room billing.Money, ok bool) {
	c := amount.Currency
	maxBalance := s.opts.Limits[c].MaxBalance
	headroom := maxBalance - balance
	return billing.New(maxBalance, c), billing.New(max(headroom, 0), c), amount.Amount <= 0 || amount.Amount <= headroom
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const ledgerColumns = `id, seq, kind, amount, currency, balance_after, description, reference, actor, invoice_id, payment_id, created_at`

func scanLedger(rows *sql.Rows) (api.LedgerEntry, error) {
	var e api.LedgerEntry
	var kind, cur string
	var amount, after, created int64
	var inv, pay sql.NullString
	if err := rows.Scan(&e.ID, &e.Seq, &kind, &amount, &cur, &after, &e.Description, &e.Reference, &e.Actor, &inv, &pay, &created); err != nil {
		return e, fmt.Errorf("scan ledger: %w", err)
	}
	c := billing.Currency(cur)
	e.Kind, e.Amount, e.BalanceAfter = billing.LedgerKind(kind), billing.New(amount, c), billing.New(after, c)
	e.InvoiceID, e.PaymentID, e.CreatedAt = inv.String, pay.String, fromMicro(created)
	return e, nil
}

// pageParams reads limit (1..500, default 50) and an opaque cursor.
func pageParams(r *http.Request) (int, string, error) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return 0, "", fieldProblem(http.StatusBadRequest, "limit", "out_of_range", "must be a whole number from 1 to 500")
		}
		limit = n
	}
	var cursor string
	if v := r.URL.Query().Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil {
			return 0, "", fieldProblem(http.StatusBadRequest, "cursor", "invalid", "is not a cursor this server issued")
		}
		cursor = string(b)
	}
	return limit, cursor, nil
}

func encodeCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func (s *Server) ledgerPage(r *http.Request, customerID string) (api.LedgerPage, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return api.LedgerPage{}, err
	}
	before := int64(1 << 62)
	if cursor != "" {
		if before, err = strconv.ParseInt(cursor, 10, 64); err != nil {
			return api.LedgerPage{}, fieldProblem(http.StatusBadRequest, "cursor", "invalid", "is not a cursor this server issued")
		}
	}
	page := api.LedgerPage{Items: []api.LedgerEntry{}}
	err = s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT `+ledgerColumns+` FROM ledger_entries WHERE customer_id = ? AND seq < ?
			ORDER BY seq DESC LIMIT ?`, customerID, before, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanLedger(rows)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, e)
		}
		return rows.Err()
	})
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = encodeCursor(strconv.FormatInt(page.Items[limit-1].Seq, 10))
	}
	return page, err
}

func (s *Server) handleLedger(w http.ResponseWriter, r *http.Request, p *principal) {
	page, err := s.ledgerPage(r, p.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// emit records an event for the customer's stream in the same transaction
// as the change it describes, and wakes subscribers after commit.
func (s *Server) emit(tx *store.Tx, customerID string, ev api.Event) error {
	ev.CreatedAt = fromMicro(micro(s.now()))
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO events (customer_id, type, data, created_at) VALUES (?, ?, ?, ?)`,
		customerID, ev.Type, string(data), micro(s.now())); err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	tx.AfterCommit(func() { s.hub.notify(customerID) })
	return nil
}
