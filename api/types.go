// Package api is the Billing API v1 contract: openapi.yaml (the single source
// of truth, embedded here) and the Go shapes of its request and response
// bodies, shared by the reference server and the client so that the two
// cannot drift apart silently. Every response the test suites see is also
// validated against the document itself.
package api

import (
	_ "embed"
	"time"

	"billfold/billing"
)

// OpenAPI is the api/openapi.yaml document.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Problem codes: stable identifiers clients switch on. Messages may change;
// codes may not.
const (
	CodeInvalidJSON           = "invalid_json"
	CodeBodyTooLarge          = "body_too_large"
	CodeRequestTimeout        = "request_timeout"
	CodeUnsupportedMediaType  = "unsupported_media_type"
	CodeValidation            = "validation_failed"
	CodeUnauthorized          = "unauthorized"
	CodeTokenExpired          = "token_expired"
	CodeInvalidCredentials    = "invalid_credentials"
	CodeForbidden             = "forbidden"
	CodeNotFound              = "not_found"
	CodeMethodNotAllowed      = "method_not_allowed"
	CodeRateLimited           = "rate_limited"
	CodeIdempotencyRequired   = "idempotency_key_required"
	CodeIdempotencyMismatch   = "idempotency_key_reused"
	CodeIdempotencyInFlight   = "idempotency_key_in_use"
	CodeBelowMinimum          = "amount_below_minimum"
	CodeAboveMaximum          = "amount_above_maximum"
	CodeBalanceLimit          = "balance_limit_exceeded"
	CodeOpenInvoiceExists     = "open_add_funds_invoice_exists"
	CodeGatewayUnavailable    = "gateway_unavailable"
	CodePolicyVersion         = "policy_version_mismatch"
	CodeCurrencyMismatch      = "currency_mismatch"
	CodeInsufficientCredit    = "insufficient_credit"
	CodeInvoiceNotPayable     = "invoice_not_payable"
	CodeNotCancellable        = "invoice_not_cancellable"
	CodeCreditNotAllowed      = "credit_not_allowed"
	CodeAmountExceedsDue      = "amount_exceeds_balance_due"
	CodeVoucherInvalid        = "voucher_invalid"
	CodeVoucherExpired        = "voucher_expired"
	CodeVoucherRedeemed       = "voucher_already_redeemed"
	CodePaymentNotConfirmable = "payment_not_confirmable"
	CodeAlreadyReversed       = "entry_already_reversed"
	CodeGatewayError          = "gateway_error"
	CodeStatementUnreadable   = "statement_unreadable"
	CodeLineNotQueued         = "statement_line_not_queued"
	CodeTransferAmount        = "transfer_amount_mismatch"
	CodeInternal              = "internal_error"
)

// Problem is an RFC 9457 application/problem+json body.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Code     string       `json:"code"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// RetryAfter is set on rate_limited problems, in seconds.
	RetryAfter int `json:"retry_after,omitempty"`
}

// FieldError names one invalid request field (a JSON pointer-ish dotted path).
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// SignInRequest is the body of POST /v1/sessions.
type SignInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// RefreshRequest is the body of POST /v1/sessions/refresh.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// Session is returned by sign-in and refresh.
type Session struct {
	AccessToken      string    `json:"access_token"`
	AccessExpiresAt  time.Time `json:"access_expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	TokenType        string    `json:"token_type"`
	User             User      `json:"user"`
}

// User is the signed-in principal (GET /v1/me).
type User struct {
	ID       string           `json:"id"`
	Email    string           `json:"email"`
	Name     string           `json:"name"`
	Role     billing.Role     `json:"role"`
	Locale   string           `json:"locale"`
	Currency billing.Currency `json:"currency,omitempty"`
	Company  string           `json:"company,omitempty"`
	Address  string           `json:"address,omitempty"`
}

// Summary is GET /v1/billing/summary.
type Summary struct {
	CustomerID      string        `json:"customer_id"`
	AvailableCredit billing.Money `json:"available_credit"`
	UnpaidTotal     billing.Money `json:"unpaid_total"`
	UnpaidCount     int           `json:"unpaid_count"`
	OverdueCount    int           `json:"overdue_count"`
	OpenAddFunds    *Invoice      `json:"open_add_funds_invoice"`
	AsOf            time.Time     `json:"as_of"`
}

// Gateway describes one payment method.
type Gateway struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"` // redirect | offline
	Description string `json:"description"`
}

// Gateway kinds.
const (
	GatewayRedirect = "redirect"
	GatewayOffline  = "offline"
)

// CreditPolicy is the provider's non-refundability policy; its version must
// accompany every add-funds request so the customer provably saw it.
type CreditPolicy struct {
	URL     string `json:"url"`
	Version string `json:"version"`
	Summary string `json:"summary"`
}

// Seller is the provider block printed on invoices.
type Seller struct {
	Name               string `json:"name"`
	Address            string `json:"address"`
	RegistrationNumber string `json:"registration_number"`
	Email              string `json:"email"`
}

// Config is GET /v1/billing/config for the caller's account.
type Config struct {
	Currency                billing.Currency `json:"currency"`
	MinDeposit              billing.Money    `json:"min_deposit"`
	MaxDeposit              billing.Money    `json:"max_deposit"`
	MaxBalance              billing.Money    `json:"max_balance"`
	MaxOpenAddFundsInvoices int              `json:"max_open_add_funds_invoices"`
	CreditPolicy            CreditPolicy     `json:"credit_policy"`
	SupportURL              string           `json:"support_url"`
	Gateways                []Gateway        `json:"gateways"`
	Seller                  Seller           `json:"seller"`
}

// AddFundsRequest is POST /v1/funds (and the staff variant).
type AddFundsRequest struct {
	Amount        billing.Money `json:"amount"`
	Gateway       string        `json:"gateway"`
	PolicyVersion string        `json:"policy_version"`
}

// InvoiceLine is one line of an invoice.
type InvoiceLine struct {
	Description string          `json:"description"`
	Quantity    int64           `json:"quantity"`
	UnitPrice   billing.Money   `json:"unit_price"`
	Amount      billing.Money   `json:"amount"`
	TaxRate     billing.TaxRate `json:"tax_rate"`
}

// Party is the buyer block of an invoice.
type Party struct {
	Name    string `json:"name"`
	Company string `json:"company,omitempty"`
	Address string `json:"address,omitempty"`
	Email   string `json:"email"`
}

// Invoice is an invoice as the API returns it.
type Invoice struct {
	ID            string                `json:"id"`
	Number        string                `json:"number"`
	CustomerID    string                `json:"customer_id"`
	Kind          billing.InvoiceKind   `json:"kind"`
	Status        billing.InvoiceStatus `json:"status"`
	Currency      billing.Currency      `json:"currency"`
	IssuedAt      time.Time             `json:"issued_at"`
	DueAt         time.Time             `json:"due_at"`
	PaidAt        *time.Time            `json:"paid_at"`
	CancelledAt   *time.Time            `json:"cancelled_at"`
	Overdue       bool                  `json:"overdue"`
	Gateway       string                `json:"gateway,omitempty"`
	PolicyVersion string                `json:"policy_version,omitempty"`
	Seller        Seller                `json:"seller"`
	Buyer         Party                 `json:"buyer"`
	Lines         []InvoiceLine         `json:"lines"`
	TaxByRate     []billing.RateTotal   `json:"tax_by_rate"`
	Subtotal      billing.Money         `json:"subtotal"`
	Tax           billing.Money         `json:"tax"`
	Total         billing.Money         `json:"total"`
	CreditApplied billing.Money         `json:"credit_applied"`
	AmountPaid    billing.Money         `json:"amount_paid"`
	BalanceDue    billing.Money         `json:"balance_due"`
	Payments      []Payment             `json:"payments"`
	Language      string                `json:"language"`
	// Signature is the server's Ed25519 signature of the invoice as it
	// is sent (internal/anchor: kind "billfold invoice v1", over the
	// canonical JSON of the object without this member), checked offline
	// by the archive against the key of GET /v1/signing-key.
	Signature string `json:"signature,omitempty"`
}

// InvoicePage is one page of GET /v1/invoices.
type InvoicePage struct {
	Items      []Invoice `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// InvoiceSummary is an invoice as GET /v1/invoice-summaries lists it:
// what a list of invoices shows, without the parties, lines, payments and
// signature that make a full Invoice six times the size and the server's
// signing most of the cost of listing one.
type InvoiceSummary struct {
	ID         string                `json:"id"`
	Number     string                `json:"number"`
	Kind       billing.InvoiceKind   `json:"kind"`
	Status     billing.InvoiceStatus `json:"status"`
	Currency   billing.Currency      `json:"currency"`
	IssuedAt   time.Time             `json:"issued_at"`
	DueAt      time.Time             `json:"due_at"`
	Overdue    bool                  `json:"overdue"`
	Total      billing.Money         `json:"total"`
	BalanceDue billing.Money         `json:"balance_due"`
	Language   string                `json:"language"`
}

// Summary is the invoice as a list of invoices shows it.
func (inv *Invoice) Summary() InvoiceSummary {
	return InvoiceSummary{ID: inv.ID, Number: inv.Number, Kind: inv.Kind, Status: inv.Status, Currency: inv.Currency,
		IssuedAt: inv.IssuedAt, DueAt: inv.DueAt, Overdue: inv.Overdue, Total: inv.Total, BalanceDue: inv.BalanceDue, Language: inv.Language}
}

// InvoiceSummaryPage is one page of GET /v1/invoice-summaries.
type InvoiceSummaryPage struct {
	Items      []InvoiceSummary `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// PayRequest is POST /v1/invoices/{id}/payments.
type PayRequest struct {
	Gateway string `json:"gateway"`
}

// BankInstructions tell the customer where to transfer money.
type BankInstructions struct {
	BankName      string        `json:"bank_name"`
	BranchName    string        `json:"branch_name"`
	AccountType   string        `json:"account_type"`
	AccountNumber string        `json:"account_number"`
	AccountHolder string        `json:"account_holder"`
	Amount        billing.Money `json:"amount"`
	Reference     string        `json:"reference"`
	Note          string        `json:"note"`
}

// NextAction is what the customer must do to finish a payment.
type NextAction struct {
	Type         string            `json:"type"` // redirect | instructions | none
	URL          string            `json:"url,omitempty"`
	Instructions *BankInstructions `json:"instructions,omitempty"`
}

// Next action types.
const (
	ActionRedirect     = "redirect"
	ActionInstructions = "instructions"
	ActionNone         = "none"
)

// Payment is one payment attempt.
type Payment struct {
	ID            string               `json:"id"`
	InvoiceID     string               `json:"invoice_id"`
	Gateway       string               `json:"gateway"`
	State         billing.PaymentState `json:"state"`
	Amount        billing.Money        `json:"amount"`
	NextAction    NextAction           `json:"next_action"`
	FailureReason string               `json:"failure_reason,omitempty"`
	// RefundDue is what of Amount no invoice needed and the account could
	// not take (the balance cap): it is not credit, and is owed back to
	// the customer through the gateway. Nil when nothing is.
	RefundDue *billing.Money `json:"refund_due,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	ExpiresAt *time.Time     `json:"expires_at"`
}

// ApplyCreditRequest is POST /v1/invoices/{id}/apply-credit.
type ApplyCreditRequest struct {
	Amount billing.Money `json:"amount"`
}

// ApplyCreditResult is its response.
type ApplyCreditResult struct {
	Invoice Invoice       `json:"invoice"`
	Entry   LedgerEntry   `json:"entry"`
	Balance billing.Money `json:"balance"`
}

// RedeemRequest is POST /v1/vouchers/redeem.
type RedeemRequest struct {
	Code string `json:"code"`
}

// LedgerResult is the answer of voucher redemption and staff adjustments.
type LedgerResult struct {
	Entry   LedgerEntry   `json:"entry"`
	Balance billing.Money `json:"balance"`
}

// LedgerEntry is one immutable line of the credit ledger.
type LedgerEntry struct {
	ID           string             `json:"id"`
	Seq          int64              `json:"seq"`
	Kind         billing.LedgerKind `json:"kind"`
	Amount       billing.Money      `json:"amount"`
	BalanceAfter billing.Money      `json:"balance_after"`
	Description  string             `json:"description"`
	Reference    string             `json:"reference"`
	Actor        string             `json:"actor"`
	InvoiceID    string             `json:"invoice_id,omitempty"`
	PaymentID    string             `json:"payment_id,omitempty"`
	CreatedAt    time.Time          `json:"created_at"`
}

// LedgerPage is one page of GET /v1/ledger.
type LedgerPage struct {
	Items      []LedgerEntry `json:"items"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// Customer is a row of the staff customer search.
type Customer struct {
	ID              string           `json:"id"`
	Email           string           `json:"email"`
	Name            string           `json:"name"`
	Company         string           `json:"company,omitempty"`
	Currency        billing.Currency `json:"currency"`
	AvailableCredit billing.Money    `json:"available_credit"`
}

// CustomerList is one page of GET /v1/staff/customers.
type CustomerList struct {
	Items      []Customer `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// AdjustmentRequest is POST /v1/staff/customers/{id}/adjustments. Amount may
// be negative (a correction); the reason is shown in the customer's ledger.
type AdjustmentRequest struct {
	Amount billing.Money `json:"amount"`
	Reason string        `json:"reason"`
	// Reverses, when set, is the id of an earlier adjustment or voucher
	// entry of the customer that this entry undoes: Amount must be its
	// negative, and the entry's kind is reversal. An entry is reversed
	// once at most.
	Reverses string `json:"reverses,omitempty"`
}

// SigningKey is GET /v1/signing-key: the public key the server signs
// invoices and archive heads with.
type SigningKey struct {
	Algorithm string `json:"algorithm"`  // "Ed25519"
	PublicKey string `json:"public_key"` // base64, standard alphabet
	KeyID     string `json:"key_id"`     // "ed25519:" + 16 hex of the key's SHA-256
}

// ArchiveHeadRequest is POST /v1/archive/heads: an offline archive's
// audit chain after a sync, for the server to sign.
type ArchiveHeadRequest struct {
	Seq  int64  `json:"seq"`  // number of records in the chain (≥ 1)
	Head string `json:"head"` // hash of the last record, 64 lower-case hex
}

// ArchiveHead is the server's signed statement that the account presented
// an archive whose audit chain had Seq records ending in Head, at
// SignedAt. Signature (kind "billfold archive head v1") is as an
// invoice's.
type ArchiveHead struct {
	Account   string    `json:"account"` // the signed-in user's id
	Seq       int64     `json:"seq"`
	Head      string    `json:"head"`
	SignedAt  time.Time `json:"signed_at"`
	KeyID     string    `json:"key_id"`
	Signature string    `json:"signature,omitempty"`
}

// ConfirmRequest is POST /v1/staff/payments/{id}/confirm.
type ConfirmRequest struct {
	Reference string `json:"reference"`
	Note      string `json:"note,omitempty"`
}

// Event is one Server-Sent Event payload on /v1/events.
type Event struct {
	ID        int64          `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"created_at"`
	Balance   *billing.Money `json:"balance,omitempty"`
	Invoice   *Invoice       `json:"invoice,omitempty"`
	Payment   *Payment       `json:"payment,omitempty"`
}

// Event types.
const (
	EventBalance = "balance.updated"
	EventInvoice = "invoice.updated"
	EventPayment = "payment.updated"
)

// SandboxResult is the JSON answer of POST /sandbox/checkout/{token} when the
// caller asks for application/json (scripts and tests).
type SandboxResult struct {
	Status    string `json:"status"` // succeeded | challenge_required | declined | failed | expired | processing
	PaymentID string `json:"payment_id"`
	Message   string `json:"message,omitempty"`
}

// Webhook is the signed completion callback a gateway delivers.
type Webhook struct {
	EventID   string `json:"event_id"`
	PaymentID string `json:"payment_id"`
	Outcome   string `json:"outcome"` // succeeded | failed
	Reason    string `json:"reason,omitempty"`
}

// AuditRecord is one staff action (GET /v1/staff/audit).
type AuditRecord struct {
	ID         int64     `json:"id"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	CustomerID string    `json:"customer_id,omitempty"`
	Detail     string    `json:"detail"`
	CreatedAt  time.Time `json:"created_at"`
}

// AuditPage is one page of GET /v1/staff/audit.
type AuditPage struct {
	Items      []AuditRecord `json:"items"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// WebhookAck answers a delivered webhook.
type WebhookAck struct {
	Status string `json:"status"` // processed | duplicate | ignored
}

// Dispute is a card payment the customer's bank disputed (GET
// /v1/staff/disputes): what was still unspent of the credit it bought was
// reversed at once; Unrecovered is staff's to settle with the customer.
type Dispute struct {
	ID            string        `json:"id"`
	Gateway       string        `json:"gateway"`
	CustomerID    string        `json:"customer_id"`
	CustomerName  string        `json:"customer_name"`
	PaymentID     string        `json:"payment_id"`
	InvoiceID     string        `json:"invoice_id"`
	InvoiceNumber string        `json:"invoice_number"`
	Amount        billing.Money `json:"amount"`
	Reason        string        `json:"reason"`
	Reversed      billing.Money `json:"reversed"`
	Unrecovered   billing.Money `json:"unrecovered"`
	EntryID       string        `json:"entry_id,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
}

// DisputePage is one page of GET /v1/staff/disputes.
type DisputePage struct {
	Items      []Dispute `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// BankStatement is an uploaded bank statement (POST and GET
// /v1/staff/bank-statements): its file, the account it is about, and how
// its deposits were reconciled. Lines are its deposits, on the statement
// itself (GET /v1/staff/bank-statements/{id} and the upload's answer) and
// not in lists.
type BankStatement struct {
	ID          string    `json:"id"`
	Format      string    `json:"format"`   // zengin | mufg_csv
	Encoding    string    `json:"encoding"` // Shift_JIS | UTF-8
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	Account     string    `json:"account"`
	PeriodFrom  string    `json:"period_from,omitempty"` // YYYY-MM-DD
	PeriodTo    string    `json:"period_to,omitempty"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	Deposits    int       `json:"deposits"`
	Withdrawals int       `json:"withdrawals"` // not reconciled, counted only
	Matched     int       `json:"matched"`
	Queued      int       `json:"queued"`
	Resolved    int       `json:"resolved"`
	// Incomplete is true while the statement's deposits are being recorded
	// (a large file takes a few seconds), and after an upload that stopped
	// before it recorded them all: uploading the same file again records
	// the rest, none twice. Deposits and the counts are those recorded. It
	// is absent otherwise, so that a server from before it reads as complete.
	Incomplete bool                `json:"incomplete,omitempty"`
	Lines      []BankStatementLine `json:"lines,omitempty"`
}

// BankStatementLine is one deposit of a statement.
type BankStatementLine struct {
	ID          string        `json:"id"`
	StatementID string        `json:"statement_id"`
	Line        int           `json:"line"` // in the file
	Date        string        `json:"date"` // YYYY-MM-DD
	Amount      billing.Money `json:"amount"`
	Remitter    string        `json:"remitter"`
	Description string        `json:"description,omitempty"`
	Reference   string        `json:"reference,omitempty"` // the transfer reference found in it
	// State is matched (a payment was completed from it), queued (staff
	// decide), resolved (staff decided) or pending (matched, its credit
	// being booked; seen only for a moment).
	State string `json:"state"`
	// Reason says why a line is queued: amount_differs, payment_not_open,
	// name_and_amount or no_match.
	Reason string `json:"reason,omitempty"`
	// Resolution says what staff decided: assigned, shortfall_accepted,
	// credited or not_ours.
	Resolution string `json:"resolution,omitempty"`
	Note       string `json:"note,omitempty"`
	ResolvedBy string `json:"resolved_by,omitempty"`
	// Payment is the payment the line was matched or assigned to, or, on
	// a queued line, the one that looks like it.
	Payment *BankMatch `json:"payment,omitempty"`
	// DuplicateOf is the line of an earlier statement that is the same
	// transaction (overlapping statements); its state is that line's.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	EntryID     string `json:"entry_id,omitempty"` // the ledger entry of an adjustment
}

// Bank statement line states, queue reasons and resolutions.
const (
	LinePending  = "pending"
	LineMatched  = "matched"
	LineQueued   = "queued"
	LineResolved = "resolved"

	QueueAmountDiffers  = "amount_differs"
	QueuePaymentNotOpen = "payment_not_open"
	QueueNameAndAmount  = "name_and_amount"
	QueueNoMatch        = "no_match"

	ResolveAssign    = "assigned"
	ResolveShortfall = "shortfall_accepted"
	ResolveCredit    = "credited"
	ResolveNotOurs   = "not_ours"
)

// BankMatch is the payment a statement line is about.
type BankMatch struct {
	PaymentID     string               `json:"payment_id"`
	CustomerID    string               `json:"customer_id"`
	CustomerName  string               `json:"customer_name"`
	InvoiceID     string               `json:"invoice_id"`
	InvoiceNumber string               `json:"invoice_number"`
	Amount        billing.Money        `json:"amount"`
	State         billing.PaymentState `json:"state"`
}

// BankStatementPage is one page of GET /v1/staff/bank-statements.
type BankStatementPage struct {
	Items      []BankStatement `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// ResolveLineRequest is POST /v1/staff/bank-statement-lines/{id}/resolve:
// what staff decide for a queued line. Action is one of
//
//	assign            complete PaymentID with the transfer (amounts equal)
//	accept_shortfall  complete PaymentID although the transfer is short by
//	                  a bank fee the sender deducted (at most MaxBankFee)
//	credit            book the transfer as an adjustment to CustomerID,
//	                  with Reason (the customer sees it)
//	not_ours          set it aside, with Reason
type ResolveLineRequest struct {
	Action     string `json:"action"`
	PaymentID  string `json:"payment_id,omitempty"`
	CustomerID string `json:"customer_id,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Resolve actions.
const (
	ActionAssign          = "assign"
	ActionAcceptShortfall = "accept_shortfall"
	ActionCredit          = "credit"
	ActionNotOurs         = "not_ours"
)
