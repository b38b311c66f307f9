package store

import (
	"database/sql"
	"fmt"
	"strconv"

	"billfold/api"
	"billfold/billing"
)

// The append-only credit ledger and the balance cached on the customer.
// Migration 0002 makes ledger_entries refuse UPDATE and DELETE.

const ledgerColumns = `id, seq, kind, amount, currency, balance_after, description, reference, actor, invoice_id, payment_id, created_at, phrase`

// Ledger is a ledger entry as stored: the entry, and its description's
// phrase when the server wrote it (words.Msg.Store), "" when a person did.
type Ledger struct {
	api.LedgerEntry
	Phrase string
}

// LedgerHead is the customer's balance, last sequence number and currency.
func (t *Tx) LedgerHead(customerID string) (balance, seq int64, c billing.Currency, err error) {
	var cur string
	err = t.QueryRow(`SELECT balance, ledger_seq, currency FROM users WHERE id = ?`, customerID).Scan(&balance, &seq, &cur)
	return balance, seq, billing.Currency(cur), one(err, "read balance")
}

// AppendLedger writes entry e of customerID and moves the cached balance
// to e.BalanceAfter and the sequence to e.Seq. The caller holds the
// account lock, so both follow LedgerHead exactly; the CHECK constraints
// refuse a negative balance even if a caller forgot to test for it.
func (t *Tx) AppendLedger(customerID string, e Ledger) error {
	err := t.write("append ledger", `INSERT INTO ledger_entries (id, customer_id, seq, kind, amount, currency, balance_after, description,
		reference, actor, invoice_id, payment_id, created_at, phrase) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, customerID, e.Seq, string(e.Kind), e.Amount.Amount, string(e.Amount.Currency), e.BalanceAfter.Amount, e.Description,
		e.Reference, e.Actor, nullable(e.InvoiceID), nullable(e.PaymentID), micro(e.CreatedAt), e.Phrase)
	if err != nil {
		return err
	}
	t.account, t.lockSent = nil, nil // its balance moves
	return t.write("update balance", `UPDATE users SET balance = ?, ledger_seq = ? WHERE id = ?`, e.BalanceAfter.Amount, e.Seq, customerID)
}

func scanLedger(row interface{ Scan(...any) error }) (Ledger, error) {
	var e Ledger
	var kind, cur string
	var amount, after, created int64
	var inv, pay sql.NullString
	if err := row.Scan(&e.ID, &e.Seq, &kind, &amount, &cur, &after, &e.Description, &e.Reference, &e.Actor, &inv, &pay, &created,
		&e.Phrase); err != nil {
		return e, err
	}
	c := billing.Currency(cur)
	e.Kind, e.Amount, e.BalanceAfter = billing.LedgerKind(kind), billing.New(amount, c), billing.New(after, c)
	e.InvoiceID, e.PaymentID, e.CreatedAt = inv.String, pay.String, fromMicro(created)
	return e, nil
}

// LedgerEntry reads one of the customer's entries; ErrNotFound for any other.
func (t *Tx) LedgerEntry(customerID, id string) (api.LedgerEntry, error) {
	e, err := scanLedger(t.QueryRow(`SELECT `+ledgerColumns+` FROM ledger_entries WHERE id = ? AND customer_id = ?`, id, customerID))
	return e.LedgerEntry, one(err, "read ledger entry")
}

// Reversed reports whether the customer's entry id has a reversal.
func (t *Tx) Reversed(customerID, id string) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ? AND kind = 'reversal' AND reference = ?`,
		customerID, id).Scan(&n)
	return n > 0, one(err, "look for a reversal")
}

// LedgerPage pages through the customer's ledger, newest first. cursor is
// "" for the first page, else a NextCursor this method returned.
func (t *Tx) LedgerPage(customerID string, limit int, cursor string) ([]Ledger, string, error) {
	before := int64(1 << 62)
	if cursor != "" {
		var err error
		if before, err = int64Cursor(cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := t.Query(`SELECT `+ledgerColumns+` FROM ledger_entries WHERE customer_id = ? AND seq < ?
		ORDER BY seq DESC LIMIT ?`, customerID, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("query ledger: %w", err)
	}
	defer rows.Close()
	out := []Ledger{}
	for rows.Next() {
		e, err := scanLedger(rows)
		if err != nil {
			return nil, "", fmt.Errorf("scan ledger: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("query ledger: %w", err)
	}
	out, last := trimPage(out, limit)
	if last == nil {
		return out, "", nil
	}
	return out, strconv.FormatInt(last.Seq, 10), nil
}
