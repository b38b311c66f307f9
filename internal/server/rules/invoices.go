package rules

import (
	"context"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
)

// invoiceView is a stored invoice as the API shows it: with the balance
// due, whether it is overdue, the tax per rate and its payments' states
// and next actions as of now.
func (s *Service) invoiceView(inv store.Invoice) api.Invoice {
	v := inv.Invoice
	v.BalanceDue = balanceDue(v.Total.Amount, v.CreditApplied.Amount, v.AmountPaid.Amount, v.Currency)
	v.Overdue = s.overdue(v.Status, v.DueAt)
	v.TaxByRate = invoiceTotals(v.Lines, v.Currency).ByRate
	v.Payments = make([]api.Payment, len(inv.Attempts))
	for i, p := range inv.Attempts {
		v.Payments[i] = s.paymentView(p)
	}
	s.signInvoice(&v)
	return v
}

func invoiceTotals(lines []api.InvoiceLine, c billing.Currency) billing.Totals {
	bl := make([]billing.Line, len(lines))
	for i, l := range lines {
		bl[i] = billing.Line{Amount: l.Amount.Amount, Rate: l.TaxRate}
	}
	return billing.TaxBreakdown(bl, c)
}

// storedInvoice loads one of the customer's invoices; any other invoice is
// not_found, never forbidden, so that ids do not leak.
func (s *Service) storedInvoice(tx *store.Tx, customerID, id string) (store.Invoice, error) {
	inv, err := tx.Invoice(customerID, id)
	return inv, notFound(err, "No invoice with that id on this account.")
}

// Invoice is one of the customer's invoices.
func (s *Service) Invoice(tx *store.Tx, customerID, id string) (api.Invoice, error) {
	inv, err := s.storedInvoice(tx, customerID, id)
	if err != nil {
		return api.Invoice{}, err
	}
	return s.invoiceView(inv), nil
}

// balanceDue is what is left to pay of an invoice's total.
func balanceDue(total, creditApplied, amountPaid int64, c billing.Currency) billing.Money {
	return billing.New(total-creditApplied-amountPaid, c)
}

// overdue tells whether an invoice in status, due at due, is overdue now.
func (s *Service) overdue(status billing.InvoiceStatus, due time.Time) bool {
	return status == billing.InvoiceUnpaid && s.now().After(due)
}

// ListInvoices is one page of the customer's invoices, newest first;
// status is "all" or an invoice status.
func (s *Service) ListInvoices(tx *store.Tx, customerID, status string, page Page) (api.InvoicePage, error) {
	items, next, err := invoicePage(status, page, func(filter billing.InvoiceStatus, cursor string) ([]store.Invoice, string, error) {
		return tx.InvoicePage(customerID, filter, page.Limit, cursor)
	}, s.invoiceView)
	return api.InvoicePage{Items: items, NextCursor: next}, err
}

// ListInvoiceSummaries is ListInvoices as a list shows the invoices.
func (s *Service) ListInvoiceSummaries(tx *store.Tx, customerID, status string, page Page) (api.InvoiceSummaryPage, error) {
	items, next, err := invoicePage(status, page, func(filter billing.InvoiceStatus, cursor string) ([]store.InvoiceSummary, string, error) {
		return tx.InvoiceSummaryPage(customerID, filter, page.Limit, cursor)
	}, s.summaryView)
	return api.InvoiceSummaryPage{Items: items, NextCursor: next}, err
}

// summaryView is a stored invoice summary as the API shows it.
func (s *Service) summaryView(inv store.InvoiceSummary) api.InvoiceSummary {
	return api.InvoiceSummary{ID: inv.ID, Number: inv.Number, Kind: inv.Kind, Status: inv.Status, Currency: inv.Currency,
		IssuedAt: inv.IssuedAt, DueAt: inv.DueAt, Overdue: s.overdue(inv.Status, inv.DueAt), Total: billing.New(inv.Total, inv.Currency),
		BalanceDue: balanceDue(inv.Total, inv.CreditApplied, inv.AmountPaid, inv.Currency), Language: inv.Language}
}

// invoicePage reads one page of invoices in status ("all" or an invoice
// status) with read and shows each with view; next is the next page's
// cursor, "" on the last page.
func invoicePage[S, V any](status string, page Page, read func(billing.InvoiceStatus, string) ([]S, string, error),
	view func(S) V) (items []V, next string, err error) {
	filter, cursor, err := invoicePageQuery(status, page)
	if err != nil {
		return nil, "", err
	}
	list, after, err := read(filter, cursor)
	if err != nil {
		return nil, "", pageError(err)
	}
	items = make([]V, len(list))
	for i, inv := range list {
		items[i] = view(inv)
	}
	return items, encodeCursor(after), nil
}

// invoicePageQuery reads a page of invoices' status filter ("all" or an
// invoice status) and cursor.
func invoicePageQuery(status string, page Page) (billing.InvoiceStatus, string, error) {
	var filter billing.InvoiceStatus
	switch st := billing.InvoiceStatus(status); {
	case status == "all":
	case st.Valid():
		filter = st
	default:
		return "", "", problem.InvalidField("status", "invalid", "must be one of draft, unpaid, paid, cancelled, refunded, all")
	}
	cursor, err := page.cursor()
	return filter, cursor, err
}

// NewInvoice is an invoice to issue.
type NewInvoice struct {
	Customer      api.User
	Kind          billing.InvoiceKind
	Issued, Due   time.Time
	Gateway       string // add-funds invoices: the gateway chosen
	PolicyVersion string // add-funds invoices: the credit policy accepted
	Lines         []api.InvoiceLine
}

// Issue writes a new unpaid invoice with the next number of its year's
// series: each line's amount is its quantity times its unit price in the
// customer's currency, and tax is computed once per rate.
func (s *Service) Issue(tx *store.Tx, n NewInvoice) (api.Invoice, error) {
	c := n.Customer.Currency
	for i := range n.Lines {
		n.Lines[i].UnitPrice.Currency = c
		n.Lines[i].Amount = billing.New(n.Lines[i].UnitPrice.Amount*n.Lines[i].Quantity, c)
	}
	totals := invoiceTotals(n.Lines, c)
	year := n.Issued.Year()
	number, err := tx.NextInvoiceNumber(year)
	if err != nil {
		return api.Invoice{}, err
	}
	zero := billing.Zero(c)
	inv := api.Invoice{
		ID: auth.NewID("inv_"), Number: number, CustomerID: n.Customer.ID,
		Kind: n.Kind, Status: billing.InvoiceUnpaid, Currency: c,
		IssuedAt: store.Time(n.Issued), DueAt: store.Time(n.Due), Gateway: n.Gateway, PolicyVersion: n.PolicyVersion,
		Seller: s.cfg.Seller, Buyer: api.Party{Name: n.Customer.Name, Company: n.Customer.Company, Address: n.Customer.Address, Email: n.Customer.Email},
		Lines: n.Lines, TaxByRate: totals.ByRate, Subtotal: totals.Subtotal, Tax: totals.Tax,
		Total: totals.Total, CreditApplied: zero, AmountPaid: zero, BalanceDue: totals.Total, Payments: []api.Payment{},
		Language: n.Customer.Locale,
		Overdue:  s.now().After(n.Due),
	}
	if err := tx.InsertInvoice(inv); err != nil {
		return api.Invoice{}, err
	}
	// Answered as built rather than read back: it is exactly what was
	// written. Unsigned: on PostgreSQL its number is a stand-in until the
	// commit, so it is signed as it leaves (signing.go).
	return inv, s.emit(tx, n.Customer.ID, api.Event{Type: api.EventInvoice, Invoice: &inv})
}

// ServiceLine is one line of a service invoice.
type ServiceLine struct {
	Description string
	Quantity    int64
	UnitPrice   int64 // minor units of the customer's currency
	TaxRate     billing.TaxRate
}

// IssueServiceInvoice bills a customer for services (renewals and the
// like) and returns the new invoice's id.
func (s *Service) IssueServiceInvoice(ctx context.Context, customerID string, issued, due time.Time, lines []ServiceLine) (string, error) {
	var id string
	err := s.db.WriteTx(ctx, customerID, func(tx *store.Tx) error {
		u, _, err := s.customer(tx, customerID)
		if err != nil {
			return err
		}
		ls := make([]api.InvoiceLine, len(lines))
		for i, l := range lines {
			ls[i] = api.InvoiceLine{Description: l.Description, Quantity: l.Quantity, UnitPrice: billing.New(l.UnitPrice, u.Currency), TaxRate: l.TaxRate}
		}
		inv, err := s.Issue(tx, NewInvoice{Customer: u, Kind: billing.KindService, Issued: issued, Due: due, Lines: ls})
		id = inv.ID
		return err
	})
	return id, err
}

// CancelInvoice lets a customer withdraw their own unpaid add-funds
// invoice; its open payment attempts expire with it.
func (s *Service) CancelInvoice(tx *store.Tx, customerID, id string) (api.Invoice, error) {
	stored, err := s.storedInvoice(tx, customerID, id)
	if err != nil {
		return api.Invoice{}, err
	}
	inv := s.invoiceView(stored)
	if inv.Kind != billing.KindAddFunds || inv.Status != billing.InvoiceUnpaid {
		return api.Invoice{}, problem.New(api.CodeNotCancellable,
			"Only an unpaid add-funds invoice can be cancelled. For other invoices, contact support.")
	}
	for _, pay := range inv.Payments {
		if pay.State == billing.PaymentProcessing {
			return api.Invoice{}, problem.New(api.CodeNotCancellable, "A payment for this invoice is being processed; wait for it to finish.")
		}
	}
	now := s.now()
	if err := tx.CancelInvoice(id, now); err != nil {
		return api.Invoice{}, err
	}
	if err := tx.ExpireOpenPayments(id, "invoice cancelled", now); err != nil {
		return api.Invoice{}, err
	}
	return s.invoiceChanged(tx, customerID, id)
}

// invoiceChanged reads an invoice back after a change and records the
// invoice.updated event.
func (s *Service) invoiceChanged(tx *store.Tx, customerID, id string) (api.Invoice, error) {
	inv, err := s.Invoice(tx, customerID, id)
	if err != nil {
		return api.Invoice{}, err
	}
	return inv, s.emit(tx, customerID, api.Event{Type: api.EventInvoice, Invoice: &inv})
}
