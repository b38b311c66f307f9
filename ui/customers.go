package ui

import (
	"context"
	"iter"
	"strings"
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
	StaffCustomerPage(ctx context.Context, q apiclient.CustomerQuery) (api.CustomerList, error)
	StaffSummary(ctx context.Context, customerID string) (api.Summary, error)
	StaffConfig(ctx context.Context, customerID string) (api.Config, error)
	StaffAllInvoices(ctx context.Context, customerID string, q apiclient.InvoiceQuery) iter.Seq2[api.Invoice, error]
	StaffAddFunds(ctx context.Context, key apiclient.IdempotencyKey, customerID string, req api.AddFundsRequest) (api.Invoice, error)
	StaffAdjust(ctx context.Context, key apiclient.IdempotencyKey, customerID string, req api.AdjustmentRequest) (api.LedgerResult, error)
	StaffApplyCredit(ctx context.Context, key apiclient.IdempotencyKey, customerID, invoiceID string, req api.ApplyCreditRequest) (api.ApplyCreditResult, error)
	StaffConfirmPayment(ctx context.Context, key apiclient.IdempotencyKey, paymentID string, req api.ConfirmRequest) (api.Payment, error)
	StaffDisputes(ctx context.Context, customerID string) (api.DisputePage, error)
	StatementBackend
}

// customersScreen lets staff find a customer, see their account, confirm
// bank transfers that arrived and record adjustments (with a reason the
// customer sees in their ledger).
type customersScreen struct {
	env      *env
	staff    StaffBackend
	pages    *customerPages // the search's customers, a page at a time
	results  *navList
	search   *widget.Entry
	status   *widget.Label
	panel    *customerPanel
	searched bool
	root     fyne.CanvasObject
	typing   *time.Timer // the search waits for a pause in typing
}

// searchPause is how long the search waits after a keystroke: an account
// manager typing a name should cost one request, not one per letter.
const searchPause = 250 * time.Millisecond

func newCustomersScreen(e *env, staff StaffBackend) *customersScreen {
	c := &customersScreen{env: e, staff: staff}
	c.pages = newCustomerPages(e, staff, TaskCustomers, c.onPage)
	c.panel = newCustomerPanel(e, staff, c.onBalance)
	c.build()
	return c
}

func (c *customersScreen) build() {
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder(lang.L("Search by name, e-mail or company"))
	c.search.OnChanged = func(string) { c.onTyped() }
	c.status = widget.NewLabel("")
	c.results = newNavList(func() int { return len(c.pages.items) },
		func() fyne.CanvasObject {
			// The name and address give way to the credit beside them.
			who := widget.NewLabel("Customer name")
			who.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, nil, widget.NewLabel("¥0,000,000"), who)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			cu := c.pages.items[i]
			row.Objects[0].(*widget.Label).SetText(cu.Name + " · " + cu.Email)
			row.Objects[1].(*widget.Label).SetText(billing.Format(cu.AvailableCredit))
			c.pages.seen(i)
		})
	c.results.OnSelected = c.onSelect
	results := container.New(&listRowsLayout{rows: func() int { return len(c.pages.items) }, most: 6}, c.results)
	left := container.NewBorder(container.NewVBox(c.search, c.status), nil, nil, nil, results)
	// Side by side at fixed shares, not a split: its divider moved
	// nothing a user needs, and showed as a stray bar. Stacked, the
	// customer's panel takes the height the list's rows leave.
	c.root = container.New(&columnsLayout{minWidth: 240, weights: []float32{2, 3}, stackWeights: []float32{0, 1}}, left, c.panel.object())
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

func (c *customersScreen) onSelect(i widget.ListItemID) { c.panel.show(c.pages.items[i]) }

// onBalance shows a customer's balance, as an action or a reload of the
// panel learnt it, in their row.
func (c *customersScreen) onBalance(customerID string, balance billing.Money) {
	items := c.pages.items
	for i := range items {
		if items[i].ID == customerID && items[i].AvailableCredit != balance {
			items[i].AvailableCredit = balance
			c.results.RefreshItem(i)
		}
	}
}

// find searches for what is typed now; a search still waiting for a pause
// in the typing would only repeat it.
func (c *customersScreen) find() {
	if c.typing != nil {
		c.typing.Stop()
		c.typing = nil
	}
	c.searched = true
	c.pages.search(strings.TrimSpace(c.search.Text))
}

// onPage shows a page of the search: the first replaces the list (and
// the choice in it), the next ones extend it.
func (c *customersScreen) onPage(first bool, err error) {
	if err != nil {
		c.status.SetText(describe(err))
		return
	}
	c.status.SetText(c.pages.count())
	if first {
		c.results.UnselectAll()
		c.results.ScrollToOffset(0) // not ScrollToTop, which fails on a list never drawn
	}
	c.results.Refresh()
}
