package ui

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// StaffBackend is what account managers' screens need (*apiclient.Client).
type StaffBackend interface {
	StaffCustomers(ctx context.Context, query string) (api.CustomerList, error)
	StaffSummary(ctx context.Context, customerID string) (api.Summary, error)
	StaffAllInvoices(ctx context.Context, customerID string, q apiclient.InvoiceQuery) iter.Seq2[api.Invoice, error]
	StaffAdjust(ctx context.Context, key apiclient.IdempotencyKey, customerID string, req api.AdjustmentRequest) (api.LedgerResult, error)
	StaffConfirmPayment(ctx context.Context, key apiclient.IdempotencyKey, paymentID string, req api.ConfirmRequest) (api.Payment, error)
}

// customersScreen lets staff find a customer, see their account, confirm
// bank transfers that arrived and record adjustments (with a reason the
// customer sees in their ledger).
type customersScreen struct {
	env      *env
	staff    StaffBackend
	list     []api.Customer
	results  *navList
	search   *widget.Entry
	status   *widget.Label
	detail   *fyne.Container
	selected *api.Customer
	searched bool
	gen      atomic.Uint64
	detGen   atomic.Uint64
	adjKey   actionKey[adjustRequest]
	confKey  actionKey[confirmRequest]
	root     fyne.CanvasObject
	typing   *time.Timer // the search waits for a pause in typing
}

// adjustRequest and confirmRequest identify a staff action: the same
// values repeat it (with the same idempotency key), others start anew.
type adjustRequest struct {
	customerID string
	req        api.AdjustmentRequest
}

type confirmRequest struct{ paymentID, reference string }

// searchPause is how long the search waits after a keystroke: an account
// manager typing a name should cost one request, not one per letter.
const searchPause = 250 * time.Millisecond

func newCustomersScreen(e *env, staff StaffBackend) *customersScreen {
	c := &customersScreen{env: e, staff: staff}
	c.build()
	return c
}

func (c *customersScreen) build() {
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder(lang.L("Search by name, e-mail or company"))
	c.search.OnChanged = func(string) { c.onTyped() }
	c.status = widget.NewLabel("")
	c.results = newNavList(func() int { return len(c.list) },
		func() fyne.CanvasObject {
			// The name and address give way to the credit beside them.
			who := widget.NewLabel("Customer name")
			who.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, nil, widget.NewLabel("¥0,000,000"), who)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			cu := c.list[i]
			row.Objects[0].(*widget.Label).SetText(cu.Name + " · " + cu.Email)
			row.Objects[1].(*widget.Label).SetText(billing.Format(cu.AvailableCredit))
		})
	c.results.OnSelected = c.onSelect
	c.detail = container.NewStack(widget.NewLabel(lang.L("Choose a customer.")))
	left := container.NewBorder(container.NewVBox(c.search, c.status), nil, nil, nil, c.results)
	// Side by side at fixed shares, not a split: its divider moved
	// nothing a user needs, and showed as a stray bar.
	c.root = container.New(&columnsLayout{minWidth: 240, weights: []float32{2, 3}}, left, c.detail)
}

func (c *customersScreen) object() fyne.CanvasObject { return c.root }

func (c *customersScreen) focusTarget() fyne.Focusable { return c.search }

// refresh lists the customers the first time the screen is shown.
func (c *customersScreen) refresh() {
	if !c.searched {
		c.find()
	}
}

// onTyped searches once the typing pauses.
func (c *customersScreen) onTyped() {
	if c.typing != nil {
		c.typing.Stop()
	}
	var pause *time.Timer
	pause = time.AfterFunc(searchPause, func() {
		c.env.run.do(func() {
			// A timer that fired while a keystroke was replacing it is
			// stale; and nothing runs after the window closed.
			if c.typing == pause && c.env.ctx.Err() == nil {
				c.find()
			}
		})
	})
	c.typing = pause
}

func (c *customersScreen) onSelect(i widget.ListItemID) {
	cu := c.list[i]
	c.selected = &cu
	c.loadDetail()
}

func (c *customersScreen) find() {
	c.searched = true
	q := strings.TrimSpace(c.search.Text)
	run(c.env.run, c.env.ctx, TaskCustomers, &c.gen, func(ctx context.Context) (api.CustomerList, error) {
		return c.staff.StaffCustomers(ctx, q)
	}, func(l api.CustomerList, err error) {
		if err != nil {
			c.status.SetText(describe(err))
			return
		}
		c.list = l.Items
		c.status.SetText(lang.N("{{.Count}} customers", len(l.Items), map[string]any{"Count": len(l.Items)}))
		c.results.UnselectAll()
		c.results.Refresh()
	})
}

type customerDetail struct {
	summary  api.Summary
	invoices []api.Invoice
}

func (c *customersScreen) loadDetail() {
	cu := *c.selected
	run(c.env.run, c.env.ctx, TaskCustomer, &c.detGen, func(ctx context.Context) (customerDetail, error) {
		var d customerDetail
		var err error
		if d.summary, err = c.staff.StaffSummary(ctx, cu.ID); err != nil {
			return d, err
		}
		for inv, err := range c.staff.StaffAllInvoices(ctx, cu.ID, apiclient.InvoiceQuery{Status: billing.InvoiceUnpaid, Limit: 100}) {
			if err != nil {
				return d, err
			}
			d.invoices = append(d.invoices, inv)
		}
		return d, nil
	}, func(d customerDetail, err error) {
		if err != nil {
			c.detail.Objects = []fyne.CanvasObject{widget.NewLabel(describe(err))}
			c.detail.Refresh()
			return
		}
		c.showDetail(cu, d)
	})
}

func (c *customersScreen) showDetail(cu api.Customer, d customerDetail) {
	info := widget.NewForm(
		widget.NewFormItem(lang.L("Customer"), widget.NewLabel(cu.Name+"\n"+cu.Company+"\n"+cu.Email)),
		widget.NewFormItem(lang.L("Available Credit"), widget.NewLabelWithStyle(billing.Format(d.summary.AvailableCredit), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		widget.NewFormItem(lang.L("Unpaid"), widget.NewLabel(lang.N("{{.Count}} invoices, {{.Total}} ({{.Overdue}} overdue)", d.summary.UnpaidCount,
			map[string]any{"Count": d.summary.UnpaidCount, "Total": billing.Format(d.summary.UnpaidTotal), "Overdue": d.summary.OverdueCount}))),
	)
	box := container.NewVBox(widget.NewCard(cu.Name, "", info))
	transfers := container.NewVBox()
	for _, inv := range d.invoices {
		for _, p := range inv.Payments {
			if p.NextAction.Instructions != nil {
				transfers.Add(c.transferRow(inv, p))
			}
		}
	}
	if len(transfers.Objects) == 0 {
		transfers.Add(widget.NewLabel(lang.L("No bank transfers are waiting.")))
	}
	box.Add(widget.NewCard(lang.L("Bank transfers waiting for receipt"), "", transfers))
	box.Add(c.adjustCard(cu))
	c.detail.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(box))}
	c.detail.Refresh()
}

func (c *customersScreen) transferRow(inv api.Invoice, p api.Payment) fyne.CanvasObject {
	ref := widget.NewEntry()
	ref.SetPlaceHolder(lang.L("Reference on the bank statement"))
	text := widget.NewLabel(fmt.Sprintf("%s · %s · %s", inv.Number, billing.Format(p.Amount), p.NextAction.Instructions.Reference))
	confirm := newButton(lang.L("Confirm receipt"), theme.ConfirmIcon(), nil)
	confirm.OnTapped = func() { c.onConfirm(confirmRequest{paymentID: p.ID, reference: strings.TrimSpace(ref.Text)}, confirm) }
	return container.NewVBox(text, container.NewBorder(nil, nil, nil, confirm, ref))
}

func (c *customersScreen) onConfirm(req confirmRequest, button *button) {
	key := c.confKey.keyFor(req)
	button.Disable()
	run(c.env.run, c.env.ctx, TaskConfirm, nil, func(ctx context.Context) (api.Payment, error) {
		return c.staff.StaffConfirmPayment(ctx, key, req.paymentID, api.ConfirmRequest{Reference: req.reference})
	}, func(_ api.Payment, err error) {
		c.confKey.done(key, err)
		button.Enable()
		if err != nil {
			c.env.showError(lang.L("Could not confirm the transfer"), err)
			return
		}
		c.loadDetail()
		c.find()
	})
}

func (c *customersScreen) adjustCard(cu api.Customer) fyne.CanvasObject {
	amount := widget.NewEntry()
	amount.SetPlaceHolder(lang.L("Amount (negative to deduct)"))
	reason := widget.NewEntry()
	reason.SetPlaceHolder(lang.L("Reason (the customer sees it)"))
	result := newWrapped("")
	save := newButton(lang.L("Record adjustment"), nil, nil)
	save.OnTapped = func() {
		m, err := billing.ParseAmount(amount.Text, cu.Currency)
		if err != nil || m.Amount == 0 || len(strings.TrimSpace(reason.Text)) < 3 {
			result.SetText(lang.L("Enter a non-zero amount and a reason."))
			return
		}
		c.onAdjust(adjustRequest{customerID: cu.ID, req: api.AdjustmentRequest{Amount: m, Reason: strings.TrimSpace(reason.Text)}}, save, result)
	}
	return widget.NewCard(lang.L("Adjustment"), "", container.NewVBox(
		newWrapped(lang.L("Corrections are new ledger entries; nothing is edited.")), amount, reason, container.NewHBox(save), result))
}

func (c *customersScreen) onAdjust(req adjustRequest, button *button, result *wrapLabel) {
	key := c.adjKey.keyFor(req)
	button.Disable()
	run(c.env.run, c.env.ctx, TaskAdjust, nil, func(ctx context.Context) (api.LedgerResult, error) {
		return c.staff.StaffAdjust(ctx, key, req.customerID, req.req)
	}, func(res api.LedgerResult, err error) {
		c.adjKey.done(key, err)
		button.Enable()
		if err != nil {
			result.SetText(describe(err))
			return
		}
		result.SetText(lang.L("Recorded. New balance {{.Balance}}.", map[string]any{"Balance": billing.Format(res.Balance)}))
		c.find()
	})
}
