package ui

import (
	"context"
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

type ledgerRow struct {
	date, kind, description, reference, amount, balance string
	when                                                string // date and time, for the entry in full
	negative                                            bool
}

// cell is the row's text in column col.
func (r *ledgerRow) cell(col int) string {
	switch col {
	case 0:
		return r.date
	case 1:
		return r.kind
	case 2:
		return r.description
	case 3:
		return r.reference
	case 4:
		return r.amount
	}
	return r.balance
}

func newLedgerRow(e api.LedgerEntry) ledgerRow {
	r := ledgerRow{date: fmtDate(e.CreatedAt), when: fmtDateTime(e.CreatedAt), kind: ledgerKindText(e.Kind), description: e.Description, reference: e.Reference,
		amount: billing.Format(e.Amount), balance: billing.Format(e.BalanceAfter), negative: e.Amount.Amount < 0}
	if e.Amount.Amount > 0 {
		r.amount = "+" + r.amount
	}
	// Described in the user's language from the entry's facts; the server's
	// English text is kept only for kinds the app does not know.
	switch e.Kind {
	case billing.LedgerAdjustment:
		r.description = lang.L("Adjustment by staff: {{.Reason}}", map[string]any{"Reason": e.Description})
	case billing.LedgerDeposit:
		r.description = lang.L("Deposit for {{.Invoice}}", map[string]any{"Invoice": e.Reference})
	case billing.LedgerCreditApplied:
		r.description = lang.L("Credit applied to {{.Invoice}}", map[string]any{"Invoice": e.Reference})
	case billing.LedgerVoucher:
		r.description = lang.L("Voucher {{.Code}}", map[string]any{"Code": e.Reference})
	case billing.LedgerReversal:
		r.description = lang.L("Card payment {{.Dispute}} disputed by the bank: unspent credit reversed", map[string]any{"Dispute": e.Reference})
	}
	return r
}

func ledgerKindText(k billing.LedgerKind) string {
	switch k {
	case billing.LedgerDeposit:
		return lang.L("Deposit")
	case billing.LedgerVoucher:
		return lang.L("Voucher")
	case billing.LedgerCreditApplied:
		return lang.L("Credit applied")
	case billing.LedgerAdjustment:
		return lang.L("Adjustment")
	}
	return lang.L("Reversal")
}

// transactionsTab is the credit ledger with its running balance. It
// reloads when it is shown and the ledger has moved since it loaded. Its
// columns are as wide as what they hold; the details take the width left,
// and a selected entry shows in full under the table (a staff member's
// reason can be long).
type transactionsTab struct {
	env     *env
	backend Backend
	acct    *account
	rows    []ledgerRow
	titles  []string
	table   *columnTable
	status  *widget.Label
	entry   *wrapLabel // the selected entry in full, or how to get there
	loaded  bool
	version uint64 // the account's ledger version the rows show
	root    fyne.CanvasObject
	gen     atomic.Uint64
}

func newTransactionsTab(e *env, b Backend, a *account) *transactionsTab {
	t := &transactionsTab{env: e, backend: b, acct: a}
	t.build()
	a.ledgerChanged.subscribe(func(uint64) {
		if t.loaded && t.root.Visible() {
			t.load()
		}
	})
	return t
}

// PrefLedgerColumns keeps the widths the user gave the ledger's columns.
const PrefLedgerColumns = "columns.transactions"

func (t *transactionsTab) build() {
	t.titles = []string{lang.L("Date"), lang.L("Kind"), lang.L("Details"), lang.L("Reference"), lang.L("Amount"), lang.L("Balance")}
	t.table = newColumnTable(t.env.app.Preferences(), PrefLedgerColumns, t.titles, 2, func() int { return len(t.rows) },
		func() fyne.CanvasObject { return widget.NewLabel("2026-01-01") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := t.rows[id.Row]
			l.Text = r.cell(id.Col)
			l.Alignment, l.Importance, l.Truncation = fyne.TextAlignLeading, widget.MediumImportance, fyne.TextTruncateEllipsis
			switch id.Col {
			case 4:
				l.Alignment = fyne.TextAlignTrailing
				if !r.negative {
					l.Importance = widget.SuccessImportance
				}
			case 5:
				l.Alignment = fyne.TextAlignTrailing
			}
			l.Refresh()
		})
	t.table.shrink = []int{3} // the reference
	t.table.OnSelected = t.onSelect
	t.status = widget.NewLabel("")
	t.entry = newWrapped(ledgerHint())
	reload := newButton(lang.L("Refresh"), theme.ViewRefreshIcon(), t.load).withTip(lang.L("Refresh"), keyRefresh)
	t.root = headed(container.NewBorder(nil, nil, nil, reload, t.status),
		container.NewBorder(nil, widget.NewCard("", "", t.entry), nil, nil, t.table))
}

// ledgerHint is what the space for the selected entry says while none is:
// that there is more to read, and that columns can be widened.
func ledgerHint() string {
	return lang.L("Select an entry to read it in full. To widen a column, drag the edge of its title.")
}

// onSelect shows the entry in full under the table.
func (t *transactionsTab) onSelect(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(t.rows) {
		return
	}
	r := t.rows[id.Row]
	lines := []string{r.when + "  ·  " + r.kind + "  ·  " + r.amount + "  ·  " + lang.L("Balance {{.Balance}}", map[string]any{"Balance": r.balance}), r.description}
	if r.reference != "" {
		lines = append(lines, lang.L("Reference: {{.Reference}}", map[string]any{"Reference": r.reference}))
	}
	t.entry.SetText(strings.Join(lines, "\n"))
}

func (t *transactionsTab) object() fyne.CanvasObject { return t.root }

func (t *transactionsTab) focusTarget() fyne.Focusable { return t.table }

// refresh loads the ledger when it was never loaded or has moved since.
func (t *transactionsTab) refresh() {
	if !t.loaded || t.version != t.acct.ledger {
		t.load()
	}
}

func (t *transactionsTab) load() {
	version := t.acct.ledger
	t.status.SetText(lang.L("Loading…"))
	run(t.env.run, t.env.ctx, TaskLedger, &t.gen, func(ctx context.Context) ([]ledgerRow, error) {
		var rows []ledgerRow
		for e, err := range t.backend.AllLedger(ctx, apiclient.PageQuery{Limit: 500}) {
			if err != nil {
				return rows, err
			}
			rows = append(rows, newLedgerRow(e))
		}
		return rows, nil
	}, func(rows []ledgerRow, err error) {
		if err != nil {
			t.status.SetText(describe(err))
			return
		}
		t.rows, t.loaded, t.version = rows, true, version
		t.status.SetText(lang.N("{{.Count}} entries, newest first", len(rows), map[string]any{"Count": len(rows)}))
		t.table.setContent(t.titles, len(rows), func(row, col int) string { return rows[row].cell(col) })
		t.table.UnselectAll()
		t.table.Refresh()
		t.entry.SetText(ledgerHint())
	})
}
