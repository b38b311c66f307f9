package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
)

// Invoices with their lines, and the yearly invoice-number counters.

const invoiceColumns = `id, number, customer_id, kind, status, currency, issued_at, due_at, paid_at, cancelled_at,
	gateway, policy_version, subtotal, tax, total, credit_applied, amount_paid, language, seller_json, buyer_json`

// Invoice is an invoice as stored: the API's fields that the database
// holds (lines, amounts, dates, parties), without those the rules derive
// (balance due, overdue, the tax breakdown, the payments' next actions),
// and its payment attempts as stored.
type Invoice struct {
	api.Invoice
	Attempts []Payment
}

// queryInvoices loads invoices with their lines and payments (batched, no
// N+1) in the order the query returns them.
func (t *Tx) queryInvoices(query string, args ...any) ([]Invoice, error) {
	rows, err := t.Query(`SELECT `+invoiceColumns+` FROM invoices `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("query invoices: %w", err)
	}
	defer rows.Close()
	out := []Invoice{}
	index := map[string]int{}
	for rows.Next() {
		var inv Invoice
		var kind, status, cur, sellerJSON, buyerJSON string
		var issued, due, subtotal, tax, total, credit, paid int64
		var paidAt, cancelledAt sql.NullInt64
		if err := rows.Scan(&inv.ID, &inv.Number, &inv.CustomerID, &kind, &status, &cur, &issued, &due, &paidAt, &cancelledAt,
			&inv.Gateway, &inv.PolicyVersion, &subtotal, &tax, &total, &credit, &paid, &inv.Language, &sellerJSON, &buyerJSON); err != nil {
			return nil, fmt.Errorf("scan invoice: %w", err)
		}
		c := billing.Currency(cur)
		inv.Kind, inv.Status, inv.Currency = billing.InvoiceKind(kind), billing.InvoiceStatus(status), c
		inv.IssuedAt, inv.DueAt = fromMicro(issued), fromMicro(due)
		inv.PaidAt, inv.CancelledAt = fromNullMicro(paidAt), fromNullMicro(cancelledAt)
		inv.Subtotal, inv.Tax, inv.Total = billing.New(subtotal, c), billing.New(tax, c), billing.New(total, c)
		inv.CreditApplied, inv.AmountPaid = billing.New(credit, c), billing.New(paid, c)
		if err := json.Unmarshal([]byte(sellerJSON), &inv.Seller); err != nil {
			return nil, fmt.Errorf("invoice %s seller: %w", inv.ID, err)
		}
		if err := json.Unmarshal([]byte(buyerJSON), &inv.Buyer); err != nil {
			return nil, fmt.Errorf("invoice %s buyer: %w", inv.ID, err)
		}
		inv.Lines = []api.InvoiceLine{}
		index[inv.ID] = len(out)
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query invoices: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(out))
	for _, inv := range out {
		ids = append(ids, inv.ID)
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	lrows, err := t.Query(`SELECT invoice_id, description, quantity, unit_price, tax_rate FROM invoice_lines
		WHERE invoice_id IN `+in+` ORDER BY invoice_id, pos`, ids...)
	if err != nil {
		return nil, fmt.Errorf("query lines: %w", err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var id string
		var l api.InvoiceLine
		var unit int64
		if err := lrows.Scan(&id, &l.Description, &l.Quantity, &unit, &l.TaxRate); err != nil {
			return nil, fmt.Errorf("scan line: %w", err)
		}
		inv := &out[index[id]]
		l.UnitPrice = billing.New(unit, inv.Currency)
		l.Amount = billing.New(unit*l.Quantity, inv.Currency)
		inv.Lines = append(inv.Lines, l)
	}
	if err := lrows.Err(); err != nil {
		return nil, fmt.Errorf("query lines: %w", err)
	}
	lrows.Close()
	pays, err := t.queryPaymentsWith(noLanguage, `WHERE invoice_id IN `+in+` ORDER BY created_at, id`, ids...)
	if err != nil {
		return nil, err
	}
	for _, p := range pays {
		inv := &out[index[p.InvoiceID]]
		p.Language = inv.Language
		inv.Attempts = append(inv.Attempts, p)
	}
	return out, nil
}

// Invoice reads one invoice that must belong to customerID; ErrNotFound
// for any other.
func (t *Tx) Invoice(customerID, id string) (Invoice, error) {
	list, err := t.queryInvoices(`WHERE id = ? AND customer_id = ?`, id, customerID)
	if err != nil {
		return Invoice{}, err
	}
	if len(list) == 0 {
		return Invoice{}, ErrNotFound
	}
	return list[0], nil
}

// OpenAddFundsInvoice is the customer's newest unpaid add-funds invoice, or
// nil when there is none.
func (t *Tx) OpenAddFundsInvoice(customerID string) (*Invoice, error) {
	list, err := t.queryInvoices(`WHERE customer_id = ? AND kind = 'add_funds' AND status = 'unpaid' ORDER BY issued_at DESC, id DESC LIMIT 1`, customerID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// CountOpenAddFunds counts the customer's unpaid add-funds invoices.
func (t *Tx) CountOpenAddFunds(customerID string) (int, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM invoices WHERE customer_id = ? AND kind = 'add_funds' AND status = 'unpaid'`, customerID).Scan(&n)
	return n, one(err, "count open invoices")
}

// Unpaid sums up the customer's unpaid invoices: how many, the balance
// still due, and how many of them were due before now.
type Unpaid struct {
	Count, Overdue int
	Due            int64
}

// UnpaidInvoices sums up the customer's unpaid invoices at now.
func (t *Tx) UnpaidInvoices(customerID string, now time.Time) (Unpaid, error) {
	var u Unpaid
	err := t.QueryRow(`SELECT COUNT(*), COALESCE(SUM(total - credit_applied - amount_paid), 0),
		COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0)
		FROM invoices WHERE customer_id = ? AND status = 'unpaid'`, micro(now), customerID).Scan(&u.Count, &u.Due, &u.Overdue)
	return u, one(err, "unpaid invoices")
}

// InvoicePage pages through the customer's invoices, newest first, in
// status ("" for every status). cursor is "" for the first page, else a
// NextCursor this method or InvoiceSummaryPage returned.
func (t *Tx) InvoicePage(customerID string, status billing.InvoiceStatus, limit int, cursor string) ([]Invoice, string, error) {
	where, args, err := invoicePageWhere(customerID, status, limit, cursor)
	if err != nil {
		return nil, "", err
	}
	list, err := t.queryInvoices(where, args...)
	if err != nil {
		return nil, "", err
	}
	list, last := trimPage(list, limit)
	if last == nil {
		return list, "", nil
	}
	return list, invoiceCursor(last.IssuedAt, last.ID), nil
}

// InvoiceSummary is what a list shows of an invoice, as stored: the rules
// derive its balance due and whether it is overdue.
type InvoiceSummary struct {
	ID, Number, Language             string
	Kind                             billing.InvoiceKind
	Status                           billing.InvoiceStatus
	Currency                         billing.Currency
	IssuedAt, DueAt                  time.Time
	Total, CreditApplied, AmountPaid int64
}

// InvoiceSummaryPage is InvoicePage without the parties, lines and
// payments: one query of the invoices table.
func (t *Tx) InvoiceSummaryPage(customerID string, status billing.InvoiceStatus, limit int, cursor string) ([]InvoiceSummary, string, error) {
	where, args, err := invoicePageWhere(customerID, status, limit, cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := t.Query(`SELECT id, number, kind, status, currency, issued_at, due_at, total, credit_applied, amount_paid, language
		FROM invoices `+where, args...)
	if err != nil {
		return nil, "", fmt.Errorf("query invoice summaries: %w", err)
	}
	defer rows.Close()
	list := []InvoiceSummary{}
	for rows.Next() {
		var s InvoiceSummary
		var kind, status, cur string
		var issued, due int64
		if err := rows.Scan(&s.ID, &s.Number, &kind, &status, &cur, &issued, &due, &s.Total, &s.CreditApplied, &s.AmountPaid, &s.Language); err != nil {
			return nil, "", fmt.Errorf("scan invoice summary: %w", err)
		}
		s.Kind, s.Status, s.Currency = billing.InvoiceKind(kind), billing.InvoiceStatus(status), billing.Currency(cur)
		s.IssuedAt, s.DueAt = fromMicro(issued), fromMicro(due)
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("query invoice summaries: %w", err)
	}
	list, last := trimPage(list, limit)
	if last == nil {
		return list, "", nil
	}
	return list, invoiceCursor(last.IssuedAt, last.ID), nil
}

// invoicePageWhere is the WHERE, ORDER BY and LIMIT of a page of the
// customer's invoices (one more than limit, to tell whether another page
// follows), with its arguments.
func invoicePageWhere(customerID string, status billing.InvoiceStatus, limit int, cursor string) (string, []any, error) {
	where := `WHERE customer_id = ?`
	args := []any{customerID}
	if status != "" {
		where += ` AND status = ?`
		args = append(args, string(status))
	}
	if cursor != "" {
		ts, id, ok := strings.Cut(cursor, ":")
		issued, err := strconv.ParseInt(ts, 10, 64)
		if !ok || err != nil {
			return "", nil, ErrBadCursor
		}
		// Keyset pagination: stable while new invoices arrive.
		where += ` AND (issued_at < ? OR (issued_at = ? AND id < ?))`
		args = append(args, issued, issued, id)
	}
	return where + ` ORDER BY issued_at DESC, id DESC LIMIT ?`, append(args, limit+1), nil
}

// invoiceCursor is the cursor of the page after the invoice issued at
// issued with id.
func invoiceCursor(issued time.Time, id string) string {
	return strconv.FormatInt(micro(issued), 10) + ":" + id
}

// InsertInvoice writes a new invoice and its lines. Its amounts paid and
// credited start at zero.
func (t *Tx) InsertInvoice(inv api.Invoice) error {
	seller, err := json.Marshal(inv.Seller)
	if err != nil {
		return fmt.Errorf("invoice seller: %w", err)
	}
	buyer, err := json.Marshal(inv.Buyer)
	if err != nil {
		return fmt.Errorf("invoice buyer: %w", err)
	}
	err = t.write("insert invoice", `INSERT INTO invoices (`+invoiceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
		inv.ID, inv.Number, inv.CustomerID, string(inv.Kind), string(inv.Status), string(inv.Currency), micro(inv.IssuedAt), micro(inv.DueAt),
		inv.Gateway, inv.PolicyVersion, inv.Subtotal.Amount, inv.Tax.Amount, inv.Total.Amount, inv.Language, string(seller), string(buyer))
	if err != nil {
		return err
	}
	for i, l := range inv.Lines {
		if err := t.write("insert invoice line", `INSERT INTO invoice_lines (invoice_id, pos, description, quantity, unit_price, tax_rate) VALUES (?, ?, ?, ?, ?, ?)`, inv.ID, i+1, l.Description, l.Quantity, l.UnitPrice.Amount, int(l.TaxRate)); err != nil {
			return err
		}
	}
	return nil
}

// CancelInvoice marks an invoice cancelled at at.
func (t *Tx) CancelInvoice(id string, at time.Time) error {
	return t.write("cancel invoice", `UPDATE invoices SET status = 'cancelled', cancelled_at = ? WHERE id = ?`, micro(at), id)
}

// SetInvoiceGateway records the gateway an add-funds invoice is paid with.
func (t *Tx) SetInvoiceGateway(id, gateway string) error {
	return t.write("change gateway", `UPDATE invoices SET gateway = ? WHERE id = ?`, gateway, id)
}

// AddCreditApplied adds amount of account credit to what paid the invoice;
// a non-nil paidAt marks it paid then.
func (t *Tx) AddCreditApplied(id string, amount int64, paidAt *time.Time) error {
	return t.settle(`credit_applied`, id, amount, paidAt)
}

// AddAmountPaid adds amount of a payment to what paid the invoice; a
// non-nil paidAt marks it paid then.
func (t *Tx) AddAmountPaid(id string, amount int64, paidAt *time.Time) error {
	return t.settle(`amount_paid`, id, amount, paidAt)
}

func (t *Tx) settle(column, id string, amount int64, paidAt *time.Time) error {
	status := billing.InvoiceUnpaid
	if paidAt != nil {
		status = billing.InvoicePaid
	}
	return t.write("settle invoice "+column, `UPDATE invoices SET `+column+` = `+column+` + ?, status = ?, paid_at = COALESCE(?, paid_at) WHERE id = ?`,
		amount, string(status), nullMicro(paidAt), id)
}
