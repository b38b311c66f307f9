package ui

import (
	"context"
	"iter"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// StaffBackend is what account managers' screens need (*apiclient.Client).
type StaffBackend interface {
	StaffCustomers(ctx context.Context, query string) (api.CustomerList, error)
	StaffSummary(ctx context.Context, customerID string) (api.Summary, error)
	StaffConfig(ctx context.Context, customerID string) (api.Config, error)
	StaffAllInvoices(ctx context.Context, customerID string, q apiclient.InvoiceQuery) iter.Seq2[api.Invoice, error]
	StaffAddFunds(ctx context.Context, key apiclient.IdempotencyKey, customerID string, req api.AddFundsRequest) (api.Invoice, error)
	StaffAdjust(ctx context.Context, key apiclient.IdempotencyKey, customerID string, req api.AdjustmentRequest) (api.LedgerResult, error)
	StaffApplyCredit(ctx context.Context, key apiclient.IdempotencyKey, customerID, invoiceID string, req api.ApplyCreditRequest) (api.ApplyCreditResult, error)
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
	panel    *customerPanel
	searched bool
	gen      atomic.Uint64
	root     fyne.CanvasObject
	typing   *time.Timer // the search waits for a pause in typing
}

// searchPause is how long the search waits after a keystroke: an account
// manager typing a name should cost one request, not one per letter.
const searchPause = 250 * time.Millisecond

func newCustomersScreen(e *env, staff StaffBackend) *customersScreen {
	c := &customersScreen{env: e, staff: staff}
	c.panel = newCustomerPanel(e, staff, c.onBalance)
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
			return container.NewBorder(nil, nil, nil, widget.NewLabel("¥0,000,000"), widget.NewLabel("Customer name"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			cu := c.list[i]
			row.Objects[0].(*widget.Label).SetText(cu.Name + " · " + cu.Email)
			row.Objects[1].(*widget.Label).SetText(billing.Format(cu.AvailableCredit))
		})
	c.results.OnSelected = c.onSelect
	left := container.NewBorder(container.NewVBox(c.search, c.status), nil, nil, nil, c.results)
	split := container.NewHSplit(left, c.panel.object())
	split.Offset = 0.4
	c.root = split
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

func (c *customersScreen) onSelect(i widget.ListItemID) { c.panel.show(c.list[i]) }

// onBalance shows a customer's balance, as an action or a reload of the
// panel learnt it, in their row.
func (c *customersScreen) onBalance(customerID string, balance billing.Money) {
	for i := range c.list {
		if c.list[i].ID == customerID && c.list[i].AvailableCredit != balance {
			c.list[i].AvailableCredit = balance
			c.results.RefreshItem(i)
		}
	}
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
		c.status.SetText(lang.L("{{.Count}} customers", map[string]any{"Count": len(l.Items)}))
		c.results.UnselectAll()
		c.results.Refresh()
	})
}
