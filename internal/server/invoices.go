package server

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/store"
)

const invoiceColumns = `id, number, customer_id, kind, status, currency, issued_at, due_at, paid_at, cancelled_at,
	gateway, policy_version, subtotal, tax, total, credit_applied, amount_paid, language, seller_json, buyer_json`

func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullMicro(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicro(v.Int64)
	return &t
}

// queryInvoices loads invoices with their lines and payments (batched, no
// N+1) in the order the query returns them.
func (s *Server) queryInvoices(tx *store.Tx, query string, args ...any) ([]api.Invoice, error) {
	rows, err := tx.Query(`SELECT `+invoiceColumns+` FROM invoices `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("query invoices: %w", err)
	}
	defer rows.Close()
	out := []api.Invoice{}
	index := map[string]int{}
	now := s.now()
	for rows.Next() {
		var inv api.Invoice
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
		inv.BalanceDue = billing.New(total-credit-paid, c)
		inv.Overdue = inv.Status == billing.InvoiceUnpaid && now.After(inv.DueAt)
		if err := json.Unmarshal([]byte(sellerJSON), &inv.Seller); err != nil {
			return nil, fmt.Errorf("invoice %s seller: %w", inv.ID, err)
		}
		if err := json.Unmarshal([]byte(buyerJSON), &inv.Buyer); err != nil {
			return nil, fmt.Errorf("invoice %s buyer: %w", inv.ID, err)
		}
		inv.Lines, inv.Payments, inv.TaxByRate = []api.InvoiceLine{}, []api.Payment{}, []billing.RateTotal{}
		index[inv.ID] = len(out)
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, err
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
	lrows, err := tx.Query(`SELECT invoice_id, description, quantity, unit_price, tax_rate FROM invoice_lines
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
		return nil, err
	}
	lrows.Close()
	for i := range out {
		out[i].TaxByRate = invoiceTotals(out[i].Lines, out[i].Currency).ByRate
	}
	pays, err := s.queryPayments(tx, `WHERE invoice_id IN `+in+` ORDER BY created_at, id`, ids...)
	if err != nil {
		return nil, err
	}
	for _, p := range pays {
		inv := &out[index[p.InvoiceID]]
		inv.Payments = append(inv.Payments, p)
	}
	return out, nil
}

func invoiceTotals(lines []api.InvoiceLine, c billing.Currency) billing.Totals {
	bl := make([]billing.Line, len(lines))
	for i, l := range lines {
		bl[i] = billing.Line{Amount: l.Amount.Amount, Rate: l.TaxRate}
	}
	return billing.TaxBreakdown(bl, c)
}

// customerInvoice loads one invoice that must belong to customerID; any
// other invoice is "not found", never "forbidden", so ids do not leak.
func (s *Server) customerInvoice(tx *store.Tx, customerID, id string) (api.Invoice, error) {
	list, err := s.queryInvoices(tx, `WHERE id = ? AND customer_id = ?`, id, customerID)
	if err != nil {
		return api.Invoice{}, err
	}
	if len(list) == 0 {
		return api.Invoice{}, problem(404, api.CodeNotFound, "No invoice with that id on this account.")
	}
	return list[0], nil
}

// newInvoice is what createInvoice needs.
type newInvoice struct {
	customer      api.User
	kind          billing.InvoiceKind
	status        billing.InvoiceStatus
	issued, due   time.Time
	gateway       string
	policyVersion string
	lines         []api.InvoiceLine
}

func (s *Server) createInvoice(tx *store.Tx, n newInvoice) (api.Invoice, error) {
	c := n.customer.Currency
	for i := range n.lines {
		n.lines[i].UnitPrice.Currency = c
		n.lines[i].Amount = billing.New(n.lines[i].UnitPrice.Amount*n.lines[i].Quantity, c)
	}
	totals := invoiceTotals(n.lines, c)
	number, err := nextInvoiceNumber(tx, n.issued)
	if err != nil {
		return api.Invoice{}, err
	}
	seller, _ := json.Marshal(s.opts.Seller)
	buyer := api.Party{Name: n.customer.Name, Company: n.customer.Company, Address: n.customer.Address, Email: n.customer.Email}
	buyerJSON, _ := json.Marshal(buyer)
	id := auth.NewID("inv_")
	_, err = tx.Exec(`INSERT INTO invoices (`+invoiceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
		id, number, n.customer.ID, string(n.kind), string(n.status), string(c), micro(n.issued), micro(n.due),
		n.gateway, n.policyVersion, totals.Subtotal.Amount, totals.Tax.Amount, totals.Total.Amount,
		n.customer.Locale, string(seller), string(buyerJSON))
	if err != nil {
		return api.Invoice{}, fmt.Errorf("insert invoice: %w", err)
	}
	for i, l := range n.lines {
		if _, err := tx.Exec(`INSERT INTO invoice_lines (invoice_id, pos, description, quantity, unit_price, tax_rate) VALUES (?, ?, ?, ?, ?, ?)`,
			id, i+1, l.Description, l.Quantity, l.UnitPrice.Amount, int(l.TaxRate)); err != nil {
			return api.Invoice{}, fmt.Errorf("insert invoice line: %w", err)
		}
	}
	// Built in memory rather than read back: it is exactly what was written.
	zero := billing.Zero(c)
	inv := api.Invoice{
		ID: id, Number: number, CustomerID: n.customer.ID, Kind: n.kind, Status: n.status, Currency: c,
		IssuedAt: fromMicro(micro(n.issued)), DueAt: fromMicro(micro(n.due)), Gateway: n.gateway, PolicyVersion: n.policyVersion,
		Seller: s.opts.Seller, Buyer: buyer, Lines: n.lines, TaxByRate: totals.ByRate, Subtotal: totals.Subtotal, Tax: totals.Tax,
		Total: totals.Total, CreditApplied: zero, AmountPaid: zero, BalanceDue: totals.Total, Payments: []api.Payment{},
		Language: n.customer.Locale,
		Overdue:  n.status == billing.InvoiceUnpaid && s.now().After(n.due),
	}
	return inv, s.emit(tx, n.customer.ID, api.Event{Type: api.EventInvoice, Invoice: &inv})
}

// nextInvoiceNumber hands out gap-free yearly numbers (INV-2026-000001);
// the counter row is updated inside the caller's transaction, so a rolled
// back invoice does not burn a number.
func nextInvoiceNumber(tx *store.Tx, at time.Time) (string, error) {
	name := fmt.Sprintf("invoice-%d", at.Year())
	var v int64
	// One statement, so concurrent transactions on PostgreSQL queue on the
	// row instead of reading the same value.
	err := tx.QueryRow(`INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("invoice number: %w", err)
	}
	return fmt.Sprintf("INV-%d-%06d", at.Year(), v), nil
}

// loadCustomer reads a customer (inside the caller's transaction, after the
// account lock, so balance is current).
func loadCustomer(tx *store.Tx, id string) (api.User, int64, error) {
	var balance int64
	u, err := scanUser(tx.QueryRow(`SELECT u.balance, `+userColumns+` FROM users u WHERE u.id = ? AND u.role = 'customer'`, id), &balance)
	if errors.Is(err, sql.ErrNoRows) {
		return api.User{}, 0, problem(404, api.CodeNotFound, "No such customer.")
	}
	if err != nil {
		return api.User{}, 0, fmt.Errorf("load customer: %w", err)
	}
	return u, balance, nil
}

func (s *Server) invoicePage(r *http.Request, customerID string) (api.InvoicePage, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return api.InvoicePage{}, err
	}
	where := `WHERE customer_id = ?`
	args := []any{customerID}
	switch st := r.URL.Query().Get("status"); {
	case st == "" || st == "all":
	case billing.InvoiceStatus(st).Valid():
		where += ` AND status = ?`
		args = append(args, st)
	default:
		return api.InvoicePage{}, fieldProblem(http.StatusBadRequest, "status", "invalid", "must be one of draft, unpaid, paid, cancelled, refunded, all")
	}
	if cursor != "" {
		ts, id, ok := strings.Cut(cursor, ":")
		issued, perr := strconv.ParseInt(ts, 10, 64)
		if !ok || perr != nil {
			return api.InvoicePage{}, fieldProblem(http.StatusBadRequest, "cursor", "invalid", "is not a cursor this server issued")
		}
		// Keyset pagination: stable while new invoices arrive.
		where += ` AND (issued_at < ? OR (issued_at = ? AND id < ?))`
		args = append(args, issued, issued, id)
	}
	args = append(args, limit+1)
	var page api.InvoicePage
	err = s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
		page.Items, err = s.queryInvoices(tx, where+` ORDER BY issued_at DESC, id DESC LIMIT ?`, args...)
		return err
	})
	if err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodeCursor(strconv.FormatInt(micro(last.IssuedAt), 10) + ":" + last.ID)
	}
	return page, nil
}

func (s *Server) handleListInvoices(w http.ResponseWriter, r *http.Request, p *principal) {
	page, err := s.invoicePage(r, p.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) handleGetInvoice(w http.ResponseWriter, r *http.Request, p *principal) {
	var inv api.Invoice
	err := s.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
		inv, err = s.customerInvoice(tx, p.user.ID, r.PathValue("id"))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inv)
}
