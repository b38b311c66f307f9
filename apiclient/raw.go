package apiclient

import (
	"context"
	"encoding/json"
	"net/http"
)

// The raw methods return invoices as the JSON the server sent, byte for
// byte (each value without the whitespace around it), for callers that
// must keep the server's document rather than a re-encoding of it, such as
// the offline archive. Bodies are still checked to be exactly one JSON
// value of the expected shape.

// RawInvoicePage is one page of invoices with each item undecoded.
type RawInvoicePage struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// RawInvoice returns one invoice (GET /v1/invoices/{id}) undecoded.
func (c *Client) RawInvoice(ctx context.Context, id string) ([]byte, error) {
	const op = "load invoice"
	seg, err := segment(op, id)
	if err != nil {
		return nil, err
	}
	raw, err := fetch[json.RawMessage](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/invoices/" + seg})
	if err != nil {
		return nil, err
	}
	return []byte(raw), nil
}

// RawInvoices returns one page of the customer's invoices, like Invoices,
// with the items undecoded.
func (c *Client) RawInvoices(ctx context.Context, q InvoiceQuery) (RawInvoicePage, error) {
	return fetch[RawInvoicePage](ctx, c, call{op: "list invoices", method: http.MethodGet, path: "/v1/invoices", query: q.values()})
}

// StaffRawInvoices returns one page of a customer's invoices, like
// StaffInvoices, with the items undecoded.
func (c *Client) StaffRawInvoices(ctx context.Context, customerID string, q InvoiceQuery) (RawInvoicePage, error) {
	const op = "list customer invoices"
	seg, err := segment(op, customerID)
	if err != nil {
		return RawInvoicePage{}, err
	}
	return fetch[RawInvoicePage](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/staff/customers/" + seg + "/invoices", query: q.values()})
}
