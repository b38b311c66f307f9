package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"billfold/api"
	"billfold/apiclient"
	"billfold/internal/archive"
	"billfold/internal/opener"
)

// describe turns an error into a sentence for people, in their language.
// The client's errors carry kinds and codes, never wording: it is all here.
func describe(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return lang.L("Cancelled.")
	}
	if owner, ok := errors.AsType[*archive.OwnerError](err); ok {
		return lang.L("This folder keeps the invoices of {{.Owner}}. Choose another folder.", map[string]any{"Owner": owner.Have.String()})
	}
	if errors.Is(err, apiclient.ErrUnsafeURL) {
		return lang.L("Check the server address: it starts with https:// (http:// only for this computer), such as https://billing.example.jp.")
	}
	if e, ok := opener.AsError(err); ok {
		return openerMessage(e.Reason)
	}
	e, ok := apiclient.AsError(err)
	if !ok {
		return err.Error()
	}
	if key, ok := codeMessages[e.Code]; ok {
		return lang.L(key)
	}
	if detail, ok := serverDetail(e); ok {
		return detail
	}
	text := kindMessage(e)
	if e.Code != "" && e.Kind == apiclient.KindRefused {
		text += " (" + e.Code + ")" // a rule the app has no words for yet: the code helps support
	}
	return text
}

// serverDetail is the server's own sentence for a refusal the app has no
// words for (a field that does not match, a rule it does not know yet):
// more specific than the app's general one, and usable when the server
// wrote it in the UI's language, which it does when it speaks it.
func serverDetail(e *apiclient.Error) (string, bool) {
	if e.Kind != apiclient.KindInvalid && e.Kind != apiclient.KindRefused {
		return "", false
	}
	if e.Code == "" || e.Detail == "" || e.Language == "" || !sameLanguage(e.Language, Language()) {
		return "", false
	}
	return e.Detail, true
}

// describeFor is describe for staff acting for the customer called name:
// the problems of the customer's account name the customer, where
// describe's words speak to the customer themself ("your credit").
func describeFor(err error, name string) string {
	if e, ok := apiclient.AsError(err); ok {
		if _, ok := customerCodeMessages[e.Code]; ok {
			return customerMessage(e.Code, name)
		}
	}
	return describe(err)
}

// customerMessage words the problem code of the account of the customer
// called name, for staff.
func customerMessage(code, name string) string {
	return lang.L(customerCodeMessages[code], map[string]any{"Name": name})
}

// customerCodeMessages word, for staff, the problems that codeMessages
// words for the customer.
var customerCodeMessages = map[string]string{
	api.CodeBalanceLimit:       "This would take the credit of {{.Name}} over their maximum balance.",
	api.CodeOpenInvoiceExists:  "{{.Name}} already has an add-funds invoice waiting for payment: it must be paid or cancelled first.",
	api.CodeGatewayUnavailable: "This payment method is not available for {{.Name}}'s account.",
	api.CodeInsufficientCredit: "The available credit of {{.Name}} is not enough for this amount.",
	api.CodeCurrencyMismatch:   "The amount is not in the currency of {{.Name}}'s account.",
}

// kindMessage words what happened, when the problem's code is not one the
// app knows.
func kindMessage(e *apiclient.Error) string {
	switch e.Kind {
	case apiclient.KindUnreachable:
		return lang.L("Can't reach the billing server. Check your connection, then try again.")
	case apiclient.KindCanceled:
		return lang.L("Cancelled.")
	case apiclient.KindCertificate:
		return lang.L("The billing server's certificate is not trusted. Check the server address, or ask your provider for its CA certificate.")
	case apiclient.KindBadResponse:
		return lang.L("The billing server sent an answer the app could not read. Try again in a moment.")
	case apiclient.KindSignedOut:
		return lang.L("Your session has ended. Sign in again.")
	case apiclient.KindInvalidCredentials:
		return lang.L("Wrong e-mail address or password.")
	case apiclient.KindRateLimited:
		if e.RetryAfter > 0 {
			return lang.L("Too many attempts. Try again after {{.Time}}.",
				map[string]any{"Time": fmtUntil(time.Now(), time.Now().Add(e.RetryAfter))})
		}
		return lang.L("Too many attempts. Wait a moment, then try again.")
	case apiclient.KindForbidden:
		return lang.L("This is not allowed for your account.")
	case apiclient.KindNotFound:
		return lang.L("Not found: it may have been removed, or belong to another account.")
	case apiclient.KindConflict:
		return lang.L("This changed in the meantime. Refresh, then try again.")
	case apiclient.KindInvalid:
		if len(e.Fields) > 0 {
			names := make([]string, len(e.Fields))
			for i, f := range e.Fields {
				names[i] = f.Field
			}
			return lang.L("Check what you entered: {{.Fields}}.", map[string]any{"Fields": strings.Join(names, ", ")})
		}
		return lang.L("Check what you entered, then try again.")
	case apiclient.KindUnavailable:
		return lang.L("The billing server is unavailable right now. Try again in a moment.")
	case apiclient.KindServer:
		return lang.L("The billing server had a problem. Try again in a moment.")
	}
	return lang.L("Something went wrong. Try again, or contact support if it keeps happening.")
}

// openerMessage words why the desktop could not open an address.
func openerMessage(r opener.Reason) string {
	switch r {
	case opener.NoOpener:
		return lang.L("This computer has no program to open web pages and files with (xdg-open).")
	case opener.NoHandler:
		return lang.L("No application is set up to open this on this computer.")
	case opener.NotFound:
		return lang.L("The file could not be found.")
	}
	return lang.L("The application that should open this did not start.")
}

// codeMessages are the problems people meet, worded for the screen.
var codeMessages = map[string]string{
	api.CodeBelowMinimum:          "The amount is below the minimum deposit.",
	api.CodeAboveMaximum:          "The amount is above the maximum deposit.",
	api.CodeBalanceLimit:          "This would take your credit over the maximum balance.",
	api.CodeOpenInvoiceExists:     "An add-funds invoice is already waiting for payment. Pay or cancel it first.",
	api.CodeGatewayUnavailable:    "This payment method is not available for your account.",
	api.CodePolicyVersion:         "The credit policy has changed. Review it, then try again.",
	api.CodeInsufficientCredit:    "Your available credit is not enough for this amount.",
	api.CodeAmountExceedsDue:      "The amount is more than the balance due.",
	api.CodeVoucherInvalid:        "This voucher code is not valid for your account.",
	api.CodeVoucherExpired:        "This voucher has expired.",
	api.CodeVoucherRedeemed:       "You have already redeemed this voucher.",
	api.CodeInvoiceNotPayable:     "This invoice can no longer be paid.",
	api.CodeNotCancellable:        "This invoice cannot be cancelled.",
	api.CodeCurrencyMismatch:      "The amount is not in the account's currency.",
	api.CodeCreditNotAllowed:      "Credit cannot be applied to this invoice.",
	api.CodePaymentNotConfirmable: "This payment is no longer waiting for confirmation.",
	api.CodeAlreadyReversed:       "This entry has already been reversed.",
	api.CodeIdempotencyInFlight:   "The same request is still being processed. Wait a moment, then try again.",
	api.CodeIdempotencyMismatch:   "This request changed while an earlier attempt was pending. Try again.",
}
