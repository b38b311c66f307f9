package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/invoicepdf"
)

// Archiver is the offline archive of the signed-in account: it syncs with
// the server, and searches and verifies with no network.
type Archiver interface {
	Open(dir string) (ArchiveStore, error)
}

// ArchiveStore is one opened archive folder.
type ArchiveStore interface {
	Dir() string
	// Sync archives the account's invoices; for staff, those of customers.
	Sync(ctx context.Context, customers []string, progress func(done, total int)) (archive.SyncResult, error)
	Search(ctx context.Context, q archive.Query) ([]archive.Entry, error)
	Verify(ctx context.Context) (archive.Report, error)
	Versions(ctx context.Context, invoiceID string) ([]archive.Version, error)
	Close() error
}

// archiveScreen is the Archive section: Sync with progress and cancel, a
// search form, results, open a PDF, reveal the folder, Verify, CSV export.
// It opens the archive folder the first time it is shown.
type archiveScreen struct {
	env      *env
	archiver Archiver
	scope    archiveScope
	store    ArchiveStore
	opening  bool
	entries  []archive.Entry
	titles   []string
	table    *columnTable
	empty    *wrapLabel // in the table's place when it has no rows: why, and what to do
	status   *wrapLabel
	progress *widget.ProgressBar
	syncBtn  *button
	openPDF  *button
	versions *button
	cancel   context.CancelFunc
	from, to *widget.Entry
	min, max *widget.Entry
	party    *widget.Entry
	state    *widget.Select
	selected int
	gen      atomic.Uint64
	root     fyne.CanvasObject
}

// archiveScope is whose invoices the archive keeps: the signed-in
// customer's own (ownInvoices), or those of the customers a staff member
// chose (chosenCustomers).
type archiveScope interface {
	// controls are the scope's own rows above the search form.
	controls() []fyne.CanvasObject
	// fields are the scope's own search fields.
	fields() []fyne.CanvasObject
	// customers are whose invoices a sync archives (nil: the account's
	// own); false when there are none yet, after asking the user.
	customers() ([]string, bool)
	// currency is the currency of a total range, "" when none is chosen;
	// filter says whether the search keeps to it even without a range.
	currency() (cur billing.Currency, filter bool)
}

// ownInvoices is a customer's own archive, in the account's currency.
type ownInvoices struct{ cur billing.Currency }

func (ownInvoices) controls() []fyne.CanvasObject        { return nil }
func (ownInvoices) fields() []fyne.CanvasObject          { return nil }
func (ownInvoices) customers() ([]string, bool)          { return nil, true }
func (o ownInvoices) currency() (billing.Currency, bool) { return o.cur, false }

func newArchiveScreen(e *env, archiver Archiver, scope archiveScope) *archiveScreen {
	s := &archiveScreen{env: e, archiver: archiver, scope: scope, selected: -1}
	s.build()
	return s
}

func (s *archiveScreen) build() {
	s.status = newWrapped(lang.L("Opening the archive…"))
	s.progress = widget.NewProgressBar()
	// The status line counts; Fyne's percentage, drawn in one colour
	// across the bar and its paler track, cannot be legible on both.
	s.progress.TextFormatter = func() string { return "" }
	s.progress.Hide()
	s.syncBtn = newButton(lang.L("Sync"), theme.ViewRefreshIcon(), s.onSync)
	s.syncBtn.Importance = widget.HighImportance
	verify := newButton(lang.L("Verify"), theme.ConfirmIcon(), s.onVerify)
	export := newButton(lang.L("Export CSV"), theme.DocumentSaveIcon(), s.onExport)
	folder := newButton(lang.L("Show folder"), theme.FolderOpenIcon(), s.onShowFolder)
	// The placeholders say "any": an example value in grey reads like a
	// filter that is already set.
	s.from, s.to = widget.NewEntry(), widget.NewEntry()
	s.from.SetPlaceHolder(lang.L("Any date"))
	s.to.SetPlaceHolder(lang.L("Any date"))
	s.min, s.max = widget.NewEntry(), widget.NewEntry()
	s.min.SetPlaceHolder(lang.L("Any amount"))
	s.max.SetPlaceHolder(lang.L("Any amount"))
	s.party = widget.NewEntry()
	s.party.SetPlaceHolder(lang.L("Any seller or buyer"))
	statusNames := make([]string, len(archiveStatuses))
	for i, st := range archiveStatuses {
		statusNames[i] = lang.L("All")
		if st != "" {
			statusNames[i] = statusText(st)
		}
	}
	s.state = widget.NewSelect(statusNames, func(string) {})
	s.state.SetSelected(statusNames[0])
	search := newButton(lang.L("Search"), theme.SearchIcon(), s.onSearch)
	for _, e := range []*widget.Entry{s.from, s.to, s.min, s.max, s.party} {
		e.OnSubmitted = func(string) { s.onSearch() }
	}
	fields := []fyne.CanvasObject{
		labeled(lang.L("Issued from"), s.from), labeled(lang.L("to"), s.to),
		labeled(lang.L("Total from"), s.min), labeled(lang.L("to"), s.max),
		labeled(lang.L("Counterparty"), s.party), labeled(lang.L("Status"), s.state),
	}
	fields = append(fields, s.scope.fields()...)
	form := newFlowGrid(150, append(fields, container.NewVBox(widget.NewLabel(""), search))...)

	s.titles = []string{lang.L("Number"), lang.L("Date"), lang.L("Total"), lang.L("Status"), lang.L("Counterparty"), lang.L("Version")}
	s.table = newColumnTable(s.env.app.Preferences(), PrefArchiveColumns, s.titles, 4, func() int { return len(s.entries) },
		func() fyne.CanvasObject { return widget.NewLabel("INV-2026-000000") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Text = archiveCell(&s.entries[id.Row], id.Col)
			l.Alignment, l.Truncation = fyne.TextAlignLeading, fyne.TextTruncateEllipsis
			if id.Col == 2 {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.Refresh()
		})
	s.table.shrink = []int{0} // the number
	s.openPDF = newButton(lang.L("Open PDF"), theme.DocumentIcon(), s.onOpenPDF)
	s.openPDF.Disable()
	s.versions = newButton(lang.L("Versions"), theme.HistoryIcon(), s.onVersions)
	s.versions.Disable()
	s.table.OnSelected = s.onSelect
	s.table.OnUnselected = func(widget.TableCellID) {
		s.openPDF.Disable()
		s.versions.Disable()
	}
	rows := []fyne.CanvasObject{newFlow(s.syncBtn, verify, export, folder, s.openPDF, s.versions)}
	rows = append(rows, s.scope.controls()...)
	top := container.NewVBox(append(rows, s.progress, s.status, widget.NewCard("", "", form))...)
	s.empty = newWrapped("")
	s.empty.Alignment = fyne.TextAlignCenter
	s.empty.Hide()
	s.root = container.NewBorder(top, nil, nil, nil, container.NewStack(s.table, container.NewPadded(s.empty)))
}

func (s *archiveScreen) object() fyne.CanvasObject { return s.root }

func (s *archiveScreen) focusTarget() fyne.Focusable { return s.syncBtn }

func (s *archiveScreen) onSelect(id widget.TableCellID) {
	s.selected = id.Row
	s.openPDF.Enable()
	if s.entries[id.Row].Version > 1 { // the earlier ones were kept
		s.versions.Enable()
	} else {
		s.versions.Disable()
	}
}

func (s *archiveScreen) onOpenPDF() {
	if s.selected >= 0 && s.selected < len(s.entries) {
		s.openPath(s.entries[s.selected].PDFPath)
	}
}

func (s *archiveScreen) onShowFolder() {
	if s.store != nil {
		s.openPath(s.store.Dir())
	}
}

// archiveStatuses are the status filter's choices ("": any).
var archiveStatuses = []billing.InvoiceStatus{"", billing.InvoiceUnpaid, billing.InvoicePaid, billing.InvoiceCancelled, billing.InvoiceRefunded}

// PrefArchiveColumns keeps the widths the user gave the archive's columns.
const PrefArchiveColumns = "columns.archive"

// archiveCell is an archived invoice's text in the results' column col.
func archiveCell(e *archive.Entry, col int) string {
	switch col {
	case 0:
		return e.Number
	case 1:
		return fmtDay(e.IssueDate)
	case 2:
		return billing.Format(e.Total)
	case 3:
		return statusText(e.Status)
	case 4:
		return counterparty(*e)
	}
	return fmt.Sprintf("v%d", e.Version)
}

func labeled(name string, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel(name), o)
}

func counterparty(e archive.Entry) string {
	if e.BuyerCompany != "" {
		return e.BuyerCompany
	}
	return e.Buyer
}

// refresh opens the archive folder the first time the screen is shown.
func (s *archiveScreen) refresh() {
	if s.store == nil && !s.opening {
		s.open()
	}
}

func (s *archiveScreen) open() {
	dir := s.env.archiveFolder()
	s.opening = true
	run(s.env.run, s.env.ctx, TaskArchiveOpen, nil, func(context.Context) (ArchiveStore, error) { return s.archiver.Open(dir) },
		func(st ArchiveStore, err error) {
			s.opening = false
			if err != nil {
				s.status.SetText(describe(err))
				return
			}
			s.store = st
			s.status.SetText(lang.L("Archive folder: {{.Folder}}", map[string]any{"Folder": st.Dir()}))
			s.onSearch()
		})
}

func (s *archiveScreen) close() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.store != nil {
		st := s.store
		go func() { _ = st.Close() }()
	}
}

func (s *archiveScreen) onSync() {
	if s.store == nil {
		return
	}
	if s.cancel != nil { // the button is "Cancel" while syncing
		s.cancel()
		return
	}
	customers, ok := s.scope.customers()
	if !ok {
		s.status.SetText(lang.L("Choose the customers whose invoices to archive."))
		return
	}
	ctx, cancel := context.WithCancel(s.env.ctx)
	s.cancel = cancel
	s.syncBtn.SetText(lang.L("Cancel"))
	s.syncBtn.SetIcon(theme.CancelIcon())
	s.progress.SetValue(0)
	s.progress.Show()
	st := s.store
	run(s.env.run, ctx, TaskArchiveSync, nil, func(ctx context.Context) (archive.SyncResult, error) {
		return st.Sync(ctx, customers, func(done, total int) {
			s.env.run.do(func() {
				if total > 0 {
					s.progress.SetValue(float64(done) / float64(total))
				}
				s.status.SetText(lang.L("Synchronising… {{.Done}} of {{.Total}}", map[string]any{"Done": done, "Total": total}))
			})
		})
	}, func(r archive.SyncResult, err error) {
		s.cancel = nil
		cancel()
		s.syncBtn.SetText(lang.L("Sync"))
		s.syncBtn.SetIcon(theme.ViewRefreshIcon())
		s.progress.Hide()
		switch {
		case errors.Is(err, context.Canceled):
			s.status.SetText(lang.L("Sync cancelled; what was archived is kept. Sync again to continue."))
		case err != nil:
			s.status.SetText(describe(err))
		default:
			text := lang.L("Synchronised {{.Time}}: {{.New}} new, {{.Changed}} changed, {{.Unchanged}} unchanged, {{.Failed}} failed.",
				map[string]any{"Time": fmtTime(time.Now()), "New": r.New, "Changed": r.Changed, "Unchanged": r.Unchanged, "Failed": len(r.Failed)})
			if len(r.Marked) > 0 {
				text += " " + lang.N("{{.Count}} PDFs show {{.Mark}} for characters the font lacks (first: {{.Number}}); their data is archived exactly.", len(r.Marked),
					map[string]any{"Count": len(r.Marked), "Mark": string(invoicepdf.MissingMark), "Number": r.Marked[0].Number})
			}
			s.status.SetText(text)
		}
		s.onSearch()
	})
}

// query reads the form; a malformed field is reported instead.
func (s *archiveScreen) query() (archive.Query, string) {
	var q archive.Query
	for _, f := range []struct {
		e   *widget.Entry
		dst *time.Time
	}{{s.from, &q.From}, {s.to, &q.To}} {
		if t := strings.TrimSpace(f.e.Text); t != "" {
			d, ok := parseDay(t)
			if !ok {
				return q, lang.L("Write dates like {{.Example}}.", map[string]any{"Example": fmtDate(time.Now())})
			}
			*f.dst = d
		}
	}
	// Totals compare within one currency: the account's, or for staff the
	// one chosen in the form.
	cur, filter := s.scope.currency()
	if filter {
		q.Currency = cur
	}
	for _, f := range []struct {
		e   *widget.Entry
		dst **int64
	}{{s.min, &q.MinTotal}, {s.max, &q.MaxTotal}} {
		if t := strings.TrimSpace(f.e.Text); t != "" {
			if cur == "" {
				return q, lang.L("Choose the currency of the totals.")
			}
			m, err := billing.ParseAmount(t, cur)
			if err != nil {
				return q, lang.L("Enter an amount such as {{.Example}}.", map[string]any{"Example": "10000"})
			}
			v := m.Amount
			*f.dst = &v
			q.Currency = cur
		}
	}
	q.Counterparty = strings.TrimSpace(s.party.Text)
	q.Status = archiveStatuses[max(0, s.state.SelectedIndex())]
	return q, ""
}

func (s *archiveScreen) onSearch() {
	if s.store == nil {
		return
	}
	q, problem := s.query()
	if problem != "" {
		s.status.SetText(problem)
		return
	}
	st := s.store
	run(s.env.run, s.env.ctx, TaskArchiveSearch, &s.gen, func(ctx context.Context) ([]archive.Entry, error) { return st.Search(ctx, q) },
		func(list []archive.Entry, err error) {
			if err != nil {
				s.status.SetText(describe(err))
				return
			}
			s.entries, s.selected = list, -1
			s.table.setContent(s.titles, len(list), func(row, col int) string { return archiveCell(&list[row], col) })
			s.table.UnselectAll()
			s.table.Refresh()
			s.showEmpty(q)
		})
}

// showEmpty puts a hint in place of an empty table: an archive that was
// never synchronised says to Sync, a search that found nothing says so.
func (s *archiveScreen) showEmpty(q archive.Query) {
	setVisible(s.table, len(s.entries) > 0)
	switch {
	case len(s.entries) > 0:
		s.empty.Hide()
		return
	case q == archive.Query{Currency: q.Currency}:
		s.empty.SetText(lang.L("Nothing is archived here yet. Press Sync to keep a copy of every invoice in this folder; you can then search, open and verify them without a connection."))
	default:
		s.empty.SetText(lang.L("No archived invoice matches the search."))
	}
	s.empty.Show()
}

// parseDay reads a day written as the UI's language writes dates, or as
// 2026-04-01.
func parseDay(text string) (time.Time, bool) {
	for _, layout := range []string{lang.X("date-format", time.DateOnly), time.DateOnly} {
		if d, err := time.ParseInLocation(layout, text, time.Local); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// onVersions lists every archived version of the selected invoice, each
// with its PDF: what the invoice said when it was unpaid stays readable.
func (s *archiveScreen) onVersions() {
	if s.store == nil || s.selected < 0 || s.selected >= len(s.entries) {
		return
	}
	st, e := s.store, s.entries[s.selected]
	run(s.env.run, s.env.ctx, TaskVersions, nil, func(ctx context.Context) ([]archive.Version, error) { return st.Versions(ctx, e.ID) },
		func(vs []archive.Version, err error) {
			if err != nil {
				s.status.SetText(describe(err))
				return
			}
			list := widget.NewList(func() int { return len(vs) },
				func() fyne.CanvasObject {
					return container.NewBorder(nil, nil, nil, newButton(lang.L("Open PDF"), theme.DocumentIcon(), nil),
						widget.NewLabel("v2 · Unpaid · archived 2026-11-25 10:30"))
				},
				func(i widget.ListItemID, o fyne.CanvasObject) {
					v := vs[i]
					row := o.(*fyne.Container)
					row.Objects[0].(*widget.Label).SetText(lang.L("v{{.Version}} · {{.Status}} · archived {{.Time}}", map[string]any{
						"Version": v.Version, "Status": statusText(v.Status), "Time": fmtDateTime(v.ArchivedAt)}))
					row.Objects[1].(*button).OnTapped = func() { s.openPath(v.PDFPath) }
				})
			d := dialog.NewCustom(lang.L("Versions of {{.Number}}", map[string]any{"Number": e.Number}), lang.L("Close"), list, s.env.win)
			d.Resize(fyne.NewSize(520, 320))
			d.Show()
		})
}

func (s *archiveScreen) onVerify() {
	if s.store == nil {
		return
	}
	st := s.store
	s.status.SetText(lang.L("Verifying…"))
	run(s.env.run, s.env.ctx, TaskArchiveVerify, nil, func(ctx context.Context) (archive.Report, error) { return st.Verify(ctx) },
		func(r archive.Report, err error) {
			if err != nil {
				s.status.SetText(describe(err))
				return
			}
			if r.OK() {
				s.status.SetText(lang.L("Verified {{.Files}} and {{.Records}}: nothing was altered.", map[string]any{
					"Files":   lang.N("{{.Count}} files", r.Files, map[string]any{"Count": r.Files}),
					"Records": lang.N("{{.Count}} audit records", r.Records, map[string]any{"Count": r.Records})}))
			} else {
				var lines []string
				for _, p := range r.Problems {
					lines = append(lines, p.String())
				}
				s.status.SetText(lang.N("Verification found {{.Count}} problems.", len(r.Problems), map[string]any{"Count": len(r.Problems)}))
				text := newWrapped(strings.Join(lines, "\n"))
				d := dialog.NewCustom(lang.L("The archive was altered"), lang.L("Close"), container.NewVScroll(text), s.env.win)
				d.Resize(fyne.NewSize(700, 400))
				d.Show()
			}
		})
}

func (s *archiveScreen) onExport() {
	entries := s.entries
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		run(s.env.run, s.env.ctx, TaskExport, nil, func(context.Context) (string, error) {
			return save(w, func(w io.Writer) error {
				return archive.ExportCSV(w, entries, archive.CSVOptions{ForSpreadsheet: true})
			})
		}, func(name string, err error) {
			if err != nil {
				s.env.showError(lang.L("Could not export"), err)
				return
			}
			s.status.SetText(lang.L("Saved {{.Name}}", map[string]any{"Name": name}))
		})
	}, s.env.win)
	d.SetFileName("billfold-invoices.csv")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// openPath opens a file or folder with the system's default application.
func (s *archiveScreen) openPath(path string) { s.env.openURL(fileURL(path), nil) }

// fileURL is the file: URL of an absolute path, Windows drive paths
// included (C:\Users\… → file:///C:/Users/…).
func fileURL(path string) *url.URL {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}
