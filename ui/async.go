package ui

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"billfold/api"
	"billfold/apiclient"
	"billfold/internal/archive"
)

// Hooks let tests wait for asynchronous screen updates without sleeping.
// Updated runs on the UI goroutine right after a screen applied a result,
// which gives the test a happens-before edge with the widget writes.
type Hooks struct {
	Updated func(what string)
}

func (h *Hooks) updated(what string) {
	if h != nil && h.Updated != nil {
		h.Updated(what)
	}
}

// uiMu serialises UI updates made from goroutines. With a real driver
// fyne.Do already runs them all on the UI goroutine, so the lock is never
// contended; the test driver runs fyne.Do inline on the calling goroutine,
// and there the lock is what keeps concurrent updates (and the test's own
// reads) race-free.
var uiMu sync.Mutex

// pending counts background work still running, so a closed window can be
// waited for (tests must not let one test's goroutines touch the next's app).
var pending sync.WaitGroup

// do applies f to widgets from any goroutine.
func do(f func()) {
	fyne.Do(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		f()
	})
}

// run does work off the UI goroutine and hands its result to apply on the
// UI goroutine. A newer run on the same generation counter supersedes an
// older one: the stale result is dropped, so a slow answer can never
// overwrite a newer one.
func run[T any](ctx context.Context, gen *atomic.Uint64, work func(context.Context) (T, error), apply func(T, error)) {
	my := uint64(0)
	if gen != nil {
		my = gen.Add(1)
	}
	pending.Add(1)
	go func() {
		defer pending.Done()
		v, err := work(ctx)
		do(func() {
			if gen != nil && gen.Load() != my {
				return
			}
			apply(v, err)
		})
	}()
}

// describe turns an error into a sentence for people, in their language.
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
	e, ok := apiclient.AsError(err)
	if !ok {
		return err.Error()
	}
	switch {
	case e.IsOffline():
		return lang.L("Can't reach the billing server. Check your connection, then try again.")
	case e.IsRateLimited():
		return lang.L("Too many attempts. Wait a moment, then try again.")
	case e.IsUnauthorized():
		return lang.L("Your session has ended. Sign in again.")
	}
	if key, ok := codeMessages[e.Code]; ok {
		return lang.L(key)
	}
	if e.Message != "" {
		return e.Message
	}
	return lang.L("Something went wrong. Try again, or contact support if it keeps happening.")
}

// codeMessages are the problems people meet most, worded for the screen.
var codeMessages = map[string]string{
	api.CodeBelowMinimum:       "The amount is below the minimum deposit.",
	api.CodeAboveMaximum:       "The amount is above the maximum deposit.",
	api.CodeBalanceLimit:       "This would take your credit over the maximum balance.",
	api.CodeOpenInvoiceExists:  "An add-funds invoice is already waiting for payment. Pay or cancel it first.",
	api.CodeGatewayUnavailable: "This payment method is not available for your account.",
	api.CodePolicyVersion:      "The credit policy has changed. Review it, then try again.",
	api.CodeInsufficientCredit: "Your available credit is not enough for this amount.",
	api.CodeAmountExceedsDue:   "The amount is more than the balance due.",
	api.CodeVoucherInvalid:     "This voucher code is not valid for your account.",
	api.CodeVoucherExpired:     "This voucher has expired.",
	api.CodeVoucherRedeemed:    "You have already redeemed this voucher.",
	api.CodeInvoiceNotPayable:  "This invoice can no longer be paid.",
	api.CodeNotCancellable:     "This invoice cannot be cancelled.",
}
