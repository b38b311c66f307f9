package ui

import (
	"context"
	"slices"
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

// invoiceRow is what the table needs of an invoice, formatted once, so
// drawing a cell only assigns strings. It keeps no lines, parties or
// payments: an account may have 10,000 invoices, and the invoice screen
// fetches the whole invoice when one is opened.
type invoiceRow struct {
	id                               string
	kind                             billing.InvoiceKind
	state                            billing.InvoiceStatus
	issuedAt, dueAt                  time.Time
	amount                           billing.Money
	number, issued, due, total, what string
	status                           string
	statusLook                       widget.Importance
	overdue                          bool
}

func newInvoiceRow(inv *api.Invoice) *invoiceRow {
	r := &invoiceRow{id: inv.ID, kind: inv.Kind, state: inv.Status, issuedAt: inv.IssuedAt, dueAt: inv.DueAt, amount: inv.Total,
		number: inv.Number, issued: fmtDate(inv.IssuedAt), due: fmtDate(inv.DueAt),
		total: billing.Format(inv.Total), overdue: inv.Overdue}
	r.status, r.statusLook = statusBadge(inv.Status, inv.Overdue)
	r.what = lang.L("Service")
	if inv.Kind == billing.KindAddFunds {
		r.what = lang.L("Add funds")
	}
	return r
}

// preview is the invoice as far as the row knows it, for the invoice
// screen to show while it fetches the rest.
func (r *invoiceRow) preview() api.Invoice {
	return api.Invoice{ID: r.id, Number: r.number, Kind: r.kind, Status: r.state, Currency: r.amount.Currency,
		IssuedAt: r.issuedAt, DueAt: r.dueAt, Overdue: r.overdue, Total: r.amount}
}

// statusBadge is how an invoice's status reads and stands out, in the
// list and on the invoice screen: overdue outranks unpaid.
func statusBadge(s billing.InvoiceStatus, overdue bool) (string, widget.Importance) {
	switch {
	case overdue:
		return lang.L("Overdue"), widget.DangerImportance
	case s == billing.InvoiceUnpaid:
		return statusText(s), widget.WarningImportance
	case s == billing.InvoicePaid:
		return statusText(s), widget.SuccessImportance
	}
	return statusText(s), widget.LowImportance
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

type invoicesTab struct {
	app    *App
	open   func(preview api.Invoice)
	all    []*invoiceRow // as loaded, newest first
	rows   []*invoiceRow // filtered and sorted, what the table shows
	filter string        // "", unpaid, paid, cancelled
	sortBy int
	desc   bool
	table  *widget.Table
	status *widget.Label
	root   fyne.CanvasObject
	gen    atomic.Uint64
}

func newInvoicesTab(a *App, open func(preview api.Invoice)) *invoicesTab {
	t := &invoicesTab{app: a, open: open, sortBy: colIssued, desc: true}
	t.build()
	return t
}

func (t *invoicesTab) object() fyne.CanvasObject { return t.root }

var columnWidths = [colCount]float32{170, 132, 132, 120, 100, 130}

func (t *invoicesTab) build() {
	titles := [colCount]string{lang.L("Number"), lang.L("Date"), lang.L("Due"), lang.L("Total"), lang.L("Status"), lang.L("Type")}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows), colCount },
		func() fyne.CanvasObject { return widget.NewLabel("INV-2026-000000") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := t.rows[id.Row]
			l.Alignment = fyne.TextAlignLeading
			l.Importance = widget.MediumImportance
			l.TextStyle = fyne.TextStyle{}
			switch id.Col {
			case colNumber:
				l.Text = r.number
			case colIssued:
				l.Text = r.issued
			case colDue:
				l.Text = r.due
				if r.overdue {
					l.Importance = widget.DangerImportance
				}
			case colTotal:
				l.Text = r.total
				l.Alignment = fyne.TextAlignTrailing
			case colStatus:
				l.Text, l.Importance = r.status, r.statusLook
				l.TextStyle.Bold = true
			case colKind:
				l.Text = r.what
			}
			l.Refresh()
		})
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("Number", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		b.Text = titles[id.Col]
		b.Icon = nil
		if id.Col == t.sortBy {
			b.Icon = theme.MenuDropUpIcon()
			if t.desc {
				b.Icon = theme.MenuDropDownIcon()
			}
		}
		col := id.Col
		b.OnTapped = func() { t.onSort(col) }
		b.Refresh()
	}
	for i, w := range columnWidths {
		t.table.SetColumnWidth(i, w)
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.rows) {
			t.open(t.rows[id.Row].preview())
		}
		t.table.UnselectAll()
	}
	filters := []string{lang.L("Unpaid"), lang.L("Paid"), lang.L("Cancelled"), lang.L("All")}
	values := []string{"unpaid", "paid", "cancelled", ""}
	sel := widget.NewSelect(filters, func(s string) {
		t.filter = values[slices.Index(filters, s)]
		t.apply()
	})
	t.status = widget.NewLabel(lang.L("Loading…"))
	sel.SetSelected(lang.L("All"))
	reload := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), t.load)
	bar := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(lang.L("Show")), sel), reload, t.status)
	t.root = container.NewBorder(bar, nil, nil, nil, t.table)
}

func (t *invoicesTab) onSort(col int) {
	if t.sortBy == col {
		t.desc = !t.desc
	} else {
		t.sortBy, t.desc = col, col == colIssued || col == colDue || col == colTotal
	}
	t.apply()
}

// load fetches every invoice (all pages) off the UI goroutine and formats
// the rows there too; the table only swaps in the result.
func (t *invoicesTab) load() {
	t.status.SetText(lang.L("Loading…"))
	started := time.Now()
	var fetched time.Time
	run(t.app.ctx, &t.gen, func(ctx context.Context) ([]*invoiceRow, error) {
		defer func() { fetched = time.Now() }()
		var rows []*invoiceRow
		for inv, err := range t.app.deps.Backend.AllInvoices(ctx, apiclient.InvoiceQuery{Limit: 500}) {
			if err != nil {
				return rows, err
			}
			rows = append(rows, newInvoiceRow(&inv))
		}
		return rows, nil
	}, func(rows []*invoiceRow, err error) {
		if err != nil {
			t.status.SetText(describe(err))
			t.app.deps.Hooks.updated("invoices-error")
			return
		}
		t.setRows(rows)
		if t.app.deps.Log != nil {
			t.app.deps.Log.Info("invoice list loaded", "rows", len(rows), "fetch_and_format_ms", fetched.Sub(started).Milliseconds(),
				"shown_ms", time.Since(fetched).Milliseconds())
		}
	})
}

// setRows replaces the loaded invoices (on the UI goroutine).
func (t *invoicesTab) setRows(rows []*invoiceRow) {
	t.all = rows
	t.apply()
	t.app.deps.Hooks.updated("invoices")
}

// upsert applies one changed invoice from an event.
func (t *invoicesTab) upsert(inv api.Invoice) {
	i := slices.IndexFunc(t.all, func(r *invoiceRow) bool { return r.id == inv.ID })
	if i >= 0 {
		t.all[i] = newInvoiceRow(&inv)
	} else {
		t.all = append([]*invoiceRow{newInvoiceRow(&inv)}, t.all...)
	}
	t.apply()
}

func (t *invoicesTab) kindOf(id string) billing.InvoiceKind {
	for _, r := range t.all {
		if r.id == id {
			return r.kind
		}
	}
	return ""
}

// apply filters and sorts; cheap enough on the UI goroutine for 10,000 rows
// (see BenchmarkInvoiceRows), since the rows are already formatted.
func (t *invoicesTab) apply() {
	t.rows = sortRows(filterRows(t.all, t.filter), t.sortBy, t.desc)
	unpaid := 0
	for _, r := range t.all {
		if r.state == billing.InvoiceUnpaid {
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
		if string(r.state) == status {
			out = append(out, r)
		}
	}
	return out
}

func sortRows(rows []*invoiceRow, col int, desc bool) []*invoiceRow {
	cmp := func(a, b *invoiceRow) int {
		switch col {
		case colNumber:
			return strings.Compare(a.number, b.number)
		case colDue:
			return a.dueAt.Compare(b.dueAt)
		case colTotal:
			return compareInt(a.amount.Amount, b.amount.Amount)
		case colStatus:
			return strings.Compare(a.status, b.status)
		case colKind:
			return strings.Compare(a.what, b.what)
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
