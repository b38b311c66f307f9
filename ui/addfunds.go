package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/billing"
)

// addFundsTab is the guide's Add Funds tab: Amount, Gateway, the credit
// policy, Redeem Voucher and "+ Add Funds".
type addFundsTab struct {
	env     *env
	backend Backend
	acct    *account
	nav     navigator

	amount      *widget.Entry
	amountError *wrapLabel
	limits      *wrapLabel
	quick       *fyne.Container
	gateway     *widget.RadioGroup
	gatewayInfo *wrapLabel
	gatewayIDs  map[string]string // display name → id
	policyText  *wrapLabel
	policyLink  *widget.Hyperlink
	accept      *widget.Check
	submit      *button
	progress    *spinner
	result      *wrapLabel
	openCard    *widget.Card
	openText    *wrapLabel

	voucher       *widget.Entry
	redeem        *button
	voucherResult *wrapLabel

	key        actionKey[api.AddFundsRequest]
	voucherKey actionKey[string]
	busy       bool

	root fyne.CanvasObject
}

func newAddFundsTab(e *env, b Backend, a *account, nav navigator) *addFundsTab {
	t := &addFundsTab{env: e, backend: b, acct: a, nav: nav, gatewayIDs: map[string]string{}}
	t.build()
	a.configChanged.subscribe(func(api.Config) { t.onConfig() })
	a.configFailed.subscribe(func(err error) { t.limits.SetText(describe(err)) })
	a.summaryChanged.subscribe(func(api.Summary) { t.onSummary() })
	// Built when first shown, it may come after the account's rules and
	// figures.
	if a.config != nil {
		t.onConfig()
	}
	t.onSummary()
	return t
}

func (t *addFundsTab) object() fyne.CanvasObject { return t.root }

func (t *addFundsTab) focusTarget() fyne.Focusable { return t.amount }

// refresh asks for the server's rules again if they could not be loaded.
func (t *addFundsTab) refresh() {
	if t.acct.config == nil {
		t.acct.refreshConfig()
	}
}

func (t *addFundsTab) build() {
	t.amount = widget.NewEntry()
	t.amount.SetPlaceHolder(lang.L("Amount"))
	t.amount.OnChanged = func(string) { t.validate() }
	t.amount.OnSubmitted = func(string) { t.onSubmit() }
	// The error's row is always there, empty when the amount is fine, so
	// that an error appearing as the user types does not move the form.
	t.amountError = newWrapped("")
	t.amountError.Importance = widget.DangerImportance
	t.limits = newWrapped(lang.L("Loading limits…"))
	t.quick = newFlow()
	t.gateway = widget.NewRadioGroup(nil, func(string) { t.onGateway() })
	t.gateway.Required = true
	t.gatewayInfo = newWrapped("")
	t.policyText = newWrapped(lang.L("Deposited account credit is in principle not refundable and cannot be withdrawn as cash. It pays future orders and invoices."))
	t.policyLink = widget.NewHyperlink(lang.L("Account Credit Handling Policy"), nil)
	t.accept = widget.NewCheck(lang.L("I understand that added credit is non-refundable"), func(bool) {
		if t.result.Importance == widget.WarningImportance {
			t.result.Hide() // the reminder to tick it
		}
		t.validate()
	})
	t.submit = newButton(lang.L("Add Funds"), theme.ContentAddIcon(), t.onSubmit)
	t.submit.Importance = widget.HighImportance
	t.submit.Disable()
	t.progress = newSpinner()
	t.progress.Hide()
	t.result = newWrapped("")
	t.result.Hide()

	t.openText = newWrapped("")
	openView := newButton(lang.L("Open invoice"), theme.DocumentIcon(), t.onOpenInvoice)
	openView.Importance = widget.HighImportance
	t.openCard = widget.NewCard("", "", container.NewVBox(
		newWrapped(lang.L("An add-funds invoice is waiting for payment")), t.openText, container.NewHBox(openView)))
	t.openCard.Hide()

	t.voucher = widget.NewEntry()
	t.voucher.SetPlaceHolder(lang.L("Voucher code"))
	t.voucher.OnChanged = func(string) {
		if strings.TrimSpace(t.voucher.Text) == "" {
			t.redeem.Disable()
		} else {
			t.redeem.Enable()
		}
	}
	t.voucher.OnSubmitted = func(string) { t.onRedeem() }
	t.redeem = newButton(lang.L("Redeem"), nil, t.onRedeem)
	t.redeem.Disable()
	t.voucherResult = newWrapped("")
	t.voucherResult.Hide()

	bold := func(text string) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	// The guide's order: amount and gateway on the left; the notice, its
	// acknowledgement and "+ Add Funds" on the right, so that all of it
	// shows at once on a 1024×640 window. A narrow window stacks them.
	choose := widget.NewCard("", "", container.NewVBox(
		bold(lang.L("Amount")), t.amount, t.amountError, t.limits, t.quick,
		widget.NewSeparator(),
		bold(lang.L("Gateway")), t.gateway, t.gatewayInfo,
	))
	confirm := widget.NewCard("", "", container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.WarningIcon()), bold(lang.L("Important"))),
		t.policyText, t.policyLink, t.accept,
		container.NewHBox(t.submit), t.progress, t.result,
	))
	voucherCard := widget.NewCard(lang.L("Redeem Voucher"), "",
		container.NewVBox(newWrapped(lang.L("Only if you have a coupon or voucher code.")),
			container.NewBorder(nil, nil, nil, t.redeem, t.voucher), t.voucherResult))
	body := container.NewVBox(t.openCard, newColumns(320, choose, container.NewVBox(confirm, voucherCard)))
	t.root = container.NewVScroll(container.NewPadded(capWidth(readableWidth, body)))
}

// onConfig fills limits, quick amounts and gateways from the server.
func (t *addFundsTab) onConfig() {
	c := t.acct.config
	t.updateLimits()
	t.quick.Objects = nil
	for _, v := range quickAmounts(c.Currency) {
		m := billing.New(v, c.Currency)
		b := newButton(billing.Format(m), nil, func() { t.amount.SetText(billing.FormatPlain(m)) })
		t.quick.Add(b)
	}
	var names []string
	for _, g := range c.Gateways {
		names = append(names, g.Name)
		t.gatewayIDs[g.Name] = g.ID
	}
	t.gateway.Options = names
	if len(names) > 0 && t.gateway.Selected == "" {
		t.gateway.SetSelected(names[0])
	}
	t.gateway.Refresh()
	t.policyText.SetText(c.CreditPolicy.Summary)
	// The address comes from the server: vetted like a payment page, and
	// opened through the app's browser so that a failure is told.
	u, err := t.backend.CheckRedirectURL(c.CreditPolicy.URL)
	if err == nil {
		t.policyLink.SetURL(u)
		t.policyLink.OnTapped = func() { t.env.openURL(u, nil) }
	}
	setVisible(t.policyLink, err == nil)
	t.policyLink.SetText(policyTitle(c.CreditPolicy.Version))
	t.validate()
}

// policyTitle names the credit policy and its version: a version that is a
// day (the provider's, 2026-06-01) is written as every other date is.
func policyTitle(version string) string {
	if day, err := time.ParseInLocation(time.DateOnly, version, time.Local); err == nil {
		return lang.L("Account Credit Handling Policy of {{.Date}}", map[string]any{"Date": fmtDate(day)})
	}
	return lang.L("Account Credit Handling Policy (version {{.Version}})", map[string]any{"Version": version})
}

func quickAmounts(c billing.Currency) []int64 {
	if c == billing.JPY {
		return []int64{5_000, 10_000, 30_000, 50_000}
	}
	return []int64{20_00, 50_00, 100_00, 200_00}
}

func (t *addFundsTab) headroom() billing.Money {
	c := t.acct.config
	h := c.MaxBalance.Amount
	if s := t.acct.summary; s != nil {
		h -= s.AvailableCredit.Amount
	}
	return billing.New(max(0, min(h, c.MaxDeposit.Amount)), c.Currency)
}

func (t *addFundsTab) updateLimits() {
	c := t.acct.config
	if c == nil {
		return
	}
	t.limits.SetText(lang.L("Minimum {{.Min}} · maximum {{.Max}} per deposit · you can add up to {{.Headroom}} before reaching the {{.Cap}} credit limit.",
		map[string]any{"Min": billing.Format(c.MinDeposit), "Max": billing.Format(c.MaxDeposit),
			"Headroom": billing.Format(t.headroom()), "Cap": billing.Format(c.MaxBalance)}))
}

func (t *addFundsTab) onSummary() {
	t.updateLimits()
	s := t.acct.summary
	if s != nil && s.OpenAddFunds != nil {
		inv := s.OpenAddFunds
		t.openText.SetText(lang.L("{{.Number}} for {{.Amount}} is unpaid. Pay it or cancel it before adding more funds.",
			map[string]any{"Number": inv.Number, "Amount": billing.Format(inv.BalanceDue)}))
		t.openCard.Show()
	} else {
		t.openCard.Hide()
	}
	t.validate()
}

// parse checks the amount against the server's rules and says what is wrong.
func (t *addFundsTab) parse() (billing.Money, string) {
	c := t.acct.config
	if c == nil {
		return billing.Money{}, ""
	}
	if strings.TrimSpace(t.amount.Text) == "" {
		return billing.Money{}, ""
	}
	m, err := billing.ParseAmount(t.amount.Text, c.Currency)
	switch {
	case errors.Is(err, billing.ErrTooManyDecimals):
		return m, lang.L("Too many decimal places for {{.Currency}}.", map[string]any{"Currency": string(c.Currency)})
	case errors.Is(err, billing.ErrOverflow):
		return m, lang.L("The amount is above the maximum deposit.")
	case err != nil:
		return m, lang.L("Enter an amount such as {{.Example}}.", map[string]any{"Example": billing.FormatNumber(c.MinDeposit)})
	case m.Amount <= 0:
		return m, lang.L("Enter an amount above zero.")
	case m.Amount < c.MinDeposit.Amount:
		return m, lang.L("The minimum deposit is {{.Min}}.", map[string]any{"Min": billing.Format(c.MinDeposit)})
	case m.Amount > c.MaxDeposit.Amount:
		return m, lang.L("The maximum deposit is {{.Max}}.", map[string]any{"Max": billing.Format(c.MaxDeposit)})
	case m.Amount > t.headroom().Amount:
		return m, lang.L("You can add at most {{.Headroom}} now.", map[string]any{"Headroom": billing.Format(t.headroom())})
	}
	return m, ""
}

func (t *addFundsTab) validate() {
	m, problem := t.parse()
	t.amountError.SetText(problem)
	blocked := t.acct.summary != nil && t.acct.summary.OpenAddFunds != nil && t.acct.config != nil && t.acct.config.MaxOpenAddFundsInvoices > 0
	if t.busy || blocked || problem != "" || m.Amount == 0 || t.gateway.Selected == "" || !t.accept.Checked {
		t.submit.Disable()
	} else {
		t.submit.Enable()
	}
}

func (t *addFundsTab) onGateway() {
	for _, g := range t.acct.gateways() {
		if g.Name == t.gateway.Selected {
			t.gatewayInfo.SetText(g.Description)
		}
	}
	t.validate()
}

func (t *addFundsTab) request() (api.AddFundsRequest, bool) {
	m, problem := t.parse()
	if problem != "" || m.Amount == 0 || t.acct.config == nil {
		return api.AddFundsRequest{}, false
	}
	return api.AddFundsRequest{Amount: m, Gateway: t.gatewayIDs[t.gateway.Selected], PolicyVersion: t.acct.config.CreditPolicy.Version}, true
}

func (t *addFundsTab) onOpenInvoice() {
	if s := t.acct.summary; s != nil && s.OpenAddFunds != nil {
		t.nav.openInvoice(*s.OpenAddFunds, true)
	}
}

// onSubmit adds funds: the button, or Enter in the amount. What Enter
// cannot do yet, it says, and the focus goes where the user must act.
func (t *addFundsTab) onSubmit() {
	if t.busy {
		return
	}
	req, ok := t.request()
	switch {
	case !ok && t.acct.config != nil:
		if !t.amountError.Visible() { // nothing typed yet
			t.amountError.SetText(lang.L("Enter an amount such as {{.Example}}.", map[string]any{"Example": billing.FormatNumber(t.acct.config.MinDeposit)}))
			t.amountError.Show()
		}
		t.env.focus(t.amount)
		return
	case !t.accept.Checked:
		t.result.SetText(lang.L("Tick the box to confirm that added credit is non-refundable, then add funds."))
		t.result.Importance = widget.WarningImportance
		t.result.Show()
		t.env.focus(t.accept)
		return
	case t.submit.Disabled():
		return // an add-funds invoice is open, or no gateway: the screen says so
	}
	key := t.key.keyFor(req)
	t.busy = true
	t.submit.Disable()
	t.progress.Show()
	t.result.Hide()
	run(t.env.run, t.env.ctx, TaskAddFunds, nil, func(ctx context.Context) (api.Invoice, error) {
		return t.backend.AddFunds(ctx, key, req)
	}, func(inv api.Invoice, err error) {
		t.key.done(key, err)
		t.busy = false
		t.progress.Hide()
		if err != nil {
			t.result.SetText(describe(err))
			t.result.Importance = widget.DangerImportance
			t.result.Show()
			t.validate()
			return
		}
		t.amount.SetText("")
		t.accept.SetChecked(false)
		t.validate()
		t.acct.invoiceUpdated(inv)
		t.acct.refreshSummary()
		t.nav.openInvoice(inv, true)
	})
}

func (t *addFundsTab) onRedeem() {
	code := strings.TrimSpace(t.voucher.Text)
	if code == "" || t.redeem.Disabled() {
		return
	}
	key := t.voucherKey.keyFor(code)
	t.redeem.Disable()
	run(t.env.run, t.env.ctx, TaskVoucher, nil, func(ctx context.Context) (api.LedgerResult, error) {
		return t.backend.RedeemVoucher(ctx, key, code)
	}, func(res api.LedgerResult, err error) {
		t.voucherKey.done(key, err)
		t.redeem.Enable()
		t.voucherResult.Show()
		if err != nil {
			t.voucherResult.Importance = widget.DangerImportance
			t.voucherResult.SetText(describe(err))
			return
		}
		t.voucher.SetText("")
		amount := billing.Format(res.Entry.Amount)
		t.voucherResult.Importance = widget.SuccessImportance
		t.voucherResult.SetText(lang.L("{{.Amount}} added to your credit.", map[string]any{"Amount": amount}))
		// As a payment does: the credit changed, wherever the user looks.
		t.env.app.SendNotification(fyne.NewNotification(lang.L("Credit added: {{.Amount}}", map[string]any{"Amount": amount}),
			lang.L("Voucher {{.Code}} was redeemed.", map[string]any{"Code": code})))
		t.acct.setBalance(res.Balance, res.Entry.CreatedAt)
		t.acct.ledgerMoved()
	})
}
