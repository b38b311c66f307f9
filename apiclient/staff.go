package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"billfold/api"
)

// Staff methods need a staff session; a customer session gets an *Error
// with IsForbidden. The server records every one of them, reads included,
// in the audit trail.

// CustomerQuery selects a page of a staff customer search.
type CustomerQuery struct {
	// Text is matched against e-mail, name and company; "" matches all.
	Text   string
	Cursor string
	Limit  int
}

func (q CustomerQuery) values() url.Values {
	v := PageQuery{Cursor: q.Cursor, Limit: q.Limit}.values()
	v.Set("q", q.Text)
	return v
}

// StaffCustomers searches customers by e-mail, name or company: the first
// 100 matches, by name. StaffAllCustomers yields every match.
func (c *Client) StaffCustomers(ctx context.Context, query string) (api.CustomerList, error) {
	return c.StaffCustomerPage(ctx, CustomerQuery{Text: query, Limit: 100})
}

// StaffCustomerPage returns one page of a customer search, by name.
func (c *Client) StaffCustomerPage(ctx context.Context, q CustomerQuery) (api.CustomerList, error) {
	return fetch[api.CustomerList](ctx, c, call{op: "search customers", method: http.MethodGet, path: "/v1/staff/customers",
		query: q.values()})
}

// StaffSummary returns a customer's summary as the customer sees it.
func (c *Client) StaffSummary(ctx context.Context, customerID string) (api.Summary, error) {
	const op = "load customer summary"
	seg, err := segment(op, customerID)
	if err != nil {
		return api.Summary{}, err
	}
	return fetch[api.Summary](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/staff/customers/" + seg + "/summary"})
}

// StaffConfig returns a customer's billing configuration as the customer
// sees it: the currency, limits, credit policy and gateways that adding
// funds for them needs.
func (c *Client) StaffConfig(ctx context.Context, customerID string) (api.Config, error) {
	const op = "load customer config"
	seg, err := segment(op, customerID)
	if err != nil {
		return api.Config{}, err
	}
	return fetch[api.Config](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/staff/customers/" + seg + "/config"})
}

// StaffInvoices returns one page of a customer's invoices.
func (c *Client) StaffInvoices(ctx context.Context, customerID string, q InvoiceQuery) (api.InvoicePage, error) {
	const op = "list customer invoices"
	seg, err := segment(op, customerID)
	if err != nil {
		return api.InvoicePage{}, err
	}
	return fetch[api.InvoicePage](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/staff/customers/" + seg + "/invoices", query: q.values()})
}

// StaffLedger returns one page of a customer's ledger.
func (c *Client) StaffLedger(ctx context.Context, customerID string, q PageQuery) (api.LedgerPage, error) {
	const op = "load customer ledger"
	seg, err := segment(op, customerID)
	if err != nil {
		return api.LedgerPage{}, err
	}
	return fetch[api.LedgerPage](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/staff/customers/" + seg + "/ledger", query: q.values()})
}

// StaffAddFunds creates an add-funds invoice on a customer's behalf.
func (c *Client) StaffAddFunds(ctx context.Context, key IdempotencyKey, customerID string, req api.AddFundsRequest) (api.Invoice, error) {
	const op = "add funds for customer"
	seg, err := segment(op, customerID)
	if err != nil {
		return api.Invoice{}, err
	}
	return fetch[api.Invoice](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/staff/customers/" + seg + "/funds", body: req, key: key})
}

// StaffApplyCredit pays (part of) a customer's invoice from their credit
// on their behalf; the ledger entry names the staff member.
func (c *Client) StaffApplyCredit(ctx context.Context, key IdempotencyKey, customerID, invoiceID string, req api.ApplyCreditRequest) (api.ApplyCreditResult, error) {
	const op = "apply customer credit"
	cseg, err := segment(op, customerID)
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	iseg, err := segment(op, invoiceID)
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	return fetch[api.ApplyCreditResult](ctx, c, call{op: op, method: http.MethodPost,
		path: "/v1/staff/customers/" + cseg + "/invoices/" + iseg + "/apply-credit", body: req, key: key})
}

// StaffAdjust books a balance adjustment (negative amounts are
// corrections); the customer sees the reason in their ledger.
func (c *Client) StaffAdjust(ctx context.Context, key IdempotencyKey, customerID string, req api.AdjustmentRequest) (api.LedgerResult, error) {
	const op = "adjust balance"
	seg, err := segment(op, customerID)
	if err != nil {
		return api.LedgerResult{}, err
	}
	return fetch[api.LedgerResult](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/staff/customers/" + seg + "/adjustments", body: req, key: key})
}

// StaffConfirmPayment records that a bank transfer arrived; req.Reference
// must match the payment's transfer reference.
func (c *Client) StaffConfirmPayment(ctx context.Context, key IdempotencyKey, paymentID string, req api.ConfirmRequest) (api.Payment, error) {
	const op = "confirm payment"
	seg, err := segment(op, paymentID)
	if err != nil {
		return api.Payment{}, err
	}
	return fetch[api.Payment](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/staff/payments/" + seg + "/confirm", body: req, key: key})
}

// AuditQuery selects a page of the audit trail.
type AuditQuery struct {
	// CustomerID narrows the trail to one customer; "" is everyone's.
	CustomerID string
	Cursor     string
	Limit      int
}

func (q AuditQuery) values() url.Values {
	v := PageQuery{Cursor: q.Cursor, Limit: q.Limit}.values()
	if q.CustomerID != "" {
		v.Set("customer_id", q.CustomerID)
	}
	return v
}

// StaffAudit returns the newest 200 recorded staff actions, newest first;
// a customerID narrows them to one customer ("" for all). StaffAllAudit
// yields the whole trail.
func (c *Client) StaffAudit(ctx context.Context, customerID string) (api.AuditPage, error) {
	return c.StaffAuditPage(ctx, AuditQuery{CustomerID: customerID, Limit: 200})
}

// StaffAuditPage returns one page of the audit trail, newest first.
func (c *Client) StaffAuditPage(ctx context.Context, q AuditQuery) (api.AuditPage, error) {
	return fetch[api.AuditPage](ctx, c, call{op: "load audit trail", method: http.MethodGet, path: "/v1/staff/audit", query: q.values()})
}

// StaffUploadStatement uploads a bank statement file (Zengin 入出金取引明細
// or the MUFG CSV export) as the bank delivered it: its deposits are
// matched to pending bank transfers or queued. The same file again
// returns the statement it made the first time and changes nothing, so a
// retry is always safe.
func (c *Client) StaffUploadStatement(ctx context.Context, file []byte) (api.BankStatement, error) {
	if file == nil {
		file = []byte{}
	}
	return fetch[api.BankStatement](ctx, c, call{op: "upload bank statement", method: http.MethodPost, path: "/v1/staff/bank-statements", file: file})
}

// StaffStatements returns one page of the uploaded statements, newest
// first, without their lines.
func (c *Client) StaffStatements(ctx context.Context, q PageQuery) (api.BankStatementPage, error) {
	return fetch[api.BankStatementPage](ctx, c, call{op: "list bank statements", method: http.MethodGet, path: "/v1/staff/bank-statements", query: q.values()})
}

// StaffStatement returns a statement with its deposits, each matched,
// queued or resolved.
func (c *Client) StaffStatement(ctx context.Context, id string) (api.BankStatement, error) {
	const op = "load bank statement"
	seg, err := segment(op, id)
	if err != nil {
		return api.BankStatement{}, err
	}
	return fetch[api.BankStatement](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/staff/bank-statements/" + seg})
}

// StaffResolveLine applies staff's decision on a queued statement line:
// assign it to a pending transfer, accept a bank fee shortfall, credit it
// as an adjustment, or set it aside as not ours.
func (c *Client) StaffResolveLine(ctx context.Context, key IdempotencyKey, lineID string, req api.ResolveLineRequest) (api.BankStatementLine, error) {
	const op = "resolve statement line"
	seg, err := segment(op, lineID)
	if err != nil {
		return api.BankStatementLine{}, err
	}
	return fetch[api.BankStatementLine](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/staff/bank-statement-lines/" + seg + "/resolve", body: req, key: key})
}

// StaffDisputes returns the newest 100 card disputes, newest first; a
// customerID narrows them to one customer ("" for all). Each says how much
// of the disputed credit was reversed and how much staff must settle.
func (c *Client) StaffDisputes(ctx context.Context, customerID string) (api.DisputePage, error) {
	// The list takes the audit trail's query: customer_id and a page.
	q := AuditQuery{CustomerID: customerID, Limit: 100}
	return fetch[api.DisputePage](ctx, c, call{op: "load disputes", method: http.MethodGet, path: "/v1/staff/disputes", query: q.values()})
}
