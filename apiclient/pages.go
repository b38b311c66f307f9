package apiclient

import (
	"context"
	"iter"

	"billfold/api"
)

// AllInvoices yields every invoice matching q, fetching page after page
// (q.Limit items at a time) only as the loop asks for more. A failed page
// is yielded as the error and ends the sequence:
//
//	for inv, err := range c.AllInvoices(ctx, apiclient.InvoiceQuery{Limit: 100}) {
//		if err != nil { return err }
//		…
//	}
func (c *Client) AllInvoices(ctx context.Context, q InvoiceQuery) iter.Seq2[api.Invoice, error] {
	return pages(q.Cursor, func(cursor string) ([]api.Invoice, string, error) {
		q.Cursor = cursor
		p, err := c.Invoices(ctx, q)
		return p.Items, p.NextCursor, err
	})
}

// AllInvoiceSummaries yields every invoice matching q as a list shows it,
// like AllInvoices.
func (c *Client) AllInvoiceSummaries(ctx context.Context, q InvoiceQuery) iter.Seq2[api.InvoiceSummary, error] {
	return pages(q.Cursor, func(cursor string) ([]api.InvoiceSummary, string, error) {
		q.Cursor = cursor
		p, err := c.InvoiceSummaries(ctx, q)
		return p.Items, p.NextCursor, err
	})
}

// AllLedger yields every ledger entry, newest first, like AllInvoices.
func (c *Client) AllLedger(ctx context.Context, q PageQuery) iter.Seq2[api.LedgerEntry, error] {
	return pages(q.Cursor, func(cursor string) ([]api.LedgerEntry, string, error) {
		q.Cursor = cursor
		p, err := c.Ledger(ctx, q)
		return p.Items, p.NextCursor, err
	})
}

// StaffAllInvoices yields every invoice of a customer, like AllInvoices.
func (c *Client) StaffAllInvoices(ctx context.Context, customerID string, q InvoiceQuery) iter.Seq2[api.Invoice, error] {
	return pages(q.Cursor, func(cursor string) ([]api.Invoice, string, error) {
		q.Cursor = cursor
		p, err := c.StaffInvoices(ctx, customerID, q)
		return p.Items, p.NextCursor, err
	})
}

// StaffAllLedger yields every ledger entry of a customer, like AllInvoices.
func (c *Client) StaffAllLedger(ctx context.Context, customerID string, q PageQuery) iter.Seq2[api.LedgerEntry, error] {
	return pages(q.Cursor, func(cursor string) ([]api.LedgerEntry, string, error) {
		q.Cursor = cursor
		p, err := c.StaffLedger(ctx, customerID, q)
		return p.Items, p.NextCursor, err
	})
}

// StaffAllCustomers yields every customer a search matches, by name, like
// AllInvoices.
func (c *Client) StaffAllCustomers(ctx context.Context, q CustomerQuery) iter.Seq2[api.Customer, error] {
	return pages(q.Cursor, func(cursor string) ([]api.Customer, string, error) {
		q.Cursor = cursor
		p, err := c.StaffCustomerPage(ctx, q)
		return p.Items, p.NextCursor, err
	})
}

// StaffAllAudit yields the audit trail, newest first, like AllInvoices.
func (c *Client) StaffAllAudit(ctx context.Context, q AuditQuery) iter.Seq2[api.AuditRecord, error] {
	return pages(q.Cursor, func(cursor string) ([]api.AuditRecord, string, error) {
		q.Cursor = cursor
		p, err := c.StaffAuditPage(ctx, q)
		return p.Items, p.NextCursor, err
	})
}

// pages walks a cursor-paginated list starting at cursor.
func pages[T any](start string, page func(cursor string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := start // per walk, so that the sequence can be ranged over again
		seen := map[string]bool{cursor: true}
		for {
			items, next, err := page(cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				// A server handing out a cursor again (A, B, A…) would
				// loop forever, filling the list as it went.
				var zero T
				yield(zero, &Error{Op: "list", Kind: KindBadResponse, Detail: "the server repeated a page cursor"})
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}
