package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// Bank transfers reconciled from the bank's statement files. Staff upload
// a statement (Zengin 入出金取引明細 or an MUFG CSV export); each deposit
// whose remitter name or memo holds a pending transfer's reference and
// whose amount is the transfer's completes that payment exactly as a staff
// confirmation does, audited with the statement line. Every other deposit
// waits in a queue for staff: assign it to a pending transfer, accept a
// bank fee the sender deducted, credit it as an adjustment, or set it
// aside as not ours.

// MaxBankFee is the largest shortfall staff may accept as the bank fee a
// sender deducted (振込手数料 先方負担 not honoured): Japanese banks charge
// at most ¥880 for a transfer to another bank.
var MaxBankFee = billing.New(1_000, billing.JPY)

// UploadStatement reads a statement file and reconciles its deposits. The
// same file again (by SHA-256) is the statement recorded the first time,
// and changes nothing; a transaction another statement had already (an
// overlapping period) is shown as that statement's line and reconciled
// once. A file that cannot be read is statement_unreadable naming the
// line, and changes nothing. created reports whether the statement is new.
func (s *Service) UploadStatement(ctx context.Context, actor string, file []byte) (st api.BankStatement, created bool, err error) {
	parsed, err := bankstatement.Parse(file, bankstatement.Options{Now: s.now()})
	if err != nil {
		return api.BankStatement{}, false, statementProblem(err)
	}
	var id string
	var complete bool
	err = s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		if err := tx.LockStatements(); err != nil {
			return err
		}
		known, done, err := tx.StatementIDByHash(parsed.SHA256)
		switch {
		case err == nil && done:
			id, created, complete = known, false, true
			return tx.Audit(actor, "bank_statement.upload", "", known+" uploaded again (same file); nothing changed", s.now())
		case err == nil:
			// An upload of this file still recording, or cut short: this
			// one records what is left.
			id, created = known, false
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		id, created = auth.NewID("bst_"), true
		return tx.InsertStatement(s.statementOf(actor, id, parsed))
	})
	// The deposits go in parts, each its own transaction: on SQLite every
	// write waits for the one before it, and a year's statement recorded
	// in one transaction kept customers' payments waiting for seconds.
	for err == nil && !complete {
		err = s.db.WriteTx(ctx, "", func(tx *store.Tx) (err error) {
			complete, err = s.recordStatementPart(tx, actor, id, parsed)
			return err
		})
	}
	if err != nil {
		return api.BankStatement{}, false, err
	}
	// The payments matched are completed each under its customer's lock;
	// whatever stops that here, MatchPendingLines finishes it.
	if err := s.MatchPendingLines(ctx); err != nil {
		s.cfg.Log.WarnContext(ctx, "bank statement: matched lines left pending; they will be retried", "statement", id, "err", err)
	}
	err = s.read(ctx, func(tx *store.Tx) (err error) {
		st, err = s.Statement(tx, id)
		return err
	})
	return st, created, err
}

// statementProblem is the refusal of a file bankstatement cannot read,
// with the reader's finding in the language of the answer.
func statementProblem(err error) error {
	var pe *bankstatement.Error
	switch {
	case errors.Is(err, bankstatement.ErrTooLarge):
		return StatementTooLarge()
	case errors.As(err, &pe):
		return problem.New(api.CodeStatementUnreadable, "This file is not a bank statement the server reads: %s. Upload the bank's Zengin 入出金取引明細 file, or its MUFG 入出金明細 CSV export, as it was downloaded.",
			statementFinding(pe))
	}
	return err
}

// statementFinding is where the reader found what, to be translated.
func statementFinding(pe *bankstatement.Error) words.Msg {
	what := findingMsg(pe.Finding)
	field := words.Text(pe.Field)
	switch {
	case pe.Line > 0 && field != "":
		return words.M("line %d, %s: %s", pe.Line, field, what)
	case pe.Line > 0:
		return words.M("line %d: %s", pe.Line, what)
	case field != "":
		return words.M("%s: %s", field, what)
	}
	return what
}

// findingMsg is f as a text of the catalogue: its phrase and the phrases
// and findings among its arguments.
func findingMsg(f bankstatement.Finding) words.Msg {
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		switch a := a.(type) {
		case bankstatement.Phrase:
			args[i] = words.Text(a)
		case bankstatement.Finding:
			args[i] = findingMsg(a)
		default:
			args[i] = a
		}
	}
	return words.M(words.Text(f.Phrase), args...)
}

// StatementTooLarge refuses a statement file over
// bankstatement.MaxFileSize.
func StatementTooLarge() error {
	return problem.New(api.CodeBodyTooLarge, "The statement file is larger than %d MB. Download a shorter period from the bank and upload it in parts.",
		bankstatement.MaxFileSize>>20)
}

// statementOf is the statement row of a parsed file.
func (s *Service) statementOf(actor, id string, parsed *bankstatement.Statement) api.BankStatement {
	st := api.BankStatement{ID: id, Format: string(parsed.Format), Encoding: parsed.Encoding, SHA256: parsed.SHA256,
		Size: int64(parsed.Size), Account: accountsLabel(parsed.Accounts), UploadedBy: actor, UploadedAt: store.Time(s.now())}
	st.PeriodFrom, st.PeriodTo = period(parsed)
	for _, l := range parsed.Lines {
		if l.Direction == bankstatement.Withdrawal {
			st.Withdrawals++
		}
	}
	return st
}

// statementPart is how many deposits one transaction records.
const statementPart = 500

// recordStatementPart records the next deposits of a statement after the
// last one recorded, each matched, queued or a duplicate of a line recorded
// before, and once none is left marks the statement complete. Every part
// starts from what the index holds, so two uploads of one file at once
// take turns and never record a line twice.
func (s *Service) recordStatementPart(tx *store.Tx, actor, id string, parsed *bankstatement.Statement) (complete bool, err error) {
	if err := tx.LockStatements(); err != nil {
		return false, err
	}
	if _, done, err := tx.StatementIDByHash(parsed.SHA256); err != nil || done {
		return done, err
	}
	last, err := tx.LastRecordedLine(id)
	if err != nil {
		return false, err
	}
	// The open transfers of an amount, looked up once per part: they do
	// not change within the transaction (which lines claim them does, and
	// classify asks that for each line).
	open := map[billing.Money][]store.OpenTransfer{}
	recorded := 0
	for _, l := range parsed.Lines {
		if l.Direction != bankstatement.Deposit || l.Number <= last {
			continue
		}
		if recorded == statementPart {
			return false, nil
		}
		recorded++
		row := store.StatementLine{ID: auth.NewID("bsl_"), StatementID: id, Line: l.Number, Fingerprint: l.Fingerprint,
			Date: l.Date.Format(time.DateOnly), Amount: l.Amount, Remitter: l.Remitter, Description: joinNonEmpty(" / ", l.Description, l.EDI)}
		original, err := tx.OriginalLine(l.Fingerprint)
		if err != nil {
			return false, err
		}
		if original != "" {
			row.State, row.DuplicateOf = "duplicate", original
		} else if err := s.classify(tx, &row, open); err != nil {
			return false, err
		}
		if err := tx.InsertStatementLine(row); err != nil {
			return false, err
		}
	}
	if err := tx.CompleteStatement(id); err != nil {
		return false, err
	}
	st, err := tx.Statement(id)
	if err != nil {
		return false, err
	}
	matched, err := tx.MatchedOnUpload(id)
	if err != nil {
		return false, err
	}
	return true, tx.Audit(actor, "bank_statement.upload", "", fmt.Sprintf("%s %s %s: %d deposits, %d matched to pending transfers",
		id, st.Format, st.SHA256[:12], st.Deposits, matched), s.now())
}

// classify decides what a new deposit is: pending (its reference and
// amount are a pending transfer's: the transfer completes next), or queued
// with the reason and, when one looks like it, the payment.
func (s *Service) classify(tx *store.Tx, l *store.StatementLine, openOf map[billing.Money][]store.OpenTransfer) error {
	refs := bankstatement.FindReferences(l.Remitter + " " + l.Description)
	if len(refs) > 0 {
		l.Reference = refs[0]
	}
	for _, ref := range refs {
		p, err := tx.PaymentByReference(ref)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		claimed, err := tx.PaymentClaimed(p.ID)
		if err != nil {
			return err
		}
		l.Reference, l.PaymentID, l.State = ref, p.ID, api.LineQueued
		switch {
		case p.Gateway != gateway.BankTransferID || p.State != billing.PaymentAwaitingAction || claimed:
			l.Reason = api.QueuePaymentNotOpen
		case p.Amount != l.Amount:
			l.Reason = api.QueueAmountDiffers
		default:
			l.State = api.LinePending
		}
		return nil
	}
	open, ok := openOf[l.Amount]
	if !ok {
		var err error
		if open, err = tx.OpenTransfersOf(l.Amount); err != nil {
			return err
		}
		openOf[l.Amount] = open
	}
	remitter := bankstatement.NormalizeName(l.Remitter)
	for _, o := range open {
		if !nameIn(remitter, o.Name) && !nameIn(remitter, o.Company) {
			continue
		}
		claimed, err := tx.PaymentClaimed(o.PaymentID)
		if err != nil {
			return err
		}
		if !claimed {
			l.State, l.Reason, l.PaymentID = api.LineQueued, api.QueueNameAndAmount, o.PaymentID
			return nil
		}
	}
	l.State, l.Reason = api.LineQueued, api.QueueNoMatch
	return nil
}

// nameIn reports whether the customer's name is in the remitter's
// normalised name (half-width, no spaces or legal-entity marks).
func nameIn(remitter, name string) bool {
	n := bankstatement.NormalizeName(name)
	return utf8.RuneCountInString(n) >= 2 && strings.Contains(remitter, n)
}

// MatchPendingLines completes the payments of the lines matched to them,
// each in its customer's transaction: at once after an upload, and again
// (a background job) for lines an interrupted upload left pending.
func (s *Service) MatchPendingLines(ctx context.Context) error {
	var ids, uploaders []string
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		ids, uploaders, err = tx.PendingStatementLines()
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for i, id := range ids {
		if err := s.matchLine(ctx, id, uploaders[i]); err != nil {
			errs = append(errs, fmt.Errorf("statement line %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// matchLine completes the payment of a pending line, as staff confirming
// the transfer would (actor: who uploaded the statement), or queues the
// line when the payment is no longer waiting for it.
func (s *Service) matchLine(ctx context.Context, id, actor string) error {
	var owner string
	err := s.read(ctx, func(tx *store.Tx) error {
		l, err := tx.StatementLine(id)
		if err != nil {
			return err
		}
		p, err := tx.PaymentByID(l.PaymentID)
		owner = p.CustomerID
		return err
	})
	if err != nil {
		return err
	}
	return s.db.WriteTx(ctx, owner, func(tx *store.Tx) error {
		l, err := tx.StatementLineForUpdate(id)
		if err != nil || l.State != api.LinePending {
			return err // matched meanwhile by another upload's job
		}
		stored, err := tx.PaymentByID(l.PaymentID)
		if err != nil {
			return err
		}
		p := s.current(stored)
		if p.State != billing.PaymentAwaitingAction || p.Amount != l.Amount {
			l.State, l.Reason = api.LineQueued, api.QueuePaymentNotOpen
			return tx.SetLine(l, s.now())
		}
		if _, err := s.completePayment(tx, p.ID, true, "", actor); err != nil {
			return err
		}
		l.State = api.LineMatched
		if err := tx.SetLine(l, s.now()); err != nil {
			return err
		}
		return tx.Audit(actor, "bank_statement.match", p.CustomerID, fmt.Sprintf("%s line %d: %s %s %s from %q",
			l.StatementID, l.Line, p.ID, l.Reference, billing.Format(l.Amount), l.Remitter), s.now())
	})
}

// Statement is a statement with its deposits.
func (s *Service) Statement(tx *store.Tx, id string) (api.BankStatement, error) {
	st, err := tx.Statement(id)
	if err != nil {
		return api.BankStatement{}, notFound(err, "No bank statement with that id.")
	}
	st.Lines, err = tx.StatementLineViews(id)
	return st, err
}

// Statements is one page of the statements, newest upload first, without
// their lines.
func (s *Service) Statements(tx *store.Tx, page Page) (api.BankStatementPage, error) {
	cursor, err := page.cursor()
	if err != nil {
		return api.BankStatementPage{}, err
	}
	items, next, err := tx.StatementPage(page.Limit, cursor)
	if err != nil {
		return api.BankStatementPage{}, pageError(err)
	}
	return api.BankStatementPage{Items: items, NextCursor: encodeCursor(next)}, nil
}

// ResolveLineInput is what staff decide for a queued line.
type ResolveLineInput api.ResolveLineRequest

// Clean checks that the action has what it needs: a payment to assign
// to, a customer to credit, a reason the customer (credit) or the audit
// trail (not ours) reads.
func (in ResolveLineInput) Clean() (ResolveLineInput, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	in.PaymentID, in.CustomerID = strings.TrimSpace(in.PaymentID), strings.TrimSpace(in.CustomerID)
	var fields []problem.FieldError
	need := func(field, value string, msg words.Text) {
		if value == "" {
			fields = append(fields, problem.Field(field, "required", msg))
		}
	}
	switch in.Action {
	case api.ActionAssign, api.ActionAcceptShortfall:
		need("payment_id", in.PaymentID, "is required: the pending bank transfer the money is for")
		if f := checkNote("reason", in.Reason); f != nil {
			fields = append(fields, *f)
		}
	case api.ActionCredit:
		need("customer_id", in.CustomerID, "is required: the customer to credit")
		if f := checkReason(in.Reason, true); f != nil {
			fields = append(fields, *f)
		}
	case api.ActionNotOurs:
		if f := checkReason(in.Reason, false); f != nil {
			fields = append(fields, *f)
		}
	default:
		fields = append(fields, problem.Field("action", "invalid", "must be assign, accept_shortfall, credit or not_ours"))
	}
	if len(fields) > 0 {
		return in, problem.InvalidFields(fields...)
	}
	return in, nil
}

// ResolveOwner is the customer whose account a resolution of in changes,
// whose lock it must take: the payment's for assign and accept_shortfall,
// the customer credited, "" for not_ours.
func (s *Service) ResolveOwner(ctx context.Context, in ResolveLineInput) (string, error) {
	switch in.Action {
	case api.ActionAssign, api.ActionAcceptShortfall:
		return s.PaymentOwner(ctx, in.PaymentID)
	case api.ActionCredit:
		return in.CustomerID, nil
	}
	return "", nil
}

// ResolveLine applies staff's decision on a queued line, in a transaction
// that holds the lock of customerID (ResolveOwner). actor is the staff
// member's e-mail. A line of a later statement that duplicates an earlier
// one is resolved as that one.
func (s *Service) ResolveLine(tx *store.Tx, actor, customerID, lineID string, in ResolveLineInput) (api.BankStatementLine, error) {
	in, err := in.Clean()
	if err != nil {
		return api.BankStatementLine{}, err
	}
	if err := tx.LockStatements(); err != nil {
		return api.BankStatementLine{}, err
	}
	l, err := tx.StatementLineForUpdate(lineID)
	if err == nil && l.DuplicateOf != "" {
		l, err = tx.StatementLineForUpdate(l.DuplicateOf)
	}
	if err != nil {
		return api.BankStatementLine{}, notFound(err, "No bank statement line with that id.")
	}
	if l.State != api.LineQueued {
		state := words.M("%s", words.State(l.State))
		if l.Resolution != "" {
			state = words.M("%s (%s)", words.State(l.State), words.State(l.Resolution))
		}
		return api.BankStatementLine{}, problem.New(api.CodeLineNotQueued,
			"Line %d of that statement is %s already; nothing was changed.", l.Line, state)
	}
	l.State, l.Resolution, l.ResolvedBy, l.Note = api.LineResolved, "", actor, in.Reason
	switch in.Action {
	case api.ActionAssign, api.ActionAcceptShortfall:
		if err := s.assignLine(tx, actor, customerID, &l, in); err != nil {
			return api.BankStatementLine{}, err
		}
	case api.ActionCredit:
		u, balance, err := s.customer(tx, customerID)
		if err != nil {
			return api.BankStatementLine{}, problem.OnField(api.CodeNotFound, "customer_id", "No such customer.")
		}
		if u.Currency != l.Amount.Currency {
			return api.BankStatementLine{}, problem.OnField(api.CodeCurrencyMismatch, "customer_id", "This account is billed in %s.", u.Currency)
		}
		if limit, _, ok := s.underCap(balance, l.Amount); !ok {
			return api.BankStatementLine{}, problem.OnField(api.CodeBalanceLimit, "customer_id", "The credit would take the account over %s.", billing.Format(limit))
		}
		entry, err := s.Book(tx, u.ID, Entry{Kind: billing.LedgerAdjustment, Amount: l.Amount.Amount, Description: in.Reason,
			Reference: "Bank transfer of " + l.Date, Actor: actor})
		if err != nil {
			return api.BankStatementLine{}, err
		}
		l.Resolution, l.EntryID, l.PaymentID = api.ResolveCredit, entry.ID, ""
	case api.ActionNotOurs:
		l.Resolution, l.PaymentID = api.ResolveNotOurs, ""
	}
	if err := tx.SetLine(l, s.now()); err != nil {
		return api.BankStatementLine{}, err
	}
	return tx.StatementLineView(lineID)
}

// assignLine completes the pending transfer in.PaymentID with the line's
// money: an equal amount (assign), or one short by at most MaxBankFee that
// the provider absorbs (accept_shortfall; the customer gets the full
// credit they paid for, the note records the fee).
func (s *Service) assignLine(tx *store.Tx, actor, customerID string, l *store.StatementLine, in ResolveLineInput) error {
	stored, err := tx.Payment(customerID, in.PaymentID)
	if err != nil {
		return problem.OnField(api.CodeNotFound, "payment_id", "No such payment.")
	}
	p := s.current(stored)
	if p.Gateway != gateway.BankTransferID || p.State != billing.PaymentAwaitingAction {
		return problem.New(api.CodePaymentNotConfirmable, "Payment %s is not a bank transfer waiting for its money (%s).", p.ID, words.State(p.State))
	}
	if claimed, err := tx.PaymentClaimed(p.ID); err != nil || claimed {
		if err == nil {
			err = problem.New(api.CodePaymentNotConfirmable, "Another statement line completed payment %s already.", p.ID)
		}
		return err
	}
	if p.Amount.Currency != l.Amount.Currency {
		return problem.OnField(api.CodeCurrencyMismatch, "payment_id", "The payment is in %s.", p.Amount.Currency)
	}
	short := p.Amount.Amount - l.Amount.Amount
	switch {
	case in.Action == api.ActionAssign && short != 0:
		hint := words.Text("credit the transfer as an adjustment")
		if short > 0 && short <= MaxBankFee.Amount {
			hint = "accept the shortfall if the bank deducted its fee"
		}
		return problem.OnField(api.CodeTransferAmount, "payment_id", "The transfer is %s and the payment %s: %s.",
			billing.Format(l.Amount), billing.Format(p.Amount), hint)
	case in.Action == api.ActionAcceptShortfall && (short <= 0 || short > MaxBankFee.Amount):
		return problem.OnField(api.CodeTransferAmount, "payment_id", "A bank fee is a shortfall of at most %s; the transfer is %s and the payment %s.",
			billing.Format(MaxBankFee), billing.Format(l.Amount), billing.Format(p.Amount))
	}
	if _, err := s.completePayment(tx, p.ID, true, "", actor); err != nil {
		return err
	}
	l.PaymentID, l.Resolution = p.ID, api.ResolveAssign
	if in.Action == api.ActionAcceptShortfall {
		l.Resolution = api.ResolveShortfall
		l.Note = strings.TrimSpace(fmt.Sprintf("bank fee of %s accepted. %s", billing.Format(billing.New(short, p.Amount.Currency)), in.Reason))
	}
	return nil
}

// accountsLabel names the statement's accounts as staff know them.
func accountsLabel(accounts []bankstatement.Account) string {
	types := map[string]string{"1": "普通", "2": "当座", "4": "貯蓄"}
	var out []string
	for _, a := range accounts {
		if a.Number == "" {
			continue // a CSV export does not say
		}
		out = append(out, joinNonEmpty(" ", a.BankName, a.BranchName, types[a.Type], a.Number, a.Name))
	}
	if len(out) == 0 {
		return "MUFG 入出金明細"
	}
	return strings.Join(out, "; ")
}

// period is the first and last booking date the statement covers.
func period(st *bankstatement.Statement) (from, to string) {
	var dates []time.Time
	for _, a := range st.Accounts {
		if !a.From.IsZero() {
			dates = append(dates, a.From, a.To)
		}
	}
	for _, l := range st.Lines {
		dates = append(dates, l.Date)
	}
	if len(dates) == 0 {
		return "", ""
	}
	return slices.MinFunc(dates, time.Time.Compare).Format(time.DateOnly), slices.MaxFunc(dates, time.Time.Compare).Format(time.DateOnly)
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return strings.TrimSpace(s) == "" }), sep)
}
