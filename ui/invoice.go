package ui

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"golang.org/x/text/language"

	"billfold/api"
	"billfold/billing"
)

// invoiceScreen is the invoice screen: what is owed and why, and the ways
// to pay it (Pay Now!, Apply Credit), save it (Download PDF) or get help.
//
// Its widgets are built once; a reload (after an event, an action or the
// header's refresh) only updates their values, so it never discards what
// the user is typing or has chosen: the Apply Credit amount, the gateway.
type invoiceScreen struct {
	env       *env
	backend   Backend
	acct      *account
	nav       navigator
	renderPDF func(api.Invoice) ([]byte, error)
	inv       api.Invoice
	whole     bool         // inv is the whole invoice, not a preview from the list
	waiting   *api.Payment // a redirect payment the user is completing in the browser
	payPage   *url.URL     // its checkout page, as vetted
	ctx       context.Context
	cancel    context.CancelFunc
	unsub     []func()
	gen       atomic.Uint64

	payKey    actionKey[payRequest]
	creditKey actionKey[creditRequest]
	cancelKey actionKey[string]

	root    fyne.CanvasObject
	back    *button
	body    *fyne.Container // preview or full
	preview fyne.CanvasObject
	full    fyne.CanvasObject
	columns *columnsLayout // the invoice and what to do with it
	message *wrapLabel

	previewHeader *invoiceHeader
	previewNote   *wrapLabel
	retry         *button
	details       *invoiceDetails

	payCard     *widget.Card
	amountDue   *widget.Label
	gateway     *widget.Select
	gatewayIDs  map[string]string // display name → id
	chosen      bool              // the gateway was set from the whole invoice once
	pay         *button
	waitBox     *fyne.Container
	payAddress  *copyField // the checkout page's address, to copy into a browser
	waitSpin    *spinner   // in waitBox; hidden with it, for a hidden box's children still animate
	away        bool       // another section is shown: events still update the screen, the spinner stays stopped
	bankCard    *widget.Card
	bankValues  []textLabel   // bank, branch, type, number, holder, amount, reference
	bankTexts   []string      // what they show, to copy
	bankCopied  *widget.Label // what was copied last; an empty line until then
	creditCard  *widget.Card
	creditEntry *widget.Entry
	prefilled   string // what the app last put into creditEntry
	applyCredit *button
	cancelInv   *button
	help        *wrapLabel
}

// payRequest and creditRequest identify a Pay Now! and an Apply Credit
// action: the same values repeat the action, others start a new one.
type payRequest struct{ invoiceID, gateway string }

type creditRequest struct {
	invoiceID string
	amount    billing.Money
}

func newInvoiceScreen(e *env, b Backend, a *account, nav navigator, renderPDF func(api.Invoice) ([]byte, error), inv api.Invoice, whole bool) *invoiceScreen {
	ctx, cancel := context.WithCancel(e.ctx)
	v := &invoiceScreen{env: e, backend: b, acct: a, nav: nav, renderPDF: renderPDF, inv: inv, whole: whole,
		ctx: ctx, cancel: cancel, gatewayIDs: map[string]string{}}
	v.build()
	v.unsub = []func(){
		a.invoiceChanged.subscribe(func(inv api.Invoice) {
			if inv.ID == v.inv.ID {
				v.refresh()
			}
		}),
		a.paymentChanged.subscribe(func(p api.Payment) {
			if p.InvoiceID == v.inv.ID {
				v.refresh()
			}
		}),
		a.summaryChanged.subscribe(func(api.Summary) { v.update() }),
		a.configChanged.subscribe(func(api.Config) { v.update() }),
	}
	v.update()
	return v
}

func (v *invoiceScreen) object() fyne.CanvasObject { return v.root }

// leave stops the waiting spinner while another section is shown, until
// shownAgain.
func (v *invoiceScreen) leave() {
	v.away = true
	if v.waitSpin != nil {
		v.waitSpin.Hide()
	}
}

// shownAgain is the screen shown again: the next update shows the spinner again
// while the payment is awaited.
func (v *invoiceScreen) shownAgain() { v.away = false }

// close ends the screen: its fetches and actions are dropped, its
// subscriptions end, and its spinner stops.
func (v *invoiceScreen) close() {
	v.cancel()
	v.leave()
	for _, u := range v.unsub {
		u()
	}
}

func (v *invoiceScreen) build() {
	v.message = newWrapped("")
	v.message.Hide()
	v.back = newButton(lang.L("Back to invoices"), theme.NavigateBackIcon(), v.nav.back).withTip(lang.L("Back to invoices"), keyBack)
	v.back.Importance = widget.LowImportance

	v.previewHeader = newInvoiceHeader()
	v.previewNote = newWrapped(lang.L("Loading…"))
	v.retry = newButton(lang.L("Refresh"), theme.ViewRefreshIcon(), v.onRetry)
	v.retry.Hide()
	v.preview = container.NewPadded(container.NewVBox(v.previewHeader.root, v.previewNote, container.NewHBox(v.retry)))

	v.details = newInvoiceDetails(v.acct.gateways)

	save := newButton(lang.L("Download PDF"), theme.DownloadIcon(), v.onDownload).withTip(lang.L("Download PDF"), keyPDF)
	if v.renderPDF == nil {
		save.Disable()
	}
	support := newButton(lang.L("Contact support"), theme.HelpIcon(), v.onSupport)
	v.cancelInv = newButton(lang.L("Cancel this invoice"), theme.CancelIcon(), v.onCancel)
	v.cancelInv.Importance = widget.DangerImportance
	v.help = newWrapped(lang.L("Paid, but still Unpaid here? Payments by card and PayPal arrive within a minute; bank transfers after we receive them (1–2 business days). If it stays unpaid, contact support."))
	// The bank details, once asked for, come first: they are what the
	// user is here for.
	actions := container.NewVBox(v.message, v.buildBankCard(), v.buildPayCard(), v.buildCreditCard(),
		widget.NewCard("", "", container.NewVBox(save, support)), v.cancelInv, v.help)

	// The invoice on the left and what to do with it on the right; a
	// narrow window stacks them (updateActions says in which order). One scroll.
	v.columns = &columnsLayout{minWidth: 300, weights: []float32{5, 4}}
	v.full = container.NewVScroll(container.NewPadded(capWidth(readableWidth, container.NewVBox(v.details.top, container.New(v.columns, v.details.body, actions)))))
	v.body = container.NewStack(v.preview, v.full)
	v.root = headed(container.NewHBox(v.back), v.body)
}

// focusTarget is Pay Now! while the invoice can be paid, else Back.
func (v *invoiceScreen) focusTarget() fyne.Focusable {
	if v.canPay() {
		return v.pay
	}
	return v.back
}

// canPay reports whether Pay Now! is on screen and can be pressed.
func (v *invoiceScreen) canPay() bool {
	return v.whole && v.inv.Status == billing.InvoiceUnpaid && v.waiting == nil && len(v.acct.gateways()) > 0
}

// setBack names where the back button returns.
func (v *invoiceScreen) setBack(label string) {
	v.back.SetText(label)
	v.back.withTip(label, keyBack)
}

func (v *invoiceScreen) buildPayCard() fyne.CanvasObject {
	v.amountDue = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.gateway = widget.NewSelect(nil, nil)
	v.pay = newButton(lang.L("Pay Now!"), theme.ConfirmIcon(), v.onPay).withTip(lang.L("Pay Now!"), keyPay)
	v.pay.Importance = widget.HighImportance
	again := newButton(lang.L("Open the payment page again"), theme.ComputerIcon(), func() {
		if v.waiting != nil {
			v.openPaymentPage(*v.waiting)
		}
	})
	stop := newButton(lang.L("Stop waiting"), nil, v.onStopWaiting)
	stop.Importance = widget.LowImportance
	wait := newWrapped(lang.L("Waiting for payment… Complete it in your browser; this screen updates by itself."))
	v.payAddress = newCopyField(v.env.app, "")
	hint := newWrapped(lang.L("If no browser opened, copy this address into one:"))
	// The buttons wrap onto a second row rather than widen the window.
	v.waitSpin = newSpinner()
	v.waitBox = container.NewVBox(v.waitSpin, wait, hint, v.payAddress, newFlow(again, stop))
	v.payCard = widget.NewCard(lang.L("Pay Now!"), "", container.NewVBox(v.amountDue,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Gateway")), nil, v.gateway), v.pay, v.waitBox))
	return v.payCard
}

// buildBankCard is the bank transfer instructions, each with a button that
// copies it and says so. What this transfer alone has comes first, the
// reference and the amount, so that it shows without scrolling on a
// 1024×640 window beside the invoice; the provider's account follows.
// Codes and figures (reference, amount, account number) never wrap: one
// broken in two is easily mistyped. Names (bank, branch, holder) wrap when
// the column is narrow.
func (v *invoiceScreen) buildBankCard() fyne.CanvasObject {
	f := widget.NewForm()
	for _, field := range []struct {
		name       string
		bold, wrap bool
	}{
		{lang.L("Reference"), true, false}, {lang.L("Amount"), false, false}, {lang.L("Bank"), false, true},
		{lang.L("Branch"), false, true}, {lang.L("Account type"), false, false}, {lang.L("Account number"), false, false},
		{lang.L("Account holder"), false, true},
	} {
		var val textLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: field.bold})
		if field.wrap {
			val = newWrapped("")
		}
		i := len(v.bankValues)
		copyButton := newButton("", theme.ContentCopyIcon(), nil).withTip(lang.L("Copy {{.Field}}", map[string]any{"Field": field.name}), nil)
		copyButton.Importance = widget.LowImportance
		copyButton.OnTapped = func() { v.onCopy(field.name, v.bankTexts[i], copyButton) }
		v.bankValues = append(v.bankValues, val)
		f.Append(field.name, container.NewBorder(nil, nil, nil, copyButton, val))
	}
	note := newWrapped(lang.L("Put the reference in the transfer's name or memo field. The invoice is marked paid once we receive the money."))
	v.bankCopied = widget.NewLabel("")
	v.bankCopied.Importance = widget.SuccessImportance
	v.bankCopied.Truncation = fyne.TextTruncateEllipsis
	v.bankCard = widget.NewCard(lang.L("Bank transfer instructions"), "", container.NewVBox(f, v.bankCopied, note))
	return v.bankCard
}

func (v *invoiceScreen) buildCreditCard() fyne.CanvasObject {
	v.creditEntry = widget.NewEntry()
	v.creditEntry.OnSubmitted = func(string) { v.onApplyCredit() }
	v.applyCredit = newButton(lang.L("Apply Credit"), nil, v.onApplyCredit)
	v.creditCard = widget.NewCard(lang.L("Apply Credit"), "", container.NewBorder(nil, nil, nil, v.applyCredit, v.creditEntry))
	return v.creditCard
}

// refresh fetches the invoice again: when shown, after an event for it,
// after an action.
func (v *invoiceScreen) refresh() {
	id := v.inv.ID
	run(v.env.run, v.ctx, TaskInvoice, &v.gen, func(ctx context.Context) (api.Invoice, error) {
		return v.backend.Invoice(ctx, id)
	}, func(inv api.Invoice, err error) {
		if v.ctx.Err() != nil {
			return // the screen was closed: nothing to show, nothing to report
		}
		if err != nil {
			v.say(describe(err), widget.DangerImportance)
			v.update()
			return
		}
		wasUnpaid := v.whole && v.inv.Status == billing.InvoiceUnpaid
		wasPreview := !v.whole
		if !v.whole {
			v.message.Hide() // why an earlier fetch failed, no longer true
		}
		v.inv, v.whole = inv, true
		v.settleWaiting()
		if wasUnpaid && inv.Status == billing.InvoicePaid && v.waiting == nil && !v.message.Visible() {
			v.say(lang.L("This invoice is paid."), widget.SuccessImportance)
		}
		v.acct.putRow(inv)
		v.update()
		// Opened from the list, the screen starts on Back; once the whole
		// invoice is in, the keyboard moves on to Pay Now!, unless the user
		// has gone elsewhere meanwhile.
		if wasPreview && v.env.win.Canvas().Focused() == fyne.Focusable(v.back) {
			v.env.focus(v.focusTarget())
		}
		v.env.menuChanged()
	})
}

// settleWaiting ends the wait for a payment in the browser once the
// invoice shows its outcome.
func (v *invoiceScreen) settleWaiting() {
	if v.waiting == nil {
		return
	}
	for _, p := range v.inv.Payments {
		if p.ID != v.waiting.ID || !p.State.Final() {
			continue
		}
		v.waiting = nil
		switch {
		case p.State == billing.PaymentSucceeded && p.RefundDue != nil:
			v.say(lang.L("Payment received.")+" "+refundDueText(p, v.inv.Kind), widget.WarningImportance)
		case p.State == billing.PaymentSucceeded:
			v.say(lang.L("Payment received. Thank you!"), widget.SuccessImportance)
		default:
			v.say(lang.L("The payment did not go through: {{.Reason}}. You can try again or choose another gateway.", map[string]any{"Reason": p.FailureReason}), widget.DangerImportance)
		}
		return // v.waiting is nil now: a later attempt in the list must not be compared with it
	}
}

func (v *invoiceScreen) say(text string, imp widget.Importance) {
	v.message.Importance = imp
	v.message.SetText(text)
	v.message.Show()
}

// update shows the invoice's current values in the widgets built once.
func (v *invoiceScreen) update() {
	inv := v.inv
	if !v.whole {
		v.previewHeader.set(inv)
		if v.message.Visible() { // the fetch failed: say why, offer to try again
			v.previewNote.SetText(v.message.Text)
			v.previewNote.Importance = widget.DangerImportance
			v.retry.Show()
		} else {
			v.previewNote.SetText(lang.L("Loading…"))
			v.previewNote.Importance = widget.MediumImportance
			v.retry.Hide()
		}
		v.previewNote.Refresh()
		v.show(v.preview)
		return
	}
	v.details.set(inv)
	v.updateActions()
	v.show(v.full)
}

// show makes one of the two layouts (preview, whole invoice) visible.
func (v *invoiceScreen) show(o fyne.CanvasObject) {
	for _, c := range v.body.Objects {
		if c == o {
			c.Show()
		} else {
			c.Hide()
		}
	}
}

// sameLanguage reports whether two BCP 47 tags name one language ("ja",
// "ja-JP").
func sameLanguage(a, b string) bool {
	ba, _ := language.Make(a).Base()
	bb, _ := language.Make(b).Base()
	return ba == bb
}

// languageName is a language's own name for itself, as Settings lists it.
func languageName(tag string) string {
	base, _ := language.Make(tag).Base()
	if n, ok := languageNames[base.String()]; ok {
		return n
	}
	return tag
}

func (v *invoiceScreen) updateActions() {
	inv := v.inv
	unpaid := inv.Status == billing.InvoiceUnpaid
	// Stacked on a narrow window, an unpaid invoice shows first how to pay
	// it; any other shows first what it says.
	v.columns.stackOrder = nil
	if unpaid {
		v.columns.stackOrder = []int{1, 0}
	}
	setVisible(v.payCard, unpaid)
	setVisible(v.help, unpaid)
	setVisible(v.cancelInv, unpaid && inv.Kind == billing.KindAddFunds)
	v.updatePayCard()

	bank := v.openBankTransfer()
	setVisible(v.bankCard, unpaid && bank != nil)
	if bank != nil {
		in := bank.NextAction.Instructions
		v.bankTexts = []string{in.Reference, billing.Format(in.Amount), in.BankName, in.BranchName, in.AccountType,
			in.AccountNumber, in.AccountHolder}
		for i, text := range v.bankTexts {
			v.bankValues[i].SetText(text)
		}
	}

	s := v.acct.summary
	credit := unpaid && inv.Kind == billing.KindService && s != nil && s.AvailableCredit.Amount > 0
	setVisible(v.creditCard, credit)
	if credit {
		v.creditCard.SetSubTitle(lang.L("Available: {{.Credit}}", map[string]any{"Credit": billing.Format(s.AvailableCredit)}))
		// Prefilled with the smaller of credit and amount due, unless the
		// user has typed an amount of their own.
		prefill := billing.FormatPlain(billing.New(min(s.AvailableCredit.Amount, inv.BalanceDue.Amount), inv.Currency))
		if v.creditEntry.Text == v.prefilled {
			v.creditEntry.SetText(prefill)
			v.prefilled = prefill
		}
	}
}

func (v *invoiceScreen) updatePayCard() {
	v.amountDue.SetText(lang.L("Amount due: {{.Amount}}", map[string]any{"Amount": billing.Format(v.inv.BalanceDue)}))
	var names []string
	for _, g := range v.acct.gateways() {
		names = append(names, g.Name)
		v.gatewayIDs[g.Name] = g.ID
	}
	if !slices.Equal(v.gateway.Options, names) {
		v.gateway.SetOptions(names)
	}
	// The invoice's own gateway is chosen once; after that only a choice
	// that no longer exists is replaced.
	switch {
	case len(names) == 0:
	case !v.chosen:
		choice := v.details.gatewayName(v.inv.Gateway)
		if !slices.Contains(names, choice) {
			choice = names[0]
		}
		v.gateway.SetSelected(choice)
		v.chosen = true
	case !slices.Contains(names, v.gateway.Selected):
		v.gateway.SetSelected(names[0])
	}
	setVisible(v.waitBox, v.waiting != nil)
	setVisible(v.waitSpin, v.waiting != nil && !v.away)
	if v.payPage != nil {
		v.payAddress.set(v.payPage.String())
	}
	if v.waiting != nil {
		v.pay.Disable()
	} else {
		v.pay.Enable()
	}
}

func setVisible(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

func (v *invoiceScreen) onRetry() {
	v.message.Hide()
	v.update()
	v.refresh()
}

func (v *invoiceScreen) onStopWaiting() {
	v.waiting = nil
	v.message.Hide()
	v.update()
}

// onCopy copies a bank detail and says so: the button shows a tick for a
// moment, and the line under the details names what was copied.
func (v *invoiceScreen) onCopy(name, value string, copyButton *button) {
	v.env.app.Clipboard().SetContent(value)
	v.bankCopied.SetText(lang.L("Copied {{.Name}}: {{.Value}}", map[string]any{"Name": name, "Value": value}))
	copyButton.SetIcon(theme.ConfirmIcon())
	time.AfterFunc(copiedFor, func() {
		v.env.run.do(func() {
			if v.ctx.Err() == nil {
				copyButton.SetIcon(theme.ContentCopyIcon())
			}
		})
	})
}

// copiedFor is how long a copy button shows its tick.
const copiedFor = 2 * time.Second

// openBankTransfer is the latest bank-transfer attempt still waiting.
func (v *invoiceScreen) openBankTransfer() *api.Payment {
	for i := len(v.inv.Payments) - 1; i >= 0; i-- {
		p := v.inv.Payments[i]
		if p.NextAction.Type == api.ActionInstructions && p.NextAction.Instructions != nil {
			return &p
		}
	}
	return nil
}

func (v *invoiceScreen) onPay() {
	req := payRequest{invoiceID: v.inv.ID, gateway: v.gatewayIDs[v.gateway.Selected]}
	if req.gateway == "" || v.waiting != nil {
		return
	}
	key := v.payKey.keyFor(req)
	v.say(lang.L("Starting the payment…"), widget.MediumImportance)
	run(v.env.run, v.ctx, TaskPay, nil, func(ctx context.Context) (api.Payment, error) {
		return v.backend.Pay(ctx, key, req.invoiceID, api.PayRequest{Gateway: req.gateway})
	}, func(p api.Payment, err error) {
		v.payKey.done(key, err)
		if v.ctx.Err() != nil {
			return // the screen was closed: no page to open for it
		}
		if err != nil {
			v.say(describe(err), widget.DangerImportance)
			return
		}
		v.inv.Payments = append(v.inv.Payments, p)
		switch p.NextAction.Type {
		case api.ActionRedirect:
			if !v.openPaymentPage(p) {
				break
			}
			v.waiting = &p
			v.message.Hide()
		case api.ActionInstructions:
			v.say(lang.L("Transfer the amount with the reference below."), widget.MediumImportance)
		}
		v.update()
	})
}

// openPaymentPage opens a payment's checkout page in the browser: the URL
// that Backend.CheckRedirectURL returns, never the server's string as
// sent. A refused URL is not opened, and the screen says why; so it does
// when the browser could not be opened, and the address stays on screen
// to copy.
func (v *invoiceScreen) openPaymentPage(p api.Payment) bool {
	u, err := v.backend.CheckRedirectURL(p.NextAction.URL)
	if err != nil {
		v.say(lang.L("The payment page address is not safe to open."), widget.DangerImportance)
		return false
	}
	v.payPage = u
	v.env.openURL(u, func(err error) {
		if v.waiting != nil && v.waiting.ID == p.ID {
			v.say(describe(err)+" "+lang.L("Copy the payment page's address below and open it in your browser."), widget.DangerImportance)
		}
	})
	return true
}

func (v *invoiceScreen) onApplyCredit() {
	m, err := billing.ParseAmount(v.creditEntry.Text, v.inv.Currency)
	if err != nil || m.Amount <= 0 {
		v.say(lang.L("Enter an amount such as {{.Example}}.", map[string]any{"Example": billing.FormatPlain(v.inv.BalanceDue)}), widget.DangerImportance)
		return
	}
	// Money moves: the user confirms what and where, as for Cancel.
	newConfirmDialog(lang.L("Apply credit?"),
		lang.L("{{.Amount}} of your Available Credit will pay invoice {{.Number}}.", map[string]any{"Amount": billing.Format(m), "Number": v.inv.Number}),
		lang.L("Apply Credit"), lang.L("Cancel"),
		func(ok bool) {
			if ok {
				v.applyCreditAmount(m)
			}
		}, v.env.win).Show()
}

// applyCreditAmount pays the invoice with m of the account's credit.
func (v *invoiceScreen) applyCreditAmount(m billing.Money) {
	req := creditRequest{invoiceID: v.inv.ID, amount: m}
	key := v.creditKey.keyFor(req)
	v.applyCredit.Disable()
	run(v.env.run, v.ctx, TaskApplyCredit, nil, func(ctx context.Context) (api.ApplyCreditResult, error) {
		return v.backend.ApplyCredit(ctx, key, req.invoiceID, api.ApplyCreditRequest{Amount: m})
	}, func(res api.ApplyCreditResult, err error) {
		v.creditKey.done(key, err)
		v.applyCredit.Enable()
		if err != nil {
			v.say(describe(err), widget.DangerImportance)
			return
		}
		v.inv = res.Invoice
		v.say(lang.L("{{.Amount}} of credit applied.", map[string]any{"Amount": billing.Format(m)}), widget.SuccessImportance)
		v.creditEntry.SetText("") // prefilled afresh from the new figures
		v.prefilled = ""
		v.acct.setBalance(res.Balance, res.Entry.CreatedAt)
		v.acct.invoiceUpdated(res.Invoice)
		v.acct.ledgerMoved()
		v.update()
	})
}

func (v *invoiceScreen) onCancel() {
	newConfirmDialog(lang.L("Cancel this invoice?"), lang.L("The invoice will be cancelled and can no longer be paid."),
		lang.L("Cancel this invoice"), lang.L("Keep the invoice"), func(ok bool) {
			if ok {
				v.cancelInvoice()
			}
		}, v.env.win).Show()
}

func (v *invoiceScreen) cancelInvoice() {
	id := v.inv.ID
	key := v.cancelKey.keyFor(id)
	run(v.env.run, v.ctx, TaskCancel, nil, func(ctx context.Context) (api.Invoice, error) {
		return v.backend.CancelInvoice(ctx, key, id)
	}, func(inv api.Invoice, err error) {
		v.cancelKey.done(key, err)
		if err != nil {
			v.say(describe(err), widget.DangerImportance)
			return
		}
		v.inv = inv
		v.acct.invoiceUpdated(inv)
		v.acct.refreshSummary()
		v.update()
	})
}

// onSupport opens the provider's ticket form with the invoice and payment
// attempts filled in, so support does not have to ask.
func (v *invoiceScreen) onSupport() {
	c := v.acct.config
	if c == nil || c.SupportURL == "" {
		return
	}
	u, err := supportURL(v.backend.CheckRedirectURL, c.SupportURL, v.inv)
	if err != nil {
		v.say(lang.L("The support page address is not safe to open."), widget.DangerImportance)
		return
	}
	v.env.openURL(u, nil)
}

// supportURL is the server's support address with the invoice filled in.
// The address comes from the server, so it is vetted like a payment page:
// https, or http to this machine.
func supportURL(check func(string) (*url.URL, error), base string, inv api.Invoice) (*url.URL, error) {
	u, err := check(base)
	if err != nil {
		return nil, fmt.Errorf("support URL: %w", err)
	}
	q := u.Query()
	q.Set("invoice", inv.Number)
	var ids []string
	for _, p := range inv.Payments {
		ids = append(ids, p.ID)
	}
	if len(ids) > 0 {
		q.Set("payments", strings.Join(ids, ","))
	}
	q.Set("subject", fmt.Sprintf("Invoice %s (%s)", inv.Number, inv.Status))
	u.RawQuery = q.Encode()
	return u, nil
}

// onDownload renders the PDF off the UI goroutine, then asks where to save.
func (v *invoiceScreen) onDownload() {
	inv := v.inv
	dir := v.env.archiveDir()
	type rendered struct {
		pdf []byte
		loc fyne.ListableURI
	}
	run(v.env.run, v.ctx, TaskRenderPDF, nil, func(context.Context) (rendered, error) {
		pdf, err := v.renderPDF(inv)
		if err != nil {
			return rendered{}, err
		}
		r := rendered{pdf: pdf}
		if dir != "" && os.MkdirAll(dir, 0o700) == nil {
			r.loc, _ = storage.ListerForURI(storage.NewFileURI(dir))
		}
		return r, nil
	}, func(r rendered, err error) {
		if err != nil {
			v.env.showError(lang.L("Could not create the PDF"), err)
			return
		}
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			v.writePDF(w, r.pdf)
		}, v.env.win)
		d.SetFileName(inv.Number + ".pdf")
		d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
		if r.loc != nil {
			d.SetLocation(r.loc)
		}
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})
}

// writePDF writes the PDF off the UI goroutine into the writer the file
// dialog handed over.
func (v *invoiceScreen) writePDF(w fyne.URIWriteCloser, pdf []byte) {
	run(v.env.run, v.ctx, TaskSavePDF, nil, func(context.Context) (string, error) {
		return save(w, func(w io.Writer) error { _, err := w.Write(pdf); return err })
	}, func(name string, err error) {
		if err != nil {
			v.env.showError(lang.L("Could not save the PDF"), err)
			return
		}
		v.say(lang.L("Saved {{.Name}}", map[string]any{"Name": name}), widget.SuccessImportance)
	})
}
