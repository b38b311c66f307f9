// Package apisource lets the archive sync from the billing API: Source
// adapts an apiclient.Client to archive.InvoiceSource, for the desktop app
// and `billfold archive sync` alike.
package apisource

import (
	"context"
	"crypto/ed25519"

	"billfold/api"
	"billfold/apiclient"
	"billfold/internal/anchor"
	"billfold/internal/archive"
)

// Source lists invoices through a signed-in client.
type Source struct{ c *apiclient.Client }

// New returns the source of c's account.
func New(c *apiclient.Client) Source { return Source{c: c} }

// Account is the signed-in account on the client's server.
func (s Source) Account(ctx context.Context) (archive.Owner, error) {
	me, err := s.c.Me(ctx)
	if err != nil {
		return archive.Owner{}, err
	}
	return archive.Owner{Server: s.c.BaseURL(), Email: me.Email, UserID: me.ID}, nil
}

// InvoicePage lists the account's own invoices (GET /v1/invoices), or with
// a customerID a staff session's view of that customer's
// (GET /v1/staff/customers/{id}/invoices), each undecoded.
func (s Source) InvoicePage(ctx context.Context, customerID, cursor string, limit int) (archive.InvoicePage, error) {
	q := apiclient.InvoiceQuery{Cursor: cursor, Limit: limit}
	var p apiclient.RawInvoicePage
	var err error
	if customerID == "" {
		p, err = s.c.RawInvoices(ctx, q)
	} else {
		p, err = s.c.StaffRawInvoices(ctx, customerID, q)
	}
	return archive.InvoicePage{Items: p.Items, NextCursor: p.NextCursor}, err
}

// SigningKey is the server's public signing key (GET /v1/signing-key).
func (s Source) SigningKey(ctx context.Context) (ed25519.PublicKey, error) {
	k, err := s.c.SigningKey(ctx)
	if err != nil {
		return nil, err
	}
	return anchor.ParseKey(k.PublicKey)
}

// SignHead has the server sign the archive's chain head (POST /v1/archive/heads).
func (s Source) SignHead(ctx context.Context, seq int64, head string) ([]byte, error) {
	return s.c.SignArchiveHead(ctx, api.ArchiveHeadRequest{Seq: seq, Head: head})
}
