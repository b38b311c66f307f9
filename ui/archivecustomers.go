package ui

import (
	"encoding/json"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/billing"
)

// archivedCustomer is a customer a staff member chose to archive, as kept
// in the preferences: the id for the sync, the name for the screen.
type archivedCustomer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// customerLabel names a customer on the screen: company, else name.
func customerLabel(c api.Customer) string {
	if c.Company != "" {
		return c.Company
	}
	if c.Name != "" {
		return c.Name
	}
	return c.Email
}

// chosenCustomers is a staff member's archive scope: the customers they
// chose (kept in the preferences per account), a row that names them with
// Choose customers…, and the currency to search totals in.
type chosenCustomers struct {
	env   *env
	staff StaffBackend
	label *widget.Label
	cur   *widget.Select
}

func newChosenCustomers(e *env, staff StaffBackend) *chosenCustomers {
	c := &chosenCustomers{env: e, staff: staff}
	c.label = widget.NewLabel(chosenText(c.chosen()))
	c.label.Truncation = fyne.TextTruncateEllipsis
	options := []string{lang.L("All")}
	for _, cur := range billing.Currencies {
		options = append(options, string(cur))
	}
	c.cur = widget.NewSelect(options, func(string) {})
	c.cur.SetSelectedIndex(0)
	return c
}

func (c *chosenCustomers) controls() []fyne.CanvasObject {
	choose := newButton(lang.L("Choose customers…"), theme.AccountIcon(), c.onChoose)
	return []fyne.CanvasObject{container.NewBorder(nil, nil, nil, choose, c.label)}
}

// fields: customers' invoices come in several currencies.
func (c *chosenCustomers) fields() []fyne.CanvasObject {
	return []fyne.CanvasObject{labeled(lang.L("Currency"), c.cur)}
}

func (c *chosenCustomers) customers() ([]string, bool) {
	var ids []string
	for _, a := range c.chosen() {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		c.onChoose()
		return nil, false
	}
	return ids, true
}

func (c *chosenCustomers) currency() (billing.Currency, bool) {
	if i := c.cur.SelectedIndex(); i > 0 {
		return billing.Currencies[i-1], true
	}
	return "", false
}

// onChoose lets staff pick the customers the archive keeps.
func (c *chosenCustomers) onChoose() {
	newCustomerChooser(c.env, c.staff, c.chosen()).show(func(list []archivedCustomer) {
		c.setChosen(list)
		c.label.SetText(chosenText(list))
	})
}

// key is the preference holding the chosen customers of the signed-in
// staff account. The key is the account's id, which is random per server:
// the same e-mail on two servers keeps two lists.
func (c *chosenCustomers) key() string { return "archive.customers/" + c.env.user.ID }

// chosen are the customers the signed-in staff account chose.
func (c *chosenCustomers) chosen() []archivedCustomer {
	var list []archivedCustomer
	if s := c.env.app.Preferences().String(c.key()); s != "" {
		_ = json.Unmarshal([]byte(s), &list) // unreadable: none chosen
	}
	return list
}

func (c *chosenCustomers) setChosen(list []archivedCustomer) {
	b, _ := json.Marshal(list)
	c.env.app.Preferences().SetString(c.key(), string(b))
}

// chosenText summarises the chosen customers for the Archive screen.
func chosenText(list []archivedCustomer) string {
	switch len(list) {
	case 0:
		return lang.L("No customers chosen yet.")
	case 1, 2, 3:
		names := make([]string, len(list))
		for i, c := range list {
			names[i] = c.Name
		}
		return lang.L("Archiving: {{.Names}}", map[string]any{"Names": strings.Join(names, ", ")})
	}
	return lang.L("Archiving {{.Count}} customers: {{.First}} and others", map[string]any{"Count": len(list), "First": list[0].Name})
}

// customerChooser is the dialog in which staff pick the customers whose
// invoices the archive keeps: a search, the results with a check each, and
// the count chosen. The search runs off the UI goroutine.
type customerChooser struct {
	env    *env
	staff  StaffBackend
	chosen []archivedCustomer
	pages  *customerPages // the search's customers, a page at a time
	search *widget.Entry
	list   *widget.List
	count  *widget.Label
	status *widget.Label
	root   fyne.CanvasObject
}

func newCustomerChooser(e *env, staff StaffBackend, chosen []archivedCustomer) *customerChooser {
	c := &customerChooser{env: e, staff: staff, chosen: slices.Clone(chosen)}
	c.pages = newCustomerPages(e, staff, TaskChooser, c.onPage)
	c.build()
	return c
}

func (c *customerChooser) build() {
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder(lang.L("Name, company or e-mail"))
	c.search.OnSubmitted = func(string) { c.find() }
	c.count = widget.NewLabel("")
	c.status = widget.NewLabel("")
	c.list = widget.NewList(func() int { return len(c.pages.items) },
		func() fyne.CanvasObject { return widget.NewCheck("Customer name <address@example.jp>", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			check := o.(*widget.Check)
			r := c.pages.items[i]
			check.OnChanged = nil // SetChecked below must not count as a click
			check.SetText(customerLabel(r) + " <" + r.Email + ">")
			check.SetChecked(c.isChosen(r.ID))
			check.OnChanged = func(bool) { c.onToggle(i) }
			c.pages.seen(i)
		})
	c.showCount()
	find := newButton(lang.L("Search"), theme.SearchIcon(), c.find)
	top := container.NewBorder(nil, nil, nil, find, c.search)
	bottom := container.NewHBox(c.count, c.status)
	c.root = container.NewBorder(top, bottom, nil, nil, c.list)
}

func (c *customerChooser) isChosen(id string) bool {
	return slices.ContainsFunc(c.chosen, func(a archivedCustomer) bool { return a.ID == id })
}

// onToggle chooses result i, or unchooses it.
func (c *customerChooser) onToggle(i int) {
	if i < 0 || i >= len(c.pages.items) {
		return
	}
	r := c.pages.items[i]
	if c.isChosen(r.ID) {
		c.chosen = slices.DeleteFunc(c.chosen, func(a archivedCustomer) bool { return a.ID == r.ID })
	} else {
		c.chosen = append(c.chosen, archivedCustomer{ID: r.ID, Name: customerLabel(r)})
	}
	c.showCount()
	c.list.RefreshItem(i)
}

func (c *customerChooser) showCount() {
	c.count.SetText(lang.L("{{.Count}} chosen", map[string]any{"Count": len(c.chosen)}))
}

// find searches the server's customers for the entry's text.
func (c *customerChooser) find() {
	c.status.SetText(lang.L("Searching…"))
	c.pages.search(strings.TrimSpace(c.search.Text))
}

// onPage shows a page of the search, the first in place of the last
// search's.
func (c *customerChooser) onPage(first bool, err error) {
	if err != nil {
		c.status.SetText(describe(err))
		return
	}
	c.status.SetText(c.pages.count())
	if first {
		c.list.ScrollToOffset(0) // not ScrollToTop, which fails on a list never drawn
	}
	c.list.Refresh()
}

// show opens the dialog and lists the customers; done gets the choice
// when the dialog is closed with Done.
func (c *customerChooser) show(done func([]archivedCustomer)) {
	d := dialog.NewCustomConfirm(lang.L("Customers to archive"), lang.L("Done"), lang.L("Cancel"), c.root, func(ok bool) {
		if ok {
			done(c.chosen)
		}
	}, c.env.win)
	d.Resize(fyne.NewSize(560, 480))
	d.Show()
	c.find()
}
