package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
)

// Payments through a payment service provider, and the disputes of their
// charges (migration 0006).

// SetProviderCharge records the provider's id of the money a payment took.
func (t *Tx) SetProviderCharge(paymentID, charge string) error {
	if _, err := t.Exec(`UPDATE payments SET provider_charge = ? WHERE id = ?`, charge, paymentID); err != nil {
		return fmt.Errorf("record provider charge: %w", err)
	}
	return nil
}

// PaymentByCharge reads the payment through gateway whose charge is charge.
func (t *Tx) PaymentByCharge(gateway, charge string) (Payment, error) {
	if charge == "" {
		return Payment{}, ErrNotFound
	}
	return t.onePayment(`WHERE gateway = ? AND provider_charge = ?`, gateway, charge)
}

// Deposited is how much the payment credited to the ledger.
func (t *Tx) Deposited(paymentID string) (int64, error) {
	var n int64
	err := t.QueryRow(`SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE payment_id = ? AND kind = 'deposit'`, paymentID).Scan(&n)
	return n, one(err, "sum deposits")
}

// DisputedReversals is how much earlier disputes of the payment reversed.
func (t *Tx) DisputedReversals(paymentID string) (int64, error) {
	var n int64
	err := t.QueryRow(`SELECT COALESCE(SUM(reversed), 0) FROM disputes WHERE payment_id = ?`, paymentID).Scan(&n)
	return n, one(err, "sum dispute reversals")
}

const disputeColumns = `d.id, d.gateway, d.customer_id, u.name, d.payment_id, d.invoice_id, i.number, d.amount, d.currency, d.reason,
	d.reversed, d.unrecovered, d.entry_id, d.created_at`

// HasDispute reports whether the dispute id is recorded.
func (t *Tx) HasDispute(id string) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM disputes WHERE id = ?`, id).Scan(&n)
	return n > 0, one(err, "look up dispute")
}

// InsertDispute records a dispute.
func (t *Tx) InsertDispute(d api.Dispute) error {
	_, err := t.Exec(`INSERT INTO disputes (id, gateway, customer_id, payment_id, invoice_id, amount, currency, reason, reversed,
		unrecovered, entry_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Gateway, d.CustomerID, d.PaymentID, d.InvoiceID, d.Amount.Amount, string(d.Amount.Currency), d.Reason,
		d.Reversed.Amount, d.Unrecovered.Amount, nullable(d.EntryID), micro(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert dispute: %w", err)
	}
	return nil
}

// DisputePage pages through the disputes, newest first, of customerID
// only when it is not "".
func (t *Tx) DisputePage(customerID string, limit int, cursor string) ([]api.Dispute, string, error) {
	at, id, err := timeIDCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	q, args := `SELECT `+disputeColumns+` FROM disputes d JOIN users u ON u.id = d.customer_id JOIN invoices i ON i.id = d.invoice_id
		WHERE (d.created_at < ? OR (d.created_at = ? AND d.id < ?))`, []any{at, at, id}
	if customerID != "" {
		q += ` AND d.customer_id = ?`
		args = append(args, customerID)
	}
	rows, err := t.Query(q+` ORDER BY d.created_at DESC, d.id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("read disputes: %w", err)
	}
	defer rows.Close()
	out := []api.Dispute{}
	for rows.Next() {
		var d api.Dispute
		var amount, reversed, unrecovered, at int64
		var cur string
		var entry *string
		if err := rows.Scan(&d.ID, &d.Gateway, &d.CustomerID, &d.CustomerName, &d.PaymentID, &d.InvoiceID, &d.InvoiceNumber,
			&amount, &cur, &d.Reason, &reversed, &unrecovered, &entry, &at); err != nil {
			return nil, "", fmt.Errorf("scan dispute: %w", err)
		}
		c := billing.Currency(cur)
		d.Amount, d.Reversed, d.Unrecovered = billing.New(amount, c), billing.New(reversed, c), billing.New(unrecovered, c)
		if entry != nil {
			d.EntryID = *entry
		}
		d.CreatedAt = fromMicro(at)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("read disputes: %w", err)
	}
	out, last := trimPage(out, limit)
	if last == nil {
		return out, "", nil
	}
	return out, timeIDCursorOf(last.CreatedAt, last.ID), nil
}

// timeIDCursor reads a keyset cursor of a list newest first ("" starts
// at the newest): a time and an id, for rows created in the same
// microsecond.
func timeIDCursor(cursor string) (int64, string, error) {
	if cursor == "" {
		return 1 << 62, "", nil
	}
	ts, id, ok := strings.Cut(cursor, ":")
	at, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		return 0, "", ErrBadCursor
	}
	return at, id, nil
}

func timeIDCursorOf(at time.Time, id string) string {
	return strconv.FormatInt(micro(at), 10) + ":" + id
}
