package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// staffInvoice is an invoice of the chosen customer as staff open it from
// the customer's account: what it says, read-only, as the invoice screen
// shows it, and Apply Credit on the customer's behalf.
type staffInvoice struct {
	panel     *customerPanel
	inv       *api.Invoice // nil when closed
	creditKey actionKey[creditRequest]

	details     *invoiceDetails
	back        *button
	creditCard  *widget.Card
	creditEntry *widget.Entry
	prefilled   string // what the panel last put into creditEntry
	apply       *button
	result      *wrapLabel
	root        fyne.CanvasObject
}

func newStaffInvoice(p *customerPanel) *staffInvoice {
	v := &staffInvoice{panel: p}
	v.build()
	return v
}

func (v *staffInvoice) build() {
	v.details = newInvoiceDetails(func() []api.Gateway { return v.panel.detail.config.Gateways })
	v.back = newButton(lang.L("Back to the customer"), theme.NavigateBackIcon(), v.panel.showAccount)
	v.back.Importance = widget.LowImportance
	v.creditEntry = widget.NewEntry()
	v.creditEntry.OnSubmitted = func(string) { v.onApplyCredit() }
	v.apply = newButton(lang.L("Apply credit…"), nil, v.onApplyCredit)
	v.creditCard = widget.NewCard(lang.L("Apply the customer's credit"), "",
		container.NewBorder(nil, nil, nil, v.apply, v.creditEntry))
	v.result = newResultLabel()
	v.root = container.NewBorder(container.NewHBox(v.back), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(v.result, v.creditCard, v.details.top, v.details.body))))
}

// open shows inv; close forgets it.
func (v *staffInvoice) open(inv api.Invoice) {
	if v.inv == nil || v.inv.ID != inv.ID {
		v.creditEntry.SetText("")
		v.prefilled = ""
		v.result.Hide()
	}
	v.inv = &inv
	v.update()
}

func (v *staffInvoice) close() { v.inv = nil }

// update shows the open invoice, and Apply Credit where the customer's
// credit can pay it: prefilled with the smaller of credit and amount due,
// unless staff typed an amount of their own.
func (v *staffInvoice) update() {
	if v.inv == nil {
		return
	}
	inv := *v.inv
	v.details.set(inv)
	credit := v.panel.detail.summary.AvailableCredit
	can := v.panel.loaded && inv.Status == billing.InvoiceUnpaid && inv.Kind == billing.KindService && credit.Amount > 0
	setVisible(v.creditCard, can)
	if !can {
		return
	}
	v.creditCard.SetSubTitle(lang.L("Available: {{.Credit}}", map[string]any{"Credit": billing.Format(credit)}))
	prefill := billing.FormatPlain(billing.New(min(credit.Amount, inv.BalanceDue.Amount), inv.Currency))
	if v.creditEntry.Text == v.prefilled {
		v.creditEntry.SetText(prefill)
		v.prefilled = prefill
	}
}

// onApplyCredit asks, naming the customer, before paying the invoice from
// their credit.
func (v *staffInvoice) onApplyCredit() {
	p := v.panel
	if v.inv == nil || p.cu == nil || v.apply.Disabled() {
		return
	}
	cu, inv := *p.cu, *v.inv
	m, err := billing.ParseAmount(v.creditEntry.Text, inv.Currency)
	if err != nil || m.Amount <= 0 {
		tell(v.result, lang.L("Enter an amount such as {{.Example}}.", map[string]any{"Example": billing.FormatPlain(inv.BalanceDue)}),
			widget.DangerImportance)
		return
	}
	words := map[string]any{"Amount": billing.Format(m), "Name": cu.Name, "Email": cu.Email, "Number": inv.Number,
		"Credit": billing.Format(p.detail.summary.AvailableCredit), "Due": billing.Format(inv.BalanceDue)}
	p.ask(lang.L("Apply {{.Name}}'s credit?", words),
		lang.L("{{.Amount}} of the credit of {{.Name}} ({{.Email}}, {{.Credit}} available) will pay invoice {{.Number}} ({{.Due}} due). They see it in their transactions.", words),
		lang.L("Apply credit"), func() { v.applyCredit(cu, creditRequest{invoiceID: inv.ID, amount: m}) })
}

func (v *staffInvoice) applyCredit(cu api.Customer, req creditRequest) {
	p := v.panel
	staffAction(p, TaskStaffCredit, &v.creditKey, req, cu, v.apply, v.result, func(ctx context.Context, key apiclient.IdempotencyKey) (api.ApplyCreditResult, error) {
		return p.staff.StaffApplyCredit(ctx, key, cu.ID, req.invoiceID, api.ApplyCreditRequest{Amount: req.amount})
	}, func(res api.ApplyCreditResult) {
		p.onBalance(cu.ID, res.Balance)
		if p.cu == nil || p.cu.ID != cu.ID {
			return
		}
		p.setCredit(res.Balance)
		tell(v.result, lang.L("{{.Amount}} of {{.Name}}'s credit applied to invoice {{.Number}}. Still due: {{.Due}}; credit left: {{.Credit}}.",
			map[string]any{"Amount": billing.Format(req.amount), "Name": cu.Name, "Number": res.Invoice.Number,
				"Due": billing.Format(res.Invoice.BalanceDue), "Credit": billing.Format(res.Balance)}), widget.SuccessImportance)
		v.creditEntry.SetText("") // prefilled afresh from the new figures
		v.prefilled = ""
		if v.inv != nil && v.inv.ID == res.Invoice.ID {
			v.open(res.Invoice)
		}
		p.reload()
	})
}
