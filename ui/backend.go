// Package ui is the Billfold desktop app's Fyne user interface. Screens
// talk to the Backend interface (satisfied by *apiclient.Client), never to
// HTTP or SQL, and every network call runs off the UI goroutine; results
// come back through fyne.Do.
package ui

import (
	"context"
	"iter"
	"net/url"

	"billfold/api"
	"billfold/apiclient"
)

// Backend is what the screens need from the billing API.
type Backend interface {
	Summary(ctx context.Context) (api.Summary, error)
	Config(ctx context.Context) (api.Config, error)
	AddFunds(ctx context.Context, key apiclient.IdempotencyKey, req api.AddFundsRequest) (api.Invoice, error)
	RedeemVoucher(ctx context.Context, key apiclient.IdempotencyKey, code string) (api.LedgerResult, error)
	AllInvoiceSummaries(ctx context.Context, q apiclient.InvoiceQuery) iter.Seq2[api.InvoiceSummary, error]
	Invoice(ctx context.Context, id string) (api.Invoice, error)
	Pay(ctx context.Context, key apiclient.IdempotencyKey, invoiceID string, req api.PayRequest) (api.Payment, error)
	ApplyCredit(ctx context.Context, key apiclient.IdempotencyKey, invoiceID string, req api.ApplyCreditRequest) (api.ApplyCreditResult, error)
	CancelInvoice(ctx context.Context, key apiclient.IdempotencyKey, invoiceID string) (api.Invoice, error)
	AllLedger(ctx context.Context, q apiclient.PageQuery) iter.Seq2[api.LedgerEntry, error]
	Events(ctx context.Context) <-chan apiclient.Update
	SignOut(ctx context.Context) error
	// SetLanguage asks the server to answer in the UI's language from now.
	SetLanguage(tag string) error
	// CheckRedirectURL vets an address the server sent before the browser
	// opens it (apiclient.Client.CheckRedirectURL).
	CheckRedirectURL(raw string) (*url.URL, error)
}
