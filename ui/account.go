package ui

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// account is the signed-in customer's account as every screen shows it:
// the server's config, the summary with the Available Credit, the invoice
// list, how far the ledger has moved, and whether the server can be
// reached. It is the one place these live. An action's result, an event
// or a poll updates it once, and it tells the screens through typed
// signals; screens read it and subscribe, and never call each other.
// Everything here runs on the UI goroutine, except the work it hands to
// the runner.
type account struct {
	backend Backend
	run     *Runner
	ctx     context.Context
	log     *slog.Logger

	config   *api.Config  // nil until loaded
	summary  *api.Summary // nil until loaded
	link     link
	invoices []*invoiceRow // newest first
	// invoicesLoaded is set once the whole list has been fetched;
	// invoicesLoading while a fetch is on its way.
	invoicesLoaded, invoicesLoading bool
	// ledger counts the changes to the ledger the app has learnt of; a
	// screen that shows the ledger reloads when it is behind.
	ledger uint64

	configChanged   signal[api.Config]
	configFailed    signal[error]
	summaryChanged  signal[api.Summary]
	linkChanged     signal[link]
	invoicesChanged signal[[]*invoiceRow]
	invoicesFailed  signal[error]
	// invoiceChanged is one invoice that moved on (an action's result or an
	// event); paymentChanged likewise for a payment attempt.
	invoiceChanged signal[api.Invoice]
	paymentChanged signal[api.Payment]
	ledgerChanged  signal[uint64]

	configGen, summaryGen, invoicesGen atomic.Uint64
}

// link is whether the billing server can be reached, and since when the
// figures on screen are current.
type link struct {
	online bool
	err    error     // why not, when offline
	asOf   time.Time // when the summary was last current; zero before the first
}

func newAccount(ctx context.Context, b Backend, r *Runner, log *slog.Logger) *account {
	return &account{backend: b, run: r, ctx: ctx, log: log}
}

// refreshConfig fetches the server's rules: currency, limits, gateways,
// the credit policy.
func (a *account) refreshConfig() {
	run(a.run, a.ctx, TaskConfig, &a.configGen, a.backend.Config, func(c api.Config, err error) {
		if err != nil {
			a.configFailed.emit(err)
			return
		}
		a.config = &c
		a.configChanged.emit(c)
	})
}

// gateways are the payment gateways the account may use.
func (a *account) gateways() []api.Gateway {
	if a.config == nil {
		return nil
	}
	return a.config.Gateways
}

// refreshSummary fetches the Available Credit and the unpaid totals.
func (a *account) refreshSummary() {
	run(a.run, a.ctx, TaskSummary, &a.summaryGen, a.backend.Summary, func(s api.Summary, err error) {
		if err != nil {
			a.setOffline(err)
			return
		}
		a.setSummary(s)
	})
}

// setSummary takes a fresh summary (from a fetch, a poll or an event).
func (a *account) setSummary(s api.Summary) {
	a.summary = &s
	a.setLink(link{online: true, asOf: s.AsOf})
	a.summaryChanged.emit(s)
}

// setBalance takes a new Available Credit from an action's answer or an
// event; at is when it became current.
func (a *account) setBalance(m billing.Money, at time.Time) {
	if a.summary == nil {
		a.refreshSummary() // nothing to put it in yet: fetch the whole summary
		return
	}
	s := *a.summary
	s.AvailableCredit, s.AsOf = m, at
	a.setSummary(s)
}

// setOffline keeps the last figures and says since when they are current.
func (a *account) setOffline(err error) {
	a.setLink(link{err: err, asOf: a.link.asOf})
}

func (a *account) setLink(l link) {
	a.link = l
	a.linkChanged.emit(l)
}

// loadInvoices fetches every invoice's summary (all pages) and makes the
// rows off the UI goroutine; the screens swap in the result, and format a
// row's texts when they draw it.
func (a *account) loadInvoices() {
	a.invoicesLoading = true
	started := time.Now()
	var fetched time.Time
	run(a.run, a.ctx, TaskInvoices, &a.invoicesGen, func(ctx context.Context) ([]*invoiceRow, error) {
		defer func() { fetched = time.Now() }()
		var rows []*invoiceRow
		for inv, err := range a.backend.AllInvoiceSummaries(ctx, apiclient.InvoiceQuery{Limit: 500}) {
			if err != nil {
				return rows, err
			}
			rows = append(rows, newInvoiceRow(&inv))
		}
		return rows, nil
	}, func(rows []*invoiceRow, err error) {
		a.invoicesLoading = false
		if err != nil {
			a.invoicesFailed.emit(err)
			return
		}
		a.setInvoices(rows)
		a.log.Info("invoice list loaded", "rows", len(rows), "fetch_ms", fetched.Sub(started).Milliseconds(),
			"shown_ms", time.Since(fetched).Milliseconds())
	})
}

// ensureInvoices loads the list unless it is loaded or on its way (a
// screen shown while the first fetch runs does not start a second).
func (a *account) ensureInvoices() {
	if !a.invoicesLoaded && !a.invoicesLoading {
		a.loadInvoices()
	}
}

// setInvoices replaces the whole list.
func (a *account) setInvoices(rows []*invoiceRow) {
	a.invoices, a.invoicesLoaded = rows, true
	a.invoicesChanged.emit(rows)
}

// invoiceUpdated takes an invoice that moved on: a new one, a payment, a
// cancellation, credit applied. The list shows it and the invoice screen
// showing it follows.
func (a *account) invoiceUpdated(inv api.Invoice) {
	a.putRow(inv)
	a.invoiceChanged.emit(inv)
}

// putRow puts an invoice's row into the list (fresher data for the list
// only: the invoice screen fetched it itself).
func (a *account) putRow(inv api.Invoice) {
	sum := inv.Summary()
	row := newInvoiceRow(&sum)
	if i := slices.IndexFunc(a.invoices, func(r *invoiceRow) bool { return r.id == inv.ID }); i >= 0 {
		a.invoices[i] = row
	} else {
		a.invoices = append([]*invoiceRow{row}, a.invoices...)
	}
	a.invoicesChanged.emit(a.invoices)
}

// kindOf is the kind of a listed invoice, "" when it is not listed.
func (a *account) kindOf(id string) billing.InvoiceKind {
	for _, r := range a.invoices {
		if r.id == id {
			return r.kind.Value()
		}
	}
	return ""
}

// ledgerMoved records that the ledger has new entries.
func (a *account) ledgerMoved() {
	a.ledger++
	a.ledgerChanged.emit(a.ledger)
}

// follow applies the server's live updates until the context ends.
func (a *account) follow() {
	a.run.spawn(func() {
		for u := range a.backend.Events(a.ctx) {
			a.run.post(TaskEvent, u.Err, func() { a.onUpdate(u) })
		}
	})
}

func (a *account) onUpdate(u apiclient.Update) {
	switch {
	case u.Summary != nil:
		a.setSummary(*u.Summary)
	case u.Event != nil:
		a.onEvent(*u.Event)
	case u.State == apiclient.StreamLive:
		a.refreshSummary() // catch up on anything missed while disconnected
	case u.Err != nil:
		a.setOffline(u.Err)
	}
}

func (a *account) onEvent(ev api.Event) {
	switch {
	case ev.Balance != nil:
		a.setBalance(*ev.Balance, ev.CreatedAt)
		a.ledgerMoved()
	case ev.Invoice != nil:
		a.invoiceUpdated(*ev.Invoice)
		a.ledgerMoved()
		a.refreshSummary()
	case ev.Payment != nil:
		a.paymentChanged.emit(*ev.Payment)
	}
}
