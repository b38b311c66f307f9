package archive

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
)

// InvoiceSource is where Sync gets invoices: the billing API (package
// archive/apisource adapts apiclient), or anything else that lists an
// account's invoices as JSON documents, such as the in-memory source of
// the archive's tests.
type InvoiceSource interface {
	// Account is the account signed in to the source: the first sync
	// makes it the folder's owner, and a sync by another is refused.
	Account(ctx context.Context) (Owner, error)
	// InvoicePage returns one page of at most limit invoices, each the JSON
	// document exactly as the source holds it (it is archived byte for
	// byte): the signed-in account's own when customerID is "", else (a
	// staff session) that customer's. cursor is "" for the first page and
	// then the NextCursor of the page before.
	InvoicePage(ctx context.Context, customerID, cursor string, limit int) (InvoicePage, error)
	// SigningKey is the public key the source signs its invoices and
	// archive heads with (internal/anchor). The first sync pins it; a
	// source presenting another is refused.
	SigningKey(ctx context.Context) (ed25519.PublicKey, error)
	// SignHead has the source sign the statement that this account's
	// archive chain has seq records ending in head, and returns it (an
	// api.ArchiveHead) as the source sent it.
	SignHead(ctx context.Context, seq int64, head string) ([]byte, error)
}

// InvoicePage is one page of a listing.
type InvoicePage struct {
	Items      []json.RawMessage
	NextCursor string // "" after the last page
}
