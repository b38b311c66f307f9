package ui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2/lang"

	"billfold/api"
	"billfold/apiclient"
)

// customerPageSize is how many customers one request fetches.
const customerPageSize = 50

// customerPages is a staff search of customers as the server pages it: the
// customers loaded so far, and the next page, fetched when the list shows
// one of its last rows — a provider with 100,000 customers costs a page
// at a time, not one request for all. The Customers screen and the
// archive's customer chooser both list through it.
type customerPages struct {
	env   *env
	staff StaffBackend
	task  Task
	// onPage is told after each page arrived (first: the search's first
	// page, which replaced the list) or failed, on the UI goroutine.
	onPage func(first bool, err error)

	query   string
	items   []api.Customer
	next    string // the next page's cursor; "" once all are loaded
	loading bool
	gen     atomic.Uint64 // a new search supersedes the pages of the last
}

func newCustomerPages(e *env, staff StaffBackend, task Task, onPage func(first bool, err error)) *customerPages {
	return &customerPages{env: e, staff: staff, task: task, onPage: onPage}
}

// search starts a search for q: its first page replaces the list.
func (c *customerPages) search(q string) {
	c.query, c.next = q, ""
	c.fetch(true)
}

// seen is told that row i is shown: near the end of what is loaded, the
// next page is fetched.
func (c *customerPages) seen(i int) {
	if i >= len(c.items)-customerPageSize/5 && c.next != "" && !c.loading {
		c.fetch(false)
	}
}

func (c *customerPages) fetch(first bool) {
	c.loading = true
	q := apiclient.CustomerQuery{Text: c.query, Cursor: c.next, Limit: customerPageSize}
	run(c.env.run, c.env.ctx, c.task, &c.gen, func(ctx context.Context) (api.CustomerList, error) {
		return c.staff.StaffCustomerPage(ctx, q)
	}, func(page api.CustomerList, err error) {
		c.loading = false
		if err == nil {
			if first {
				c.items = nil
			}
			c.items = append(c.items, page.Items...)
			c.next = page.NextCursor
		}
		c.onPage(first, err)
	})
}

// count says how many customers are listed, and whether more follow.
func (c *customerPages) count() string {
	if c.next != "" {
		return lang.L("{{.Count}} customers so far; scroll for more", map[string]any{"Count": len(c.items)})
	}
	return lang.N("{{.Count}} customers", len(c.items), map[string]any{"Count": len(c.items)})
}
