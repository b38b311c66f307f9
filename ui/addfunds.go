package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// addFundsTab is the guide's Add Funds tab: Amount, Gateway, the credit
// policy, Redeem Voucher and "+ Add Funds".
type addFundsTab struct {
	app  *App
	open func(api.Invoice)

	amount      *widget.Entry
	amountError *widget.Label
	limits      *widget.Label
	quick       *fyne.Container
	gateway     *widget.RadioGroup
	gatewayInfo *widget.Label
	gatewayIDs  map[string]string // display name → id
	policyText  *widget.Label
	policyLink  *widget.Hyperlink
	accept      *widget.Check
	submit      *widget.Button
	progress    *widget.ProgressBarInfinite
	result      *widget.Label
	openCard    *widget.Card
	openText    *widget.Label

	voucher       *widget.Entry
	redeem        *widget.Button
	voucherResult *widget.Label

	// key is reused for as long as the user retries the same request, so a
	// double click, a retry after a timeout or a resend can never create a
	// second invoice; a different request gets a new key.
	key        apiclient.IdempotencyKey
	keyFor     api.AddFundsRequest
	voucherKey apiclient.IdempotencyKey
	busy       bool

	root fyne.CanvasObject
}

func newAddFundsTab(a *App, open func(api.Invoice)) *addFundsTab {
	t := &addFundsTab{app: a, open: open, gatewayIDs: map[string]string{}}
	t.build()
	return t
}

func (t *addFundsTab) object() fyne.CanvasObject { return t.root }

func (t *addFundsTab) build() {
	t.amount = widget.NewEntry()
	t.amount.SetPlaceHolder(lang.L("Amount"))
	t.amount.OnChanged = func(string) { t.validate() }
	t.amount.OnSubmitted = func(string) { t.onSubmit() }
	t.amountError = widget.NewLabel("")
	t.amountError.Importance = widget.DangerImportance
	t.amountError.Hide()
	t.limits = widget.NewLabel(lang.L("Loading limits…"))
	t.limits.Wrapping = fyne.TextWrapWord
	t.quick = container.NewHBox()
	t.gateway = widget.NewRadioGroup(nil, func(string) { t.onGateway() })
	t.gateway.Required = true
	t.gatewayInfo = widget.NewLabel("")
	t.gatewayInfo.Wrapping = fyne.TextWrapWord
	t.policyText = widget.NewLabel(lang.L("Deposited account credit is in principle not refundable and cannot be withdrawn as cash. It pays future orders and invoices."))
	t.policyText.Wrapping = fyne.TextWrapWord
	t.policyLink = widget.NewHyperlink(lang.L("Account Credit Handling Policy"), nil)
	t.accept = widget.NewCheck(lang.L("I understand that added credit is non-refundable"), func(bool) { t.validate() })
	t.submit = widget.NewButtonWithIcon(lang.L("Add Funds"), theme.ContentAddIcon(), t.onSubmit)
	t.submit.Importance = widget.HighImportance
	t.submit.Disable()
	t.progress = widget.NewProgressBarInfinite()
	t.progress.Hide()
	t.result = widget.NewLabel("")
	t.result.Wrapping = fyne.TextWrapWord
	t.result.Hide()

	t.openText = widget.NewLabel("")
	t.openText.Wrapping = fyne.TextWrapWord
	openView := widget.NewButtonWithIcon(lang.L("Open invoice"), theme.DocumentIcon(), func() {
		if s := t.app.summary; s != nil && s.OpenAddFunds != nil {
			t.open(*s.OpenAddFunds)
		}
	})
	openView.Importance = widget.HighImportance
	t.openCard = widget.NewCard(lang.L("An add-funds invoice is waiting for payment"), "",
		container.NewVBox(t.openText, container.NewHBox(openView)))
	t.openCard.Hide()

	t.voucher = widget.NewEntry()
	t.voucher.SetPlaceHolder(lang.L("Voucher code"))
	t.voucher.OnChanged = func(string) {
		t.voucherKey = ""
		if strings.TrimSpace(t.voucher.Text) == "" {
			t.redeem.Disable()
		} else {
			t.redeem.Enable()
		}
	}
	t.voucher.OnSubmitted = func(string) { t.onRedeem() }
	t.redeem = widget.NewButton(lang.L("Redeem"), t.onRedeem)
	t.redeem.Disable()
	t.voucherResult = widget.NewLabel("")
	t.voucherResult.Wrapping = fyne.TextWrapWord
	t.voucherResult.Hide()

	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Amount"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.amount, t.amountError, t.limits, t.quick,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Gateway"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.gateway, t.gatewayInfo,
		widget.NewSeparator(),
		container.NewHBox(widget.NewIcon(theme.WarningIcon()), widget.NewLabelWithStyle(lang.L("Important"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		t.policyText, t.policyLink, t.accept,
		container.NewHBox(t.submit), t.progress, t.result,
	)
	voucherCard := widget.NewCard(lang.L("Redeem Voucher"), lang.L("Only if you have a coupon or voucher code."),
		container.NewVBox(container.NewBorder(nil, nil, nil, t.redeem, t.voucher), t.voucherResult))
	left := container.NewVBox(t.openCard, widget.NewCard(lang.L("Add Funds"), "", form))
	body := container.NewGridWithColumns(2, left, container.NewVBox(voucherCard))
	t.root = container.NewVScroll(container.NewPadded(body))
}

// configLoaded fills limits, quick amounts and gateways from the server.
func (t *addFundsTab) configLoaded() {
	c := t.app.config
	t.updateLimits()
	t.quick.Objects = nil
	for _, v := range quickAmounts(c.Currency) {
		m := billing.New(v, c.Currency)
		b := widget.NewButton(billing.Format(m), func() { t.amount.SetText(billing.FormatPlain(m)) })
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
	if u, err := url.Parse(c.CreditPolicy.URL); err == nil {
		t.policyLink.SetURL(u)
	}
	t.policyLink.SetText(lang.L("Account Credit Handling Policy (version {{.Version}})", map[string]any{"Version": c.CreditPolicy.Version}))
	t.validate()
}

func (t *addFundsTab) showConfigError(err error) {
	t.limits.SetText(describe(err))
}

func quickAmounts(c billing.Currency) []int64 {
	if c == billing.JPY {
		return []int64{5_000, 10_000, 30_000, 50_000}
	}
	return []int64{20_00, 50_00, 100_00, 200_00}
}

func (t *addFundsTab) headroom() billing.Money {
	c := t.app.config
	h := c.MaxBalance.Amount
	if s := t.app.summary; s != nil {
		h -= s.AvailableCredit.Amount
	}
	return billing.New(max(0, min(h, c.MaxDeposit.Amount)), c.Currency)
}

func (t *addFundsTab) updateLimits() {
	c := t.app.config
	if c == nil {
		return
	}
	t.limits.SetText(lang.L("Minimum {{.Min}} · maximum {{.Max}} per deposit · you can add up to {{.Headroom}} before reaching the {{.Cap}} credit limit.",
		map[string]any{"Min": billing.Format(c.MinDeposit), "Max": billing.Format(c.MaxDeposit),
			"Headroom": billing.Format(t.headroom()), "Cap": billing.Format(c.MaxBalance)}))
}

func (t *addFundsTab) summaryChanged() {
	t.updateLimits()
	s := t.app.summary
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
	c := t.app.config
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
	if problem != "" {
		t.amountError.SetText(problem)
		t.amountError.Show()
	} else {
		t.amountError.Hide()
	}
	blocked := t.app.summary != nil && t.app.summary.OpenAddFunds != nil && t.app.config != nil && t.app.config.MaxOpenAddFundsInvoices > 0
	if t.busy || blocked || problem != "" || m.Amount == 0 || t.gateway.Selected == "" || !t.accept.Checked {
		t.submit.Disable()
	} else {
		t.submit.Enable()
	}
}

func (t *addFundsTab) onGateway() {
	for _, g := range t.app.configGateways() {
		if g.Name == t.gateway.Selected {
			t.gatewayInfo.SetText(g.Description)
		}
	}
	t.validate()
}

func (t *addFundsTab) request() (api.AddFundsRequest, bool) {
	m, problem := t.parse()
	if problem != "" || m.Amount == 0 || t.app.config == nil {
		return api.AddFundsRequest{}, false
	}
	return api.AddFundsRequest{Amount: m, Gateway: t.gatewayIDs[t.gateway.Selected], PolicyVersion: t.app.config.CreditPolicy.Version}, true
}

func (t *addFundsTab) onSubmit() {
	req, ok := t.request()
	if !ok || t.busy || !t.accept.Checked {
		return
	}
	if t.key == "" || t.keyFor != req {
		t.key, t.keyFor = apiclient.NewIdempotencyKey(), req
	}
	key := t.key
	t.busy = true
	t.submit.Disable()
	t.progress.Show()
	t.result.Hide()
	run(t.app.ctx, nil, func(ctx context.Context) (api.Invoice, error) {
		return t.app.deps.Backend.AddFunds(ctx, key, req)
	}, func(inv api.Invoice, err error) {
		t.busy = false
		t.progress.Hide()
		if err != nil {
			// A network failure leaves the key for the retry; a refusal
			// from the server ends this action.
			if e, ok := apiclient.AsError(err); ok && e.Status != 0 {
				t.key = ""
			}
			t.result.SetText(describe(err))
			t.result.Importance = widget.DangerImportance
			t.result.Show()
			t.validate()
			t.app.deps.Hooks.updated("addfunds-error")
			return
		}
		t.key = ""
		t.amount.SetText("")
		t.accept.SetChecked(false)
		t.validate()
		t.app.billing.invoices.upsert(inv)
		t.app.refreshSummary()
		t.open(inv)
		t.app.deps.Hooks.updated("addfunds")
	})
}

func (t *addFundsTab) onRedeem() {
	code := strings.TrimSpace(t.voucher.Text)
	if code == "" || t.redeem.Disabled() {
		return
	}
	if t.voucherKey == "" {
		t.voucherKey = apiclient.NewIdempotencyKey()
	}
	key := t.voucherKey
	t.redeem.Disable()
	run(t.app.ctx, nil, func(ctx context.Context) (api.LedgerResult, error) {
		return t.app.deps.Backend.RedeemVoucher(ctx, key, code)
	}, func(res api.LedgerResult, err error) {
		t.redeem.Enable()
		t.voucherResult.Show()
		if err != nil {
			if e, ok := apiclient.AsError(err); ok && e.Status != 0 {
				t.voucherKey = ""
			}
			t.voucherResult.Importance = widget.DangerImportance
			t.voucherResult.SetText(describe(err))
			t.app.deps.Hooks.updated("voucher-error")
			return
		}
		t.voucherKey = ""
		t.voucher.SetText("")
		t.voucherResult.Importance = widget.SuccessImportance
		t.voucherResult.SetText(lang.L("{{.Amount}} added to your credit.", map[string]any{"Amount": billing.Format(res.Entry.Amount)}))
		t.app.setCredit(res.Balance, res.Entry.CreatedAt)
		t.app.billing.transactions.stale()
		t.app.deps.Hooks.updated("voucher")
	})
}

func (a *App) configGateways() []api.Gateway {
	if a.config == nil {
		return nil
	}
	return a.config.Gateways
}
