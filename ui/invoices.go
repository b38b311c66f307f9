package ui

import (
	"slices"
	"strings"
	"time"
	"unique"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/billing"
)

// invoiceRow is what the table needs of an invoice, from its summary (the
// invoice screen fetches the whole invoice when one is opened). It keeps
// no text that can be made from the rest: the dates, the total and the
// words are formatted when a cell is drawn (rowWords says why the words
// are looked up once per list). An account may have 10,000 invoices, and
// each text a row kept cost ~0.3 MB of heap per 10,000. Its language,
// kind, status and currency, a few distinct values over all the rows, are
// handles to one shared copy of each (8 bytes, against a string's 16 and
// the copy the JSON decoder made for every invoice); the time zone the
// decoder gave each date is dropped the same way (the dates are drawn in
// the invoice language's calendar).
type invoiceRow struct {
	id, number      string
	language        unique.Handle[string] // the invoice's, whose calendar its dates are in
	kind            unique.Handle[billing.InvoiceKind]
	state           unique.Handle[billing.InvoiceStatus]
	currency        unique.Handle[billing.Currency]
	issuedAt, dueAt time.Time
	total           int64 // in currency's minor units
	overdue         bool
}

func newInvoiceRow(inv *api.InvoiceSummary) *invoiceRow {
	return &invoiceRow{id: inv.ID, number: inv.Number, language: unique.Make(inv.Language), kind: unique.Make(inv.Kind),
		state: unique.Make(inv.Status), currency: unique.Make(inv.Total.Currency), issuedAt: inv.IssuedAt.UTC(), dueAt: inv.DueAt.UTC(),
		total: inv.Total.Amount, overdue: inv.Overdue}
}

func (r *invoiceRow) status() billing.InvoiceStatus { return r.state.Value() }

func (r *invoiceRow) amount() billing.Money {
	return billing.Money{Amount: r.total, Currency: r.currency.Value()}
}

// preview is the invoice as far as the row knows it, for the invoice
// screen to show while it fetches the rest.
func (r *invoiceRow) preview() api.Invoice {
	return api.Invoice{ID: r.id, Number: r.number, Kind: r.kind.Value(), Language: r.language.Value(), Status: r.status(),
		Currency: r.currency.Value(), IssuedAt: r.issuedAt, DueAt: r.dueAt, Overdue: r.overdue, Total: r.amount()}
}

// statusBadge is how an invoice's status reads and stands out, in the
// list and on the invoice screen: overdue outranks unpaid.
func statusBadge(s billing.InvoiceStatus, overdue bool) (string, widget.Importance) {
	if overdue {
		return lang.L("Overdue"), statusLook(s, overdue)
	}
	return statusText(s), statusLook(s, overdue)
}

// statusLook is how a status stands out.
func statusLook(s billing.InvoiceStatus, overdue bool) widget.Importance {
	switch {
	case overdue:
		return widget.DangerImportance
	case s == billing.InvoiceUnpaid:
		return widget.WarningImportance
	case s == billing.InvoicePaid:
		return widget.SuccessImportance
	}
	return widget.LowImportance
}

func statusText(s billing.InvoiceStatus) string {
	switch s {
	case billing.InvoiceUnpaid:
		return lang.L("Unpaid")
	case billing.InvoicePaid:
		return lang.L("Paid")
	case billing.InvoiceCancelled:
		return lang.L("Cancelled")
	case billing.InvoiceRefunded:
		return lang.L("Refunded")
	}
	return lang.L("Draft")
}

// Columns of the invoice table.
const (
	colNumber = iota
	colIssued
	colDue
	colTotal
	colStatus
	colKind
	colCount
)

// invoicesTab is the list of the account's invoices: a virtualized table
// the user filters by status and sorts by a column. The rows come from the
// account state, which loads them and applies every change.
type invoicesTab struct {
	acct   *account
	nav    navigator
	all    []*invoiceRow // as the account has them, newest first
	rows   []*invoiceRow // filtered and sorted, what the table shows
	filter string        // "", unpaid, paid, cancelled
	sortBy int
	desc   bool
	titles []string
	words  rowWords
	table  *columnTable
	prefs  fyne.Preferences // the columns' widths
	status *widget.Label
	root   fyne.CanvasObject
}

func newInvoicesTab(a *account, nav navigator, prefs fyne.Preferences) *invoicesTab {
	t := &invoicesTab{acct: a, nav: nav, prefs: prefs, sortBy: colIssued, desc: true}
	t.build()
	a.invoicesChanged.subscribe(t.onInvoices)
	a.invoicesFailed.subscribe(func(err error) { t.status.SetText(describe(err)) })
	return t
}

func (t *invoicesTab) object() fyne.CanvasObject { return t.root }

func (t *invoicesTab) focusTarget() fyne.Focusable { return t.table }

// PrefInvoiceColumns keeps the widths the user gave the invoice list's
// columns.
const PrefInvoiceColumns = "columns.invoices"

// rowWords are the list's words for kinds and statuses and its date
// layout, looked up once per list: sizing the columns reads every cell of
// 10,000 rows, and a translation lookup per cell would take longer than
// the rest of it.
type rowWords struct {
	service, addFunds string
	status            map[statusKey]string // statusBadge's text for each status, overdue or not
	dateLayout        string
}

// statusKey is what decides how an invoice's status reads.
type statusKey struct {
	status  billing.InvoiceStatus
	overdue bool
}

func newRowWords() rowWords {
	w := rowWords{service: lang.L("Service"), addFunds: lang.L("Add funds"), status: map[statusKey]string{}, dateLayout: dateLayout()}
	for _, s := range []billing.InvoiceStatus{billing.InvoiceDraft, billing.InvoiceUnpaid, billing.InvoicePaid,
		billing.InvoiceCancelled, billing.InvoiceRefunded} {
		for _, overdue := range []bool{false, true} {
			w.status[statusKey{s, overdue}], _ = statusBadge(s, overdue)
		}
	}
	return w
}

// statusOf is how the row's status reads, as statusBadge has it.
func (w *rowWords) statusOf(r *invoiceRow) string {
	if text, ok := w.status[statusKey{r.status(), r.overdue}]; ok {
		return text
	}
	text, _ := statusBadge(r.status(), r.overdue)
	return text
}

func (w *rowWords) kindOf(r *invoiceRow) string {
	if r.kind.Value() == billing.KindAddFunds {
		return w.addFunds
	}
	return w.service
}

// cell is the row's text in column col.
func (w *rowWords) cell(r *invoiceRow, col int) string {
	switch col {
	case colNumber:
		return r.number
	case colIssued:
		return fmtInvoiceDateAs(w.dateLayout, r.issuedAt, r.language.Value())
	case colDue:
		return fmtInvoiceDateAs(w.dateLayout, r.dueAt, r.language.Value())
	case colTotal:
		return billing.Format(r.amount())
	case colStatus:
		return w.statusOf(r)
	}
	return w.kindOf(r)
}

func (t *invoicesTab) build() {
	t.words = newRowWords()
	t.titles = []string{lang.L("Number"), lang.L("Date"), lang.L("Due"), lang.L("Total"), lang.L("Status"), lang.L("Type")}
	t.table = newColumnTable(t.prefs, PrefInvoiceColumns, t.titles, colKind, func() int { return len(t.rows) },
		func() fyne.CanvasObject { return widget.NewLabel("INV-2026-000000") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := t.rows[id.Row]
			l.Text = t.words.cell(r, id.Col)
			l.Alignment = fyne.TextAlignLeading
			l.Importance = widget.MediumImportance
			l.TextStyle = fyne.TextStyle{}
			switch id.Col {
			case colDue:
				if r.overdue {
					l.Importance = widget.DangerImportance
				}
			case colTotal:
				l.Alignment = fyne.TextAlignTrailing
			case colStatus:
				l.Importance = statusLook(r.status(), r.overdue)
				l.TextStyle.Bold = true
			}
			l.Refresh()
		})
	// The titles are buttons that sort, with an arrow on the sorted column.
	t.table.extra = theme.IconInlineSize() + theme.Padding()
	t.table.CreateHeader = func() fyne.CanvasObject {
		b := newButton("Number", nil, nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		t.table.trackHeader(id, o)
		b := o.(*button)
		var icon fyne.Resource
		if id.Col == t.sortBy {
			icon = theme.MenuDropUpIcon()
			if t.desc {
				icon = theme.MenuDropDownIcon()
			}
		}
		col := id.Col
		b.OnTapped = func() { t.onSort(col) }
		// Only a change is drawn again: the table updates every header
		// each time a column's width is set, and a button's refresh
		// decodes its icon again (14 times for one arrow as the main
		// window was first laid out).
		if b.Text != t.titles[id.Col] || b.Icon != icon {
			b.Text, b.Icon = t.titles[id.Col], icon
			b.Refresh()
		}
	}
	t.table.OnSelected = t.onSelect
	filters := []string{lang.L("Unpaid"), lang.L("Paid"), lang.L("Cancelled"), lang.L("All")}
	values := []string{"unpaid", "paid", "cancelled", ""}
	sel := widget.NewSelect(filters, func(s string) { t.onFilter(values[slices.Index(filters, s)]) })
	t.status = widget.NewLabel(lang.L("Loading…"))
	sel.SetSelected(lang.L("All"))
	reload := newButton(lang.L("Refresh"), theme.ViewRefreshIcon(), t.onReload).withTip(lang.L("Refresh"), keyRefresh)
	// The labels are centred in the bar's height, level with the text of
	// the selector; a label's text sits at the top of a taller row.
	bar := container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(widget.NewLabel(lang.L("Show"))), sel), reload,
		container.NewVBox(layout.NewSpacer(), t.status, layout.NewSpacer()))
	t.root = headed(bar, t.table)
}

// refresh loads the list the first time the tab is shown; afterwards the
// account keeps it current.
func (t *invoicesTab) refresh() {
	if !t.acct.invoicesLoaded {
		t.status.SetText(lang.L("Loading…"))
		t.acct.ensureInvoices()
	}
}

func (t *invoicesTab) onReload() {
	t.status.SetText(lang.L("Loading…"))
	t.acct.loadInvoices()
}

func (t *invoicesTab) onSelect(id widget.TableCellID) {
	if id.Row >= 0 && id.Row < len(t.rows) {
		t.nav.openInvoice(t.rows[id.Row].preview(), false)
	}
	t.table.UnselectAll()
}

func (t *invoicesTab) onFilter(status string) {
	t.filter = status
	t.apply()
}

func (t *invoicesTab) onSort(col int) {
	if t.sortBy == col {
		t.desc = !t.desc
	} else {
		t.sortBy, t.desc = col, col == colIssued || col == colDue || col == colTotal
	}
	t.apply()
}

// onInvoices shows the account's list as it now is.
func (t *invoicesTab) onInvoices(rows []*invoiceRow) {
	t.all = rows
	t.table.setContent(t.titles, len(rows), func(row, col int) string { return t.words.cell(rows[row], col) })
	t.apply()
}

// apply filters and sorts; cheap enough on the UI goroutine for 10,000 rows
// (see BenchmarkInvoiceList10k).
func (t *invoicesTab) apply() {
	t.rows = t.words.sortRows(filterRows(t.all, t.filter), t.sortBy, t.desc)
	unpaid := 0
	for _, r := range t.all {
		if r.status() == billing.InvoiceUnpaid {
			unpaid++
		}
	}
	t.status.SetText(lang.L("{{.Shown}} shown · {{.Unpaid}} unpaid", map[string]any{"Shown": len(t.rows), "Unpaid": unpaid}))
	t.table.Refresh()
}

func filterRows(all []*invoiceRow, status string) []*invoiceRow {
	if status == "" {
		return slices.Clone(all)
	}
	out := make([]*invoiceRow, 0, len(all))
	for _, r := range all {
		if string(r.status()) == status {
			out = append(out, r)
		}
	}
	return out
}

func (w *rowWords) sortRows(rows []*invoiceRow, col int, desc bool) []*invoiceRow {
	cmp := func(a, b *invoiceRow) int {
		switch col {
		case colNumber:
			return strings.Compare(a.number, b.number)
		case colDue:
			return a.dueAt.Compare(b.dueAt)
		case colTotal:
			return compareInt(a.total, b.total)
		case colStatus:
			return strings.Compare(w.statusOf(a), w.statusOf(b))
		case colKind:
			return strings.Compare(w.kindOf(a), w.kindOf(b))
		}
		return a.issuedAt.Compare(b.issuedAt)
	}
	slices.SortStableFunc(rows, func(a, b *invoiceRow) int {
		if desc {
			return cmp(b, a)
		}
		return cmp(a, b)
	})
	return rows
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
