package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/bankstatement"
)

// The Bank statements screen's tasks.
const (
	TaskStatements       Task = "bank statements"
	TaskStatement        Task = "bank statement"
	TaskUploadStatement  Task = "upload statement"
	TaskPendingTransfers Task = "pending transfers"
	TaskResolveLine      Task = "resolve statement line"
)

// StatementBackend is what the Bank statements screen needs
// (*apiclient.Client).
type StatementBackend interface {
	StaffUploadStatement(ctx context.Context, file []byte) (api.BankStatement, error)
	StaffStatements(ctx context.Context, q apiclient.PageQuery) (api.BankStatementPage, error)
	StaffStatement(ctx context.Context, id string) (api.BankStatement, error)
	StaffResolveLine(ctx context.Context, key apiclient.IdempotencyKey, lineID string, req api.ResolveLineRequest) (api.BankStatementLine, error)
}

// statementsScreen lets staff upload the bank's statement files, see how
// each deposit was reconciled (matched to a customer's transfer, queued,
// resolved) and decide the queued ones: assign to a pending transfer,
// accept a bank fee the sender deducted, credit as an adjustment, or set
// aside as not ours.
type statementsScreen struct {
	env        *env
	staff      StaffBackend
	list       []api.BankStatement
	statements *navList
	upload     *widget.Button
	progress   *spinner
	status     *wrapLabel
	detail     *fyne.Container
	current    *api.BankStatement
	lines      *navList
	queue      *lineActions
	gen        atomic.Uint64
	detGen     atomic.Uint64
	root       fyne.CanvasObject
}

func newStatementsScreen(e *env, staff StaffBackend) *statementsScreen {
	s := &statementsScreen{env: e, staff: staff}
	s.build()
	return s
}

func (s *statementsScreen) build() {
	s.upload = widget.NewButtonWithIcon(lang.L("Upload statement…"), theme.UploadIcon(), s.onUpload)
	s.upload.Importance = widget.HighImportance
	s.progress = newSpinner()
	s.progress.Hide()
	s.status = newWrapped("")
	s.statements = newNavList(func() int { return len(s.list) },
		func() fyne.CanvasObject {
			// The template shows what a row shows, in the UI's language, so
			// that the list asks for the width its rows need and the
			// columns stack rather than cut a row's counts off.
			texts := statementTexts(statementTemplate)
			return container.NewVBox(widget.NewLabelWithStyle(texts[0], fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
				widget.NewLabel(texts[1]), widget.NewLabel(texts[2]))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			for j, text := range statementTexts(s.list[i]) {
				row.Objects[j].(*widget.Label).SetText(text)
			}
		})
	s.statements.OnSelected = func(i widget.ListItemID) { s.open(s.list[i].ID) }
	s.detail = container.NewStack(widget.NewLabel(lang.L("Choose a statement, or upload the bank's file.")))
	statements := container.New(&listRowsLayout{rows: func() int { return len(s.list) }, most: 4}, s.statements)
	left := container.NewBorder(container.NewVBox(s.upload, s.progress, s.status), nil, nil, nil, statements)
	// Side by side at fixed shares, as the customers are: a split's
	// divider moved nothing staff need. Stacked, the statement open takes
	// the height the list's rows leave.
	s.root = container.New(&columnsLayout{minWidth: 240, weights: []float32{1, 2}, stackWeights: []float32{0, 1}}, left, s.detail)
}

func (s *statementsScreen) object() fyne.CanvasObject { return s.root }

// focusTarget is Upload statement…, what staff come here to do.
func (s *statementsScreen) focusTarget() fyne.Focusable { return s.upload }

// refresh lists the statements each time the screen is shown: another
// staff member may have uploaded one.
func (s *statementsScreen) refresh() { s.load() }

// counts is where a statement's deposits stand, on one line.
func counts(st api.BankStatement) string {
	return lang.L("{{.Deposits}}: {{.States}}", map[string]any{"Deposits": depositCount(st), "States": depositStates(st)})
}

func depositCount(st api.BankStatement) string {
	return lang.N("{{.Count}} deposits", st.Deposits, map[string]any{"Count": st.Deposits})
}

func depositStates(st api.BankStatement) string {
	return lang.L("{{.Matched}} matched · {{.Queued}} queued · {{.Resolved}} resolved",
		map[string]any{"Matched": st.Matched, "Queued": st.Queued, "Resolved": st.Resolved})
}

// statementTemplate is a statement with the widest counts a week's
// statement is likely to have, for sizing the list.
var statementTemplate = api.BankStatement{PeriodFrom: "2026-12-28", PeriodTo: "2026-12-31", Deposits: 888, Matched: 888, Queued: 888, Resolved: 888}

// statementTexts are a statement's lines in the list: its period, how many
// deposits it has, and where they stand, or, while not all of them are
// recorded, what to do about it.
func statementTexts(st api.BankStatement) [3]string {
	texts := [3]string{fmtPeriod(st.PeriodFrom, st.PeriodTo), depositCount(st), depositStates(st)}
	if st.Incomplete {
		texts[2] = lang.L("Not complete: upload the file again")
	}
	return texts
}

// load lists the newest statements (a provider uploads one or a few a
// week: the first page is months of them).
func (s *statementsScreen) load() {
	run(s.env.run, s.env.ctx, TaskStatements, &s.gen, func(ctx context.Context) (api.BankStatementPage, error) {
		return s.staff.StaffStatements(ctx, apiclient.PageQuery{Limit: 100})
	}, func(p api.BankStatementPage, err error) {
		if err != nil {
			s.status.SetText(describe(err))
			return
		}
		s.list = p.Items
		s.statements.Refresh()
	})
}

// onUpload asks for the file; reading it happens off the UI goroutine.
func (s *statementsScreen) onUpload() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.env.showError(lang.L("Could not open the file"), err)
			return
		}
		if r != nil {
			s.uploadFrom(r)
		}
	}, s.env.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// errFileTooLarge is refused before sending: the server takes no more.
var errFileTooLarge = errors.New("file too large")

// uploadFrom reads the chosen file and uploads it, showing progress.
func (s *statementsScreen) uploadFrom(r fyne.URIReadCloser) {
	name := r.URI().Name()
	s.upload.Disable()
	s.progress.Show()
	s.status.SetText(lang.L("Uploading {{.Name}}…", map[string]any{"Name": name}))
	known := map[string]api.BankStatement{} // what the list said before
	for _, st := range s.list {
		known[st.ID] = st
	}
	run(s.env.run, s.env.ctx, TaskUploadStatement, nil, func(ctx context.Context) (api.BankStatement, error) {
		file, err := io.ReadAll(io.LimitReader(r, bankstatement.MaxFileSize+1))
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		switch {
		case err != nil:
			return api.BankStatement{}, err
		case len(file) > bankstatement.MaxFileSize:
			return api.BankStatement{}, errFileTooLarge
		}
		return s.staff.StaffUploadStatement(ctx, file)
	}, func(st api.BankStatement, err error) {
		s.progress.Hide()
		s.upload.Enable()
		switch {
		case errors.Is(err, errFileTooLarge):
			s.status.SetText(lang.L("{{.Name}} is larger than 10 MB. Download a shorter period from the bank.", map[string]any{"Name": name}))
			return
		case err != nil:
			s.status.SetText(lang.L("{{.Name}} was not uploaded: {{.Error}}", map[string]any{"Name": name, "Error": describe(err)}))
			return
		}
		switch before, ok := known[st.ID]; {
		case ok && !before.Incomplete:
			s.status.SetText(lang.L("{{.Name}} was uploaded before; nothing changed.", map[string]any{"Name": name}))
		case ok:
			s.status.SetText(lang.L("{{.Name}}: the rest of its deposits recorded.", map[string]any{"Name": name}) + " " + counts(st))
		default:
			s.status.SetText(lang.L("{{.Name}} uploaded.", map[string]any{"Name": name}) + " " + counts(st))
		}
		s.show(st)
		s.load()
	})
}

// open loads a statement with its lines.
func (s *statementsScreen) open(id string) {
	run(s.env.run, s.env.ctx, TaskStatement, &s.detGen, func(ctx context.Context) (api.BankStatement, error) {
		return s.staff.StaffStatement(ctx, id)
	}, func(st api.BankStatement, err error) {
		if err != nil {
			s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(describe(err))}
			s.detail.Refresh()
			return
		}
		s.show(st)
	})
}

// show puts a statement and its deposits on the right.
func (s *statementsScreen) show(st api.BankStatement) {
	s.current = &st
	text := fmt.Sprintf("%s\n%s · %s · %s", st.Account, fmtPeriod(st.PeriodFrom, st.PeriodTo), st.UploadedBy, counts(st))
	if st.Incomplete {
		text += "\n" + lang.L("Not all of this statement's deposits are recorded: its upload is still running, or it stopped. Upload the same file again to record the rest; none is recorded twice.")
	}
	head := newWrapped(text)
	s.lines = newNavList(func() int { return len(s.current.Lines) },
		func() fyne.CanvasObject {
			amount := widget.NewLabelWithStyle("¥0,000,000", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
			return container.NewBorder(nil, nil, nil, amount, container.NewVBox(widget.NewLabel("2026-01-01 ﾌﾘｺﾐ ﾆﾝ"), widget.NewLabel("State")))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := s.current.Lines[i]
			row := o.(*fyne.Container)
			text := row.Objects[0].(*fyne.Container)
			text.Objects[0].(*widget.Label).SetText(fmtDay(l.Date) + "  " + l.Remitter)
			text.Objects[1].(*widget.Label).SetText(lineState(l))
			row.Objects[1].(*widget.Label).SetText(billing.Format(l.Amount))
		})
	s.queue = newLineActions(s)
	s.lines.OnSelected = func(i widget.ListItemID) { s.queue.choose(s.current.Lines[i]) }
	s.detail.Objects = []fyne.CanvasObject{container.NewBorder(head, s.queue.root, nil, nil, s.lines)}
	s.detail.Refresh()
}

// lineState says what became of a deposit, with the customer, invoice and
// amount of the transfer it paid or looks like.
func lineState(l api.BankStatementLine) string {
	var state string
	switch l.State {
	case api.LineMatched, api.LinePending:
		state = lang.L("Matched")
	case api.LineQueued:
		state = lang.L("Queued") + ": " + queueReason(l.Reason)
	case api.LineResolved:
		state = resolution(l.Resolution)
		if l.Note != "" {
			state += " (" + l.Note + ")"
		}
	}
	if p := l.Payment; p != nil {
		state += " · " + p.CustomerName + " · " + p.InvoiceNumber + " · " + billing.Format(p.Amount)
	}
	return state
}

func queueReason(reason string) string {
	switch reason {
	case api.QueueAmountDiffers:
		return lang.L("the amount differs from the transfer's")
	case api.QueuePaymentNotOpen:
		return lang.L("the transfer is no longer waiting")
	case api.QueueNameAndAmount:
		return lang.L("matches by name and amount only")
	}
	return lang.L("matches no transfer")
}

func resolution(r string) string {
	switch r {
	case api.ResolveAssign:
		return lang.L("Assigned")
	case api.ResolveShortfall:
		return lang.L("Bank fee accepted")
	case api.ResolveCredit:
		return lang.L("Credited as an adjustment")
	}
	return lang.L("Not ours")
}

// lineActions is the panel under the lines where staff decide a queued
// one: the customer, their pending transfer, a reason, and the action.
type lineActions struct {
	screen    *statementsScreen
	line      *api.BankStatementLine
	customers []api.Customer
	transfers []pendingTransfer
	customer  *widget.Select
	transfer  *widget.Select
	reason    *widget.Entry
	assign    *widget.Button
	shortfall *widget.Button
	credit    *widget.Button
	notOurs   *widget.Button
	result    *wrapLabel
	key       actionKey[resolveRequest]
	custGen   atomic.Uint64
	trGen     atomic.Uint64
	root      *fyne.Container
}

// pendingTransfer is a customer's bank transfer waiting for its money.
type pendingTransfer struct {
	paymentID, label string
	amount           billing.Money
}

// resolveRequest identifies a decision: the same again repeats it with
// the same idempotency key.
type resolveRequest struct {
	lineID string
	req    api.ResolveLineRequest
}

func newLineActions(s *statementsScreen) *lineActions {
	a := &lineActions{screen: s}
	a.customer = widget.NewSelect(nil, func(string) { a.onCustomer() })
	a.customer.PlaceHolder = lang.L("Customer")
	a.transfer = widget.NewSelect(nil, func(string) { a.update() })
	a.transfer.PlaceHolder = lang.L("Pending bank transfer")
	a.reason = widget.NewEntry()
	a.reason.SetPlaceHolder(lang.L("Reason (the customer sees it on a credit)"))
	a.reason.OnChanged = func(string) { a.update() }
	a.assign = widget.NewButton(lang.L("Assign to the transfer"), func() { a.resolve(api.ActionAssign) })
	a.shortfall = widget.NewButton(lang.L("Accept bank fee"), func() { a.resolve(api.ActionAcceptShortfall) })
	a.credit = widget.NewButton(lang.L("Credit as adjustment"), func() { a.resolve(api.ActionCredit) })
	a.notOurs = widget.NewButton(lang.L("Not ours"), func() { a.resolve(api.ActionNotOurs) })
	a.result = newWrapped(lang.L("Choose a queued line to decide it."))
	a.root = container.NewVBox(widget.NewSeparator(), a.result)
	return a
}

// choose shows the actions for a queued line, with the transfer it looks
// like chosen; other lines only say what became of them.
func (a *lineActions) choose(l api.BankStatementLine) {
	a.line = &l
	if l.State != api.LineQueued {
		a.root.Objects = []fyne.CanvasObject{widget.NewSeparator(), a.result}
		a.result.SetText(lang.L("Line {{.Line}}: {{.State}}", map[string]any{"Line": l.Line, "State": lineState(l)}))
		a.root.Refresh()
		return
	}
	a.result.SetText(lang.L("Line {{.Line}}: {{.Amount}} from {{.Remitter}}", map[string]any{"Line": l.Line, "Amount": billing.Format(l.Amount), "Remitter": l.Remitter}))
	a.root.Objects = []fyne.CanvasObject{widget.NewSeparator(), a.result,
		container.NewGridWithColumns(2, a.customer, a.transfer), a.reason,
		container.NewHBox(a.assign, a.shortfall, a.credit, a.notOurs)}
	a.root.Refresh()
	a.transfers = nil
	a.transfer.Options = nil
	a.transfer.ClearSelected()
	a.update()
	a.loadCustomers()
}

// loadCustomers fills the customer choice with the first page of the
// search (a small provider's customers fit it), choosing the suggested
// payment's.
func (a *lineActions) loadCustomers() {
	suggested := ""
	if a.line.Payment != nil {
		suggested = a.line.Payment.CustomerID
	}
	run(a.screen.env.run, a.screen.env.ctx, TaskCustomers, &a.custGen, func(ctx context.Context) (api.CustomerList, error) {
		return a.screen.staff.StaffCustomerPage(ctx, apiclient.CustomerQuery{Limit: 500})
	}, func(l api.CustomerList, err error) {
		if err != nil {
			a.result.SetText(describe(err))
			return
		}
		a.customers = l.Items
		options := make([]string, len(l.Items))
		for i, c := range l.Items {
			options[i] = c.Name + " · " + c.Email
		}
		a.customer.Options = options
		a.customer.ClearSelected()
		for i, c := range l.Items {
			if c.ID == suggested {
				a.customer.SetSelectedIndex(i)
			}
		}
		a.customer.Refresh()
	})
}

func (a *lineActions) chosenCustomer() *api.Customer {
	if i := a.customer.SelectedIndex(); i >= 0 && i < len(a.customers) {
		return &a.customers[i]
	}
	return nil
}

func (a *lineActions) chosenTransfer() *pendingTransfer {
	if i := a.transfer.SelectedIndex(); i >= 0 && i < len(a.transfers) {
		return &a.transfers[i]
	}
	return nil
}

// onCustomer lists the chosen customer's pending bank transfers.
func (a *lineActions) onCustomer() {
	cu := a.chosenCustomer()
	a.update()
	if cu == nil {
		return
	}
	suggested := ""
	if a.line.Payment != nil {
		suggested = a.line.Payment.PaymentID
	}
	run(a.screen.env.run, a.screen.env.ctx, TaskPendingTransfers, &a.trGen, func(ctx context.Context) ([]pendingTransfer, error) {
		var out []pendingTransfer
		for inv, err := range a.screen.staff.StaffAllInvoices(ctx, cu.ID, apiclient.InvoiceQuery{Status: billing.InvoiceUnpaid, Limit: 100}) {
			if err != nil {
				return nil, err
			}
			for _, p := range inv.Payments {
				if p.NextAction.Instructions != nil && p.State == billing.PaymentAwaitingAction {
					out = append(out, pendingTransfer{paymentID: p.ID, amount: p.Amount,
						label: inv.Number + " · " + billing.Format(p.Amount) + " · " + p.NextAction.Instructions.Reference})
				}
			}
		}
		return out, nil
	}, func(ts []pendingTransfer, err error) {
		if err != nil {
			a.result.SetText(describe(err))
			return
		}
		a.transfers = ts
		options := make([]string, len(ts))
		for i, t := range ts {
			options[i] = t.label
		}
		a.transfer.Options = options
		a.transfer.ClearSelected()
		for i, t := range ts {
			if t.paymentID == suggested {
				a.transfer.SetSelectedIndex(i)
			}
		}
		a.transfer.Refresh()
		a.update()
	})
}

// update enables the actions the choices allow and names the shortfall
// accepting the bank fee would absorb.
func (a *lineActions) update() {
	if a.line == nil {
		return
	}
	t, reasoned := a.chosenTransfer(), len([]rune(strings.TrimSpace(a.reason.Text))) >= 3
	short := int64(-1)
	if t != nil && t.amount.Currency == a.line.Amount.Currency {
		short = t.amount.Amount - a.line.Amount.Amount
	}
	enable(a.assign, short == 0)
	enable(a.shortfall, short > 0)
	a.shortfall.SetText(lang.L("Accept bank fee"))
	if short > 0 {
		a.shortfall.SetText(lang.L("Accept {{.Amount}} shortfall", map[string]any{"Amount": billing.Format(billing.New(short, a.line.Amount.Currency))}))
	}
	enable(a.credit, a.chosenCustomer() != nil && reasoned)
	enable(a.notOurs, reasoned)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// resolve sends staff's decision on the chosen line.
func (a *lineActions) resolve(action string) {
	l := *a.line
	req := api.ResolveLineRequest{Action: action}
	switch action {
	case api.ActionAssign, api.ActionAcceptShortfall:
		if t := a.chosenTransfer(); t != nil {
			req.PaymentID = t.paymentID
		}
	case api.ActionCredit:
		if cu := a.chosenCustomer(); cu != nil {
			req.CustomerID = cu.ID
		}
	}
	req.Reason = strings.TrimSpace(a.reason.Text)
	key := a.key.keyFor(resolveRequest{lineID: l.ID, req: req})
	buttons := []*widget.Button{a.assign, a.shortfall, a.credit, a.notOurs}
	for _, b := range buttons {
		b.Disable()
	}
	s := a.screen
	run(s.env.run, s.env.ctx, TaskResolveLine, nil, func(ctx context.Context) (api.BankStatementLine, error) {
		return s.staff.StaffResolveLine(ctx, key, l.ID, req)
	}, func(done api.BankStatementLine, err error) {
		a.key.done(key, err)
		if err != nil {
			a.update()
			a.result.SetText(lang.L("Line {{.Line}} was not resolved: {{.Error}}", map[string]any{"Line": l.Line, "Error": describe(err)}))
			return
		}
		s.status.SetText(lang.L("Line {{.Line}}: {{.State}}", map[string]any{"Line": done.Line, "State": lineState(done)}))
		s.open(done.StatementID)
		s.load()
	})
}
