package ui

import (
	"context"
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
	negative                                            bool
}

func newLedgerRow(e api.LedgerEntry) ledgerRow {
	r := ledgerRow{date: fmtDate(e.CreatedAt), kind: ledgerKindText(e.Kind), description: e.Description, reference: e.Reference,
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
// reloads when it is shown and the ledger has moved since it loaded.
type transactionsTab struct {
	env     *env
	backend Backend
	acct    *account
	rows    []ledgerRow
	table   *widget.Table
	status  *widget.Label
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

func (t *transactionsTab) build() {
	titles := []string{lang.L("Date"), lang.L("Kind"), lang.L("Details"), lang.L("Reference"), lang.L("Amount"), lang.L("Balance")}
	widths := []float32{120, 110, 250, 140, 100, 100}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows), len(titles) },
		func() fyne.CanvasObject { return widget.NewLabel("2026-01-01") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := t.rows[id.Row]
			l.Alignment, l.Importance, l.Truncation = fyne.TextAlignLeading, widget.MediumImportance, fyne.TextTruncateEllipsis
			switch id.Col {
			case 0:
				l.Text = r.date
			case 1:
				l.Text = r.kind
			case 2:
				l.Text = r.description
			case 3:
				l.Text = r.reference
			case 4:
				l.Text, l.Alignment = r.amount, fyne.TextAlignTrailing
				l.Importance = widget.SuccessImportance
				if r.negative {
					l.Importance = widget.MediumImportance
				}
			case 5:
				l.Text, l.Alignment = r.balance, fyne.TextAlignTrailing
			}
			l.Refresh()
		})
	titledColumns(t.table, titles, widths)
	t.status = widget.NewLabel("")
	reload := newButton(lang.L("Refresh"), theme.ViewRefreshIcon(), t.load).withTip(lang.L("Refresh"), keyRefresh)
	t.root = headed(container.NewBorder(nil, nil, nil, reload, t.status), t.table)
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
		t.status.SetText(lang.L("{{.Count}} entries, newest first", map[string]any{"Count": len(rows)}))
		t.table.Refresh()
	})
}
