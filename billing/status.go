package billing

// InvoiceStatus is the life-cycle state of an invoice.
type InvoiceStatus string

// Invoice statuses.
const (
	InvoiceDraft     InvoiceStatus = "draft"
	InvoiceUnpaid    InvoiceStatus = "unpaid"
	InvoicePaid      InvoiceStatus = "paid"
	InvoiceCancelled InvoiceStatus = "cancelled"
	InvoiceRefunded  InvoiceStatus = "refunded"
)

// Valid reports whether s is a known invoice status.
func (s InvoiceStatus) Valid() bool {
	switch s {
	case InvoiceDraft, InvoiceUnpaid, InvoicePaid, InvoiceCancelled, InvoiceRefunded:
		return true
	}
	return false
}

// InvoiceKind tells deposits (add funds) from invoices for services.
type InvoiceKind string

// Invoice kinds.
const (
	KindAddFunds InvoiceKind = "add_funds"
	KindService  InvoiceKind = "service"
)

// PaymentState is the state of one payment attempt:
// created → awaiting_action → processing → succeeded | failed | expired.
type PaymentState string

// Payment states.
const (
	PaymentCreated        PaymentState = "created"
	PaymentAwaitingAction PaymentState = "awaiting_action"
	PaymentProcessing     PaymentState = "processing"
	PaymentSucceeded      PaymentState = "succeeded"
	PaymentFailed         PaymentState = "failed"
	PaymentExpired        PaymentState = "expired"
)

// Final reports whether no further transition is possible.
func (s PaymentState) Final() bool {
	return s == PaymentSucceeded || s == PaymentFailed || s == PaymentExpired
}

// LedgerKind classifies a ledger entry.
type LedgerKind string

// Ledger entry kinds. Corrections are new entries, never edits.
const (
	LedgerDeposit       LedgerKind = "deposit"
	LedgerVoucher       LedgerKind = "voucher"
	LedgerCreditApplied LedgerKind = "credit_applied"
	LedgerAdjustment    LedgerKind = "adjustment"
	LedgerReversal      LedgerKind = "reversal"
)

// Role of a signed-in user.
type Role string

// Roles.
const (
	RoleCustomer Role = "customer"
	RoleStaff    Role = "staff"
)
