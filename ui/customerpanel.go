package ui

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
// actions staff take for the customer (add funds, an adjustment, and on an
// opened invoice, Apply Credit). Its widgets are built once; another
// customer, or a reload after an action, only changes their values. Every
// action that moves money asks first, naming the customer.
type customerPanel struct {
	env   *env
	staff StaffBackend
	// onBalance tells the customer list a customer's current balance.
	onBalance func(customerID string, balance billing.Money)

	disputes     *fyne.Container
	disputesCard *widget.Card

	cu     *api.Customer // nil until one is chosen
	detail customerDetail
	loaded bool // detail is the chosen customer's
	gen    atomic.Uint64

	adjKey   actionKey[adjustRequest]
	confKey  actionKey[confirmRequest]
	fundsKey actionKey[fundsRequest]

	root          *fyne.Container // the hint, the customer's account, or an invoice
	hint          *widget.Label
	account       fyne.CanvasObject
	invoice       *staffInvoice
	card          *widget.Card
	who           *widget.Label
	credit        *widget.Label
	unpaid        *widget.Label
	status        *wrapLabel
	invoices      *columnTable
	invoiceTitles []string
	tableBox      *fyne.Container // the table in a height of a few rows
	tableRows     *canvas.Rectangle
	noUnpaid      *widget.Label
	transfers     *fyne.Container
	noneLeft      *widget.Label
	rows          map[string]*transferRow // by payment id
	confirmed     *wrapLabel

	fundsAmount  *widget.Entry
	fundsGateway *widget.Select
	fundsLimits  *wrapLabel
	addFunds     *button
	fundsResult  *wrapLabel

	adjAmount, adjReason *widget.Entry
	record               *button
	adjResult            *wrapLabel
}

// adjustRequest, confirmRequest and fundsRequest identify a staff action:
// the same values repeat it (with the same idempotency key), others start
// anew.
type adjustRequest struct {
	customerID string
	req        api.AdjustmentRequest
}

type confirmRequest struct{ paymentID, reference string }

type fundsRequest struct {
	customerID string
	req        api.AddFundsRequest
}

type customerDetail struct {
	summary  api.Summary
	config   api.Config
	invoices []api.Invoice // unpaid, as the server lists them
	disputes []api.Dispute
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
	p.status = newResultLabel()
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

	p.disputes = container.NewVBox()
	p.disputesCard = widget.NewCard(lang.L("Card disputes"), "", p.disputes)
	p.disputesCard.Hide()
	p.account = container.NewVScroll(container.NewPadded(container.NewVBox(p.card, p.buildInvoices(), transfers,
		p.disputesCard, p.buildAddFunds(), p.buildAdjust())))
	p.account.Hide()
	p.invoice = newStaffInvoice(p)
	p.invoice.root.Hide()
	p.root = container.NewStack(p.hint, p.account, p.invoice.root)
}

// invoiceCell is the text of a cell of the unpaid invoices table.
func (p *customerPanel) invoiceCell(row, col int) string {
	inv := p.detail.invoices[row]
	switch col {
	case unpaidNumber:
		return inv.Number
	case unpaidDue:
		return fmtDate(inv.DueAt)
	case unpaidAmount:
		return billing.Format(inv.BalanceDue)
	}
	text, _ := statusBadge(inv.Status, inv.Overdue)
	return text
}

// Columns of the unpaid invoices table.
const (
	unpaidNumber = iota
	unpaidDue
	unpaidAmount
	unpaidStatus
	unpaidCount
)

// buildInvoices is the customer's unpaid invoices: a virtualized table;
// choosing one opens it.
func (p *customerPanel) buildInvoices() fyne.CanvasObject {
	p.invoiceTitles = []string{lang.L("Number"), lang.L("Due"), lang.L("Balance due"), lang.L("Status")}
	p.invoices = newColumnTable(p.env.app.Preferences(), "", p.invoiceTitles, unpaidStatus,
		func() int { return len(p.detail.invoices) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			inv := p.detail.invoices[id.Row]
			l.Text = p.invoiceCell(id.Row, id.Col)
			l.Alignment, l.Importance, l.TextStyle.Bold = fyne.TextAlignLeading, widget.MediumImportance, false
			l.Truncation = fyne.TextTruncateEllipsis
			switch id.Col {
			case unpaidAmount:
				l.Alignment = fyne.TextAlignTrailing
			case unpaidStatus:
				_, l.Importance = statusBadge(inv.Status, inv.Overdue)
				l.TextStyle.Bold = inv.Overdue
			}
			l.Refresh()
		})
	p.invoices.OnSelected = func(id widget.TableCellID) {
		p.invoices.UnselectAll()
		if id.Row >= 0 && id.Row < len(p.detail.invoices) {
			p.openInvoice(p.detail.invoices[id.Row])
		}
	}
	p.noUnpaid = widget.NewLabel(lang.L("No unpaid invoices."))
	// The table scrolls inside a height of at most six rows; its width
	// follows the panel.
	p.tableRows = canvas.NewRectangle(color.Transparent)
	p.tableBox = container.NewStack(p.tableRows, p.invoices)
	return widget.NewCard(lang.L("Unpaid invoices"), lang.L("Choose one to open it."), container.NewVBox(p.noUnpaid, p.tableBox))
}

func (p *customerPanel) buildAddFunds() fyne.CanvasObject {
	p.fundsAmount = widget.NewEntry()
	p.fundsAmount.SetPlaceHolder(lang.L("Amount"))
	p.fundsAmount.OnSubmitted = func(string) { p.onAddFunds() }
	p.fundsGateway = widget.NewSelect(nil, nil)
	p.fundsLimits = newWrapped("")
	p.fundsLimits.Importance = widget.LowImportance
	p.fundsResult = newResultLabel()
	p.addFunds = newButton(lang.L("Add funds…"), theme.ContentAddIcon(), p.onAddFunds)
	return widget.NewCard(lang.L("Add funds for the customer"),
		lang.L("Creates an add-funds invoice in the customer's account, which they pay as their own."),
		container.NewVBox(p.fundsAmount, container.NewBorder(nil, nil, widget.NewLabel(lang.L("Gateway")), nil, p.fundsGateway),
			p.fundsLimits, container.NewHBox(p.addFunds), p.fundsResult))
}

func (p *customerPanel) buildAdjust() fyne.CanvasObject {
	p.adjAmount = widget.NewEntry()
	p.adjAmount.SetPlaceHolder(lang.L("Amount (negative to deduct)"))
	p.adjReason = widget.NewEntry()
	p.adjReason.SetPlaceHolder(lang.L("Reason (the customer sees it)"))
	p.adjReason.OnSubmitted = func(string) { p.onRecord() }
	p.adjResult = newResultLabel()
	p.record = newButton(lang.L("Record adjustment"), nil, p.onRecord)
	return widget.NewCard(lang.L("Adjustment"), "", container.NewVBox(
		newWrapped(lang.L("Corrections are new ledger entries; nothing is edited.")), p.adjAmount, p.adjReason, container.NewHBox(p.record), p.adjResult))
}

// newResultLabel is a wrapping label for what an action did, hidden until
// there is something to say.
func newResultLabel() *wrapLabel {
	l := newWrapped("")
	l.Hide()
	return l
}

// tell shows text on a result label, in the look of its importance.
func tell(l *wrapLabel, text string, imp widget.Importance) {
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
		for _, e := range []*widget.Entry{p.adjAmount, p.adjReason, p.fundsAmount} {
			e.SetText("")
		}
		for _, l := range []*wrapLabel{p.adjResult, p.fundsResult, p.confirmed} {
			l.Hide()
		}
		p.detail, p.loaded = customerDetail{}, false
		clear(p.rows)
		p.transfers.RemoveAll()
		p.invoices.Refresh()
	}
	p.cu = &cu
	p.card.SetTitle(cu.Name)
	p.who.SetText(strings.Join(nonEmpty(cu.Name, cu.Company, cu.Email), "\n"))
	p.setCredit(cu.AvailableCredit)
	if !p.loaded {
		p.unpaid.SetText(lang.L("Loading…"))
	}
	p.status.Hide()
	p.showAccount()
	p.reload()
}

// showAccount shows the customer's account (closing an open invoice).
func (p *customerPanel) showAccount() {
	p.invoice.close()
	p.hint.Hide()
	p.invoice.root.Hide()
	p.account.Show()
}

// openInvoice shows one of the customer's invoices over their account.
func (p *customerPanel) openInvoice(inv api.Invoice) {
	p.invoice.open(inv)
	p.account.Hide()
	p.invoice.root.Show()
}

// reload fetches the chosen customer's summary, configuration and unpaid
// invoices again.
func (p *customerPanel) reload() {
	cu := *p.cu
	run(p.env.run, p.env.ctx, TaskCustomer, &p.gen, func(ctx context.Context) (customerDetail, error) {
		var d customerDetail
		var err error
		if d.summary, err = p.staff.StaffSummary(ctx, cu.ID); err != nil {
			return d, err
		}
		if d.config, err = p.staff.StaffConfig(ctx, cu.ID); err != nil {
			return d, err
		}
		disputes, err := p.staff.StaffDisputes(ctx, cu.ID)
		if err != nil {
			return d, err
		}
		d.disputes = disputes.Items
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
		p.detail, p.loaded = d, true
		p.update()
		p.onBalance(cu.ID, d.summary.AvailableCredit)
	})
}

// update shows the loaded account in the widgets.
func (p *customerPanel) update() {
	s := p.detail.summary
	p.setCredit(s.AvailableCredit)
	p.unpaid.SetText(lang.N("{{.Count}} invoices, {{.Total}} ({{.Overdue}} overdue)", s.UnpaidCount,
		map[string]any{"Count": s.UnpaidCount, "Total": billing.Format(s.UnpaidTotal), "Overdue": s.OverdueCount}))
	n := len(p.detail.invoices)
	setVisible(p.noUnpaid, n == 0)
	setVisible(p.tableBox, n > 0)
	p.tableRows.SetMinSize(fyne.NewSize(0, float32(min(n, 6)+1)*38+8))
	p.invoices.setContent(p.invoiceTitles, n, p.invoiceCell)
	p.invoices.Refresh()
	p.updateTransfers()
	p.updateDisputes()
	p.updateAddFunds()
	p.invoice.update()
}

// updateDisputes lists the customer's card disputes: what the bank took
// back, how much unspent credit was reversed, and what is left for staff
// to settle because the customer had spent it.
func (p *customerPanel) updateDisputes() {
	p.disputes.RemoveAll()
	for _, d := range p.detail.disputes {
		text := lang.L("{{.Date}} · {{.Invoice}} · {{.Amount}} disputed by the bank ({{.Reason}}); {{.Reversed}} of unspent credit reversed.",
			map[string]any{"Date": fmtDate(d.CreatedAt), "Invoice": d.InvoiceNumber, "Amount": billing.Format(d.Amount), "Reason": d.Reason,
				"Reversed": billing.Format(d.Reversed)})
		if d.Unrecovered.Amount > 0 {
			text += " " + lang.L("{{.Amount}} was spent already: settle it with the customer.", map[string]any{"Amount": billing.Format(d.Unrecovered)})
		}
		p.disputes.Add(newWrapped(text))
	}
	setVisible(p.disputesCard, len(p.detail.disputes) > 0)
}

func (p *customerPanel) setCredit(m billing.Money) {
	p.credit.SetText(billing.Format(m))
	if p.loaded {
		p.detail.summary.AvailableCredit = m
	}
}

// updateAddFunds offers the customer's gateways and says their limits.
func (p *customerPanel) updateAddFunds() {
	c := p.detail.config
	var names []string
	for _, g := range c.Gateways {
		names = append(names, g.Name)
	}
	if !slices.Equal(p.fundsGateway.Options, names) {
		p.fundsGateway.SetOptions(names)
	}
	if !slices.Contains(names, p.fundsGateway.Selected) && len(names) > 0 {
		p.fundsGateway.SetSelected(names[0])
	}
	p.fundsLimits.SetText(lang.L("From {{.Min}} to {{.Max}}; their credit may not exceed {{.Balance}}.", map[string]any{
		"Min": billing.Format(c.MinDeposit), "Max": billing.Format(c.MaxDeposit), "Balance": billing.Format(c.MaxBalance)}))
}

// gateway is the customer's gateway with the given display name.
func (p *customerPanel) gateway(name string) (api.Gateway, bool) {
	i := slices.IndexFunc(p.detail.config.Gateways, func(g api.Gateway) bool { return g.Name == name })
	if i < 0 {
		return api.Gateway{}, false
	}
	return p.detail.config.Gateways[i], true
}

// ask shows a confirmation naming what is about to happen; act runs when
// the staff member confirms.
func (p *customerPanel) ask(title, message, confirm string, act func()) {
	newConfirmDialog(title, message, confirm, lang.L("Cancel"), func(ok bool) {
		if ok {
			act()
		}
	}, p.env.win).Show()
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
	confirm *button
	root    fyne.CanvasObject
}

func (p *customerPanel) newTransferRow(inv api.Invoice, pay api.Payment) *transferRow {
	r := &transferRow{inv: inv, pay: pay, ref: widget.NewEntry()}
	r.ref.SetPlaceHolder(lang.L("Reference on the bank statement"))
	text := widget.NewLabel(fmt.Sprintf("%s · %s · %s", inv.Number, billing.Format(pay.Amount), pay.NextAction.Instructions.Reference))
	r.confirm = newButton(lang.L("Confirm receipt"), theme.ConfirmIcon(), func() { p.onConfirm(r) })
	r.ref.OnSubmitted = func(string) { p.onConfirm(r) }
	r.root = container.NewVBox(text, container.NewBorder(nil, nil, nil, r.confirm, r.ref))
	return r
}

// onConfirm asks, naming the customer and the amount, before recording
// that a bank transfer arrived.
func (p *customerPanel) onConfirm(r *transferRow) {
	if p.cu == nil || r.confirm.Disabled() {
		return
	}
	cu := *p.cu
	req := confirmRequest{paymentID: r.pay.ID, reference: strings.TrimSpace(r.ref.Text)}
	if req.reference == "" {
		tell(p.confirmed, lang.L("Type the reference as it appears on the bank statement."), widget.DangerImportance)
		return
	}
	words := map[string]any{"Amount": billing.Format(r.pay.Amount), "Name": cu.Name, "Email": cu.Email,
		"Number": r.inv.Number, "Reference": req.reference}
	p.ask(lang.L("Confirm the transfer from {{.Name}}?", words),
		lang.L("{{.Amount}} from {{.Name}} ({{.Email}}) for invoice {{.Number}}, with the reference {{.Reference}} on the bank statement.", words),
		lang.L("Confirm receipt"), func() { p.confirmTransfer(cu, r, req) })
}

func (p *customerPanel) confirmTransfer(cu api.Customer, r *transferRow, req confirmRequest) {
	staffAction(p, TaskConfirm, &p.confKey, req, cu, r.confirm, p.confirmed, func(ctx context.Context, key apiclient.IdempotencyKey) (api.Payment, error) {
		return p.staff.StaffConfirmPayment(ctx, key, req.paymentID, api.ConfirmRequest{Reference: req.reference})
	}, func(pay api.Payment) {
		words := map[string]any{"Amount": billing.Format(pay.Amount), "Name": cu.Name, "Number": r.inv.Number}
		text := lang.L("{{.Amount}} received from {{.Name}}: invoice {{.Number}} is paid.", words)
		if r.inv.Kind == billing.KindAddFunds {
			text = lang.L("{{.Amount}} credited to {{.Name}}'s account: invoice {{.Number}} is paid.", words)
		}
		tell(p.confirmed, text, widget.SuccessImportance)
		p.reload()
	})
}

// onAddFunds asks, naming the customer, before creating an add-funds
// invoice in their account.
func (p *customerPanel) onAddFunds() {
	if p.cu == nil || !p.loaded || p.addFunds.Disabled() {
		return
	}
	cu, c := *p.cu, p.detail.config
	m, err := billing.ParseAmount(p.fundsAmount.Text, c.Currency)
	g, ok := p.gateway(p.fundsGateway.Selected)
	if err != nil || m.Amount <= 0 || !ok {
		tell(p.fundsResult, lang.L("Enter an amount such as {{.Example}} and choose a gateway.",
			map[string]any{"Example": billing.FormatPlain(c.MinDeposit)}), widget.DangerImportance)
		return
	}
	req := fundsRequest{customerID: cu.ID, req: api.AddFundsRequest{Amount: m, Gateway: g.ID, PolicyVersion: c.CreditPolicy.Version}}
	words := map[string]any{"Amount": billing.Format(m), "Name": cu.Name, "Email": cu.Email, "Gateway": g.Name}
	p.ask(lang.L("Add funds for {{.Name}}?", words),
		lang.L("An add-funds invoice of {{.Amount}} ({{.Gateway}}) will be created in the account of {{.Name}} ({{.Email}}). The credit is added once they pay it.", words),
		lang.L("Create the invoice"), func() { p.createFunds(cu, g, req) })
}

func (p *customerPanel) createFunds(cu api.Customer, g api.Gateway, req fundsRequest) {
	staffAction(p, TaskStaffFunds, &p.fundsKey, req, cu, p.addFunds, p.fundsResult, func(ctx context.Context, key apiclient.IdempotencyKey) (api.Invoice, error) {
		return p.staff.StaffAddFunds(ctx, key, req.customerID, req.req)
	}, func(inv api.Invoice) {
		if p.cu == nil || p.cu.ID != cu.ID {
			return
		}
		p.fundsAmount.SetText("")
		tell(p.fundsResult, lang.L("Invoice {{.Number}} of {{.Amount}} created for {{.Name}}; it waits for payment ({{.Gateway}}).",
			map[string]any{"Number": inv.Number, "Amount": billing.Format(inv.Total), "Name": cu.Name, "Gateway": g.Name}), widget.SuccessImportance)
		p.reload()
	})
}

// onRecord asks, naming the customer, the amount and the reason, before
// recording the adjustment typed in the form. The form is cleared once the
// server booked it, so a second click cannot book it again; until then a
// repeat with the same values is the same action, under the same
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
	words := map[string]any{"Amount": billing.Format(m), "Name": cu.Name, "Email": cu.Email, "Reason": reason}
	message := lang.L("{{.Amount}} will be added to the credit of {{.Name}} ({{.Email}}), with the reason “{{.Reason}}”, which they see in their transactions.", words)
	if m.Amount < 0 {
		words["Amount"] = billing.Format(m.Neg())
		message = lang.L("{{.Amount}} will be deducted from the credit of {{.Name}} ({{.Email}}), with the reason “{{.Reason}}”, which they see in their transactions.", words)
	}
	if after, err := p.detail.summary.AvailableCredit.Add(m); p.loaded && err == nil {
		if after.Amount < 0 { // the server refuses it: no need to ask
			tell(p.adjResult, customerMessage(api.CodeInsufficientCredit, cu.Name), widget.DangerImportance)
			return
		}
		message += "\n" + lang.L("Their credit becomes {{.Balance}}.", map[string]any{"Balance": billing.Format(after)})
	}
	req := adjustRequest{customerID: cu.ID, req: api.AdjustmentRequest{Amount: m, Reason: reason}}
	p.ask(lang.L("Record an adjustment for {{.Name}}?", words), message, lang.L("Record adjustment"),
		func() { p.recordAdjustment(cu, req) })
}

func (p *customerPanel) recordAdjustment(cu api.Customer, req adjustRequest) {
	reason := req.req.Reason
	staffAction(p, TaskAdjust, &p.adjKey, req, cu, p.record, p.adjResult, func(ctx context.Context, key apiclient.IdempotencyKey) (api.LedgerResult, error) {
		return p.staff.StaffAdjust(ctx, key, req.customerID, req.req)
	}, func(res api.LedgerResult) {
		p.onBalance(cu.ID, res.Balance)
		if p.cu == nil || p.cu.ID != cu.ID {
			return // the form belongs to another customer now
		}
		p.adjAmount.SetText("")
		p.adjReason.SetText("")
		p.setCredit(res.Balance)
		p.invoice.update()
		tell(p.adjResult, lang.L("Recorded {{.Amount}} for {{.Name}}: “{{.Reason}}”. New balance {{.Balance}}.", map[string]any{
			"Amount": billing.Format(res.Entry.Amount), "Name": cu.Name, "Reason": reason, "Balance": billing.Format(res.Balance)}),
			widget.SuccessImportance)
	})
}

// staffAction sends one money-moving request of staff for the customer
// cu: under the idempotency key that k keeps for req (so a repeat of the
// same action books nothing more), with button disabled until the answer.
// A failure is said on result, naming the customer; ok gets a success.
func staffAction[R comparable, T any](p *customerPanel, task Task, k *actionKey[R], req R, cu api.Customer, button *button,
	result *wrapLabel, send func(context.Context, apiclient.IdempotencyKey) (T, error), ok func(T)) {
	key := k.keyFor(req)
	button.Disable()
	run(p.env.run, p.env.ctx, task, nil, func(ctx context.Context) (T, error) {
		return send(ctx, key)
	}, func(res T, err error) {
		k.done(key, err)
		button.Enable()
		if err != nil {
			tell(result, describeFor(err, cu.Name), widget.DangerImportance)
			return
		}
		ok(res)
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
