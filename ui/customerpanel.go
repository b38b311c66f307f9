package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// customerPanel is the account of the customer an account manager chose:
// credit and unpaid invoices, bank transfers waiting for receipt, and the
// actions staff take for the customer. Its widgets are built once; another
// customer, or a reload after an action, only changes their values.
type customerPanel struct {
	env   *env
	staff StaffBackend
	// onBalance tells the customer list a customer's current balance.
	onBalance func(customerID string, balance billing.Money)

	cu     *api.Customer // nil until one is chosen
	detail customerDetail
	gen    atomic.Uint64

	adjKey  actionKey[adjustRequest]
	confKey actionKey[confirmRequest]

	root      *fyne.Container // the hint, or the customer's account
	hint      *widget.Label
	account   fyne.CanvasObject
	card      *widget.Card
	who       *widget.Label
	credit    *widget.Label
	unpaid    *widget.Label
	status    *widget.Label
	transfers *fyne.Container
	noneLeft  *widget.Label
	rows      map[string]*transferRow // by payment id
	confirmed *widget.Label

	adjAmount, adjReason *widget.Entry
	record               *widget.Button
	adjResult            *widget.Label
}

// adjustRequest and confirmRequest identify a staff action: the same
// values repeat it (with the same idempotency key), others start anew.
type adjustRequest struct {
	customerID string
	req        api.AdjustmentRequest
}

type confirmRequest struct{ paymentID, reference string }

type customerDetail struct {
	summary  api.Summary
	invoices []api.Invoice
}

func newCustomerPanel(e *env, staff StaffBackend, onBalance func(string, billing.Money)) *customerPanel {
	p := &customerPanel{env: e, staff: staff, onBalance: onBalance, rows: map[string]*transferRow{}}
	p.build()
	return p
}

func (p *customerPanel) build() {
	p.hint = widget.NewLabel(lang.L("Choose a customer."))
	p.who = widget.NewLabel("")
	p.credit = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.unpaid = widget.NewLabel("")
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.status.Hide()
	info := widget.NewForm(
		widget.NewFormItem(lang.L("Customer"), p.who),
		widget.NewFormItem(lang.L("Available Credit"), p.credit),
		widget.NewFormItem(lang.L("Unpaid"), p.unpaid),
	)
	p.card = widget.NewCard("", "", container.NewVBox(info, p.status))

	p.noneLeft = widget.NewLabel(lang.L("No bank transfers are waiting."))
	p.transfers = container.NewVBox()
	p.confirmed = newResultLabel()
	transfers := widget.NewCard(lang.L("Bank transfers waiting for receipt"), "",
		container.NewVBox(p.transfers, p.noneLeft, p.confirmed))

	p.account = container.NewVScroll(container.NewPadded(container.NewVBox(p.card, transfers, p.buildAdjust())))
	p.account.Hide()
	p.root = container.NewStack(p.hint, p.account)
}

func (p *customerPanel) buildAdjust() fyne.CanvasObject {
	p.adjAmount = widget.NewEntry()
	p.adjAmount.SetPlaceHolder(lang.L("Amount (negative to deduct)"))
	p.adjReason = widget.NewEntry()
	p.adjReason.SetPlaceHolder(lang.L("Reason (the customer sees it)"))
	p.adjReason.OnSubmitted = func(string) { p.onRecord() }
	p.adjResult = newResultLabel()
	p.record = widget.NewButton(lang.L("Record adjustment"), p.onRecord)
	return widget.NewCard(lang.L("Adjustment"), lang.L("Corrections are new ledger entries; nothing is edited."),
		container.NewVBox(p.adjAmount, p.adjReason, container.NewHBox(p.record), p.adjResult))
}

// newResultLabel is a wrapping label for what an action did, hidden until
// there is something to say.
func newResultLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// tell shows text on a result label, in the look of its importance.
func tell(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	l.Show()
}

func (p *customerPanel) object() fyne.CanvasObject { return p.root }

// show chooses a customer and loads their account. What was typed for the
// previous customer is cleared: an amount meant for one customer must
// never be recorded for another.
func (p *customerPanel) show(cu api.Customer) {
	if p.cu == nil || p.cu.ID != cu.ID {
		p.adjAmount.SetText("")
		p.adjReason.SetText("")
		p.adjResult.Hide()
		p.confirmed.Hide()
		p.detail = customerDetail{}
		for id := range p.rows {
			delete(p.rows, id)
		}
		p.transfers.RemoveAll()
	}
	p.cu = &cu
	p.card.SetTitle(cu.Name)
	p.who.SetText(strings.Join(nonEmpty(cu.Name, cu.Company, cu.Email), "\n"))
	p.setCredit(cu.AvailableCredit)
	p.unpaid.SetText(lang.L("Loading…"))
	p.status.Hide()
	p.hint.Hide()
	p.account.Show()
	p.reload()
}

// reload fetches the chosen customer's summary and unpaid invoices again.
func (p *customerPanel) reload() {
	cu := *p.cu
	run(p.env.run, p.env.ctx, TaskCustomer, &p.gen, func(ctx context.Context) (customerDetail, error) {
		var d customerDetail
		var err error
		if d.summary, err = p.staff.StaffSummary(ctx, cu.ID); err != nil {
			return d, err
		}
		for inv, err := range p.staff.StaffAllInvoices(ctx, cu.ID, apiclient.InvoiceQuery{Status: billing.InvoiceUnpaid, Limit: 100}) {
			if err != nil {
				return d, err
			}
			d.invoices = append(d.invoices, inv)
		}
		return d, nil
	}, func(d customerDetail, err error) {
		if p.cu == nil || p.cu.ID != cu.ID {
			return // another customer was chosen meanwhile
		}
		if err != nil {
			tell(p.status, describe(err), widget.DangerImportance)
			return
		}
		p.status.Hide()
		p.detail = d
		p.update()
		p.onBalance(cu.ID, d.summary.AvailableCredit)
	})
}

// update shows the loaded account in the widgets.
func (p *customerPanel) update() {
	s := p.detail.summary
	p.setCredit(s.AvailableCredit)
	p.unpaid.SetText(lang.L("{{.Count}} invoices, {{.Total}} ({{.Overdue}} overdue)",
		map[string]any{"Count": s.UnpaidCount, "Total": billing.Format(s.UnpaidTotal), "Overdue": s.OverdueCount}))
	p.updateTransfers()
}

func (p *customerPanel) setCredit(m billing.Money) {
	p.credit.SetText(billing.Format(m))
}

// updateTransfers lists the bank transfers waiting for receipt. A row
// stays the same widget while its payment waits, so a reference being
// typed survives a reload.
func (p *customerPanel) updateTransfers() {
	waiting := map[string]bool{}
	p.transfers.RemoveAll()
	for _, inv := range p.detail.invoices {
		for _, pay := range inv.Payments {
			if pay.NextAction.Instructions == nil {
				continue
			}
			waiting[pay.ID] = true
			r, ok := p.rows[pay.ID]
			if !ok {
				r = p.newTransferRow(inv, pay)
				p.rows[pay.ID] = r
			}
			p.transfers.Add(r.root)
		}
	}
	for id := range p.rows {
		if !waiting[id] {
			delete(p.rows, id)
		}
	}
	setVisible(p.noneLeft, len(p.rows) == 0)
}

// transferRow is one bank transfer waiting for receipt: what to look for
// on the bank statement, and where to type the reference found there.
type transferRow struct {
	inv     api.Invoice
	pay     api.Payment
	ref     *widget.Entry
	confirm *widget.Button
	root    fyne.CanvasObject
}

func (p *customerPanel) newTransferRow(inv api.Invoice, pay api.Payment) *transferRow {
	r := &transferRow{inv: inv, pay: pay, ref: widget.NewEntry()}
	r.ref.SetPlaceHolder(lang.L("Reference on the bank statement"))
	text := widget.NewLabel(fmt.Sprintf("%s · %s · %s", inv.Number, billing.Format(pay.Amount), pay.NextAction.Instructions.Reference))
	r.confirm = widget.NewButtonWithIcon(lang.L("Confirm receipt"), theme.ConfirmIcon(), func() { p.onConfirm(r) })
	r.ref.OnSubmitted = func(string) { p.onConfirm(r) }
	r.root = container.NewVBox(text, container.NewBorder(nil, nil, nil, r.confirm, r.ref))
	return r
}

func (p *customerPanel) onConfirm(r *transferRow) {
	req := confirmRequest{paymentID: r.pay.ID, reference: strings.TrimSpace(r.ref.Text)}
	key := p.confKey.keyFor(req)
	r.confirm.Disable()
	run(p.env.run, p.env.ctx, TaskConfirm, nil, func(ctx context.Context) (api.Payment, error) {
		return p.staff.StaffConfirmPayment(ctx, key, req.paymentID, api.ConfirmRequest{Reference: req.reference})
	}, func(_ api.Payment, err error) {
		p.confKey.done(key, err)
		r.confirm.Enable()
		if err != nil {
			p.env.showError(lang.L("Could not confirm the transfer"), err)
			return
		}
		p.reload()
	})
}

// onRecord records the adjustment typed in the form. The form is cleared
// once the server booked it, so a second click cannot book it again; until
// then a repeat with the same values is the same action, under the same
// idempotency key.
func (p *customerPanel) onRecord() {
	if p.cu == nil || p.record.Disabled() {
		return
	}
	cu := *p.cu
	m, err := billing.ParseAmount(p.adjAmount.Text, cu.Currency)
	reason := strings.TrimSpace(p.adjReason.Text)
	if err != nil || m.Amount == 0 || len([]rune(reason)) < 3 {
		tell(p.adjResult, lang.L("Enter a non-zero amount and a reason."), widget.DangerImportance)
		return
	}
	req := adjustRequest{customerID: cu.ID, req: api.AdjustmentRequest{Amount: m, Reason: reason}}
	key := p.adjKey.keyFor(req)
	p.record.Disable()
	run(p.env.run, p.env.ctx, TaskAdjust, nil, func(ctx context.Context) (api.LedgerResult, error) {
		return p.staff.StaffAdjust(ctx, key, req.customerID, req.req)
	}, func(res api.LedgerResult, err error) {
		p.adjKey.done(key, err)
		p.record.Enable()
		if err != nil {
			tell(p.adjResult, describe(err), widget.DangerImportance)
			return
		}
		p.onBalance(cu.ID, res.Balance)
		if p.cu == nil || p.cu.ID != cu.ID {
			return // the form belongs to another customer now
		}
		p.adjAmount.SetText("")
		p.adjReason.SetText("")
		p.setCredit(res.Balance)
		tell(p.adjResult, lang.L("Recorded {{.Amount}} for {{.Name}}: “{{.Reason}}”. New balance {{.Balance}}.", map[string]any{
			"Amount": billing.Format(res.Entry.Amount), "Name": cu.Name, "Reason": reason, "Balance": billing.Format(res.Balance)}),
			widget.SuccessImportance)
	})
}

// nonEmpty drops the empty strings of ss.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
