package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"billfold/api"
	"billfold/billing"
)

// InvoiceQuery selects a page of invoices.
type InvoiceQuery struct {
	// Status filters by status; "" lists every status.
	Status billing.InvoiceStatus
	// Cursor is the previous page's NextCursor; "" starts at the newest.
	Cursor string
	// Limit is the page size (1–500); 0 takes the server's default.
	Limit int
}

func (q InvoiceQuery) values() url.Values {
	v := PageQuery{Cursor: q.Cursor, Limit: q.Limit}.values()
	if q.Status != "" {
		v.Set("status", string(q.Status))
	}
	return v
}

// PageQuery selects a page of a cursor-paginated list.
type PageQuery struct {
	Cursor string
	Limit  int
}

func (q PageQuery) values() url.Values {
	v := url.Values{}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// segment escapes an id for a path, refusing an empty one: "/v1/invoices/"
// would silently list invoices instead of failing.
func segment(op, id string) (string, error) {
	if id == "" {
		return "", usageError(op, "an id is required")
	}
	return url.PathEscape(id), nil
}

// Health checks that the server answers and reaches its database
// (GET /healthz); it needs no sign-in.
func (c *Client) Health(ctx context.Context) error {
	_, err := fetch[struct {
		Status string `json:"status"`
	}](ctx, c, call{op: "check the server", method: http.MethodGet, path: "/healthz", public: true})
	return err
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (api.User, error) {
	return fetch[api.User](ctx, c, call{op: "load account", method: http.MethodGet, path: "/v1/me"})
}

// Summary returns the customer's balance, unpaid and overdue invoices and
// open add-funds invoice.
func (c *Client) Summary(ctx context.Context) (api.Summary, error) {
	return fetch[api.Summary](ctx, c, call{op: "load summary", method: http.MethodGet, path: "/v1/billing/summary"})
}

// Config returns the account's currency, deposit limits, credit policy
// (whose Version must accompany AddFunds), gateways and seller.
func (c *Client) Config(ctx context.Context) (api.Config, error) {
	return fetch[api.Config](ctx, c, call{op: "load billing configuration", method: http.MethodGet, path: "/v1/billing/config"})
}

// AddFunds creates an add-funds invoice, to be paid with Pay. key belongs
// to the user's action: pass the same key when repeating it.
func (c *Client) AddFunds(ctx context.Context, key IdempotencyKey, req api.AddFundsRequest) (api.Invoice, error) {
	return fetch[api.Invoice](ctx, c, call{op: "add funds", method: http.MethodPost, path: "/v1/funds", body: req, key: key})
}

// RedeemVoucher books a voucher's value as credit.
func (c *Client) RedeemVoucher(ctx context.Context, key IdempotencyKey, code string) (api.LedgerResult, error) {
	return fetch[api.LedgerResult](ctx, c, call{op: "redeem voucher", method: http.MethodPost, path: "/v1/vouchers/redeem",
		body: api.RedeemRequest{Code: code}, key: key})
}

// Invoices returns one page of the customer's invoices, newest first.
func (c *Client) Invoices(ctx context.Context, q InvoiceQuery) (api.InvoicePage, error) {
	return fetch[api.InvoicePage](ctx, c, call{op: "list invoices", method: http.MethodGet, path: "/v1/invoices", query: q.values()})
}

// InvoiceSummaries returns one page of the customer's invoices as a list
// shows them, newest first, paged and filtered like Invoices.
func (c *Client) InvoiceSummaries(ctx context.Context, q InvoiceQuery) (api.InvoiceSummaryPage, error) {
	return fetch[api.InvoiceSummaryPage](ctx, c, call{op: "list invoice summaries", method: http.MethodGet, path: "/v1/invoice-summaries", query: q.values()})
}

// Invoice returns one invoice with its lines, tax breakdown and payments.
func (c *Client) Invoice(ctx context.Context, id string) (api.Invoice, error) {
	const op = "load invoice"
	seg, err := segment(op, id)
	if err != nil {
		return api.Invoice{}, err
	}
	return fetch[api.Invoice](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/invoices/" + seg})
}

// Pay starts a payment of an invoice's balance due. Check the answer's
// NextAction: open NextAction.URL (after CheckRedirectURL) for redirect
// gateways, or show NextAction.Instructions for a bank transfer.
func (c *Client) Pay(ctx context.Context, key IdempotencyKey, invoiceID string, req api.PayRequest) (api.Payment, error) {
	const op = "start payment"
	seg, err := segment(op, invoiceID)
	if err != nil {
		return api.Payment{}, err
	}
	return fetch[api.Payment](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/invoices/" + seg + "/payments", body: req, key: key})
}

// Payment returns one payment attempt's current state.
func (c *Client) Payment(ctx context.Context, id string) (api.Payment, error) {
	const op = "load payment"
	seg, err := segment(op, id)
	if err != nil {
		return api.Payment{}, err
	}
	return fetch[api.Payment](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/payments/" + seg})
}

// ApplyCredit pays (part of) a service invoice with available credit.
func (c *Client) ApplyCredit(ctx context.Context, key IdempotencyKey, invoiceID string, req api.ApplyCreditRequest) (api.ApplyCreditResult, error) {
	const op = "apply credit"
	seg, err := segment(op, invoiceID)
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	return fetch[api.ApplyCreditResult](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/invoices/" + seg + "/apply-credit", body: req, key: key})
}

// CancelInvoice cancels an unpaid add-funds invoice, so that a new one can
// be created.
func (c *Client) CancelInvoice(ctx context.Context, key IdempotencyKey, invoiceID string) (api.Invoice, error) {
	const op = "cancel invoice"
	seg, err := segment(op, invoiceID)
	if err != nil {
		return api.Invoice{}, err
	}
	return fetch[api.Invoice](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/invoices/" + seg + "/cancel", key: key})
}

// Ledger returns one page of the customer's credit ledger, newest first.
func (c *Client) Ledger(ctx context.Context, q PageQuery) (api.LedgerPage, error) {
	return fetch[api.LedgerPage](ctx, c, call{op: "load ledger", method: http.MethodGet, path: "/v1/ledger", query: q.values()})
}
