package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"billfold/api"
	"billfold/billing"
)

// Bank statements and their lines (migration 0007).

// LockStatements serialises the transactions that match statement lines
// to payments or resolve them, whichever customers they touch: on SQLite
// the writer already does; on PostgreSQL a transaction-scoped advisory
// lock does, released at commit.
func (t *Tx) LockStatements() error {
	if t.db.dialect != Postgres {
		return nil
	}
	if _, err := t.Exec(`SELECT pg_advisory_xact_lock(7325001)`); err != nil {
		return fmt.Errorf("lock bank statements: %w", err)
	}
	return nil
}

// StatementLine is a line as stored.
type StatementLine struct {
	ID, StatementID string
	Line            int
	Fingerprint     string
	DuplicateOf     string
	Date            string // YYYY-MM-DD
	Amount          billing.Money
	Remitter        string
	Description     string
	Reference       string
	State, Reason   string
	PaymentID       string
	Resolution      string
	Note            string
	ResolvedBy      string
	EntryID         string
}

// StatementIDByHash is the id of the statement uploaded with this SHA-256,
// and whether all of its deposits are recorded.
func (t *Tx) StatementIDByHash(sha string) (id string, complete bool, err error) {
	var c int
	err = t.QueryRow(`SELECT id, complete FROM bank_statements WHERE sha256 = ?`, sha).Scan(&id, &c)
	return id, c == 1, one(err, "look up statement")
}

// LastRecordedLine is the number of the statement's last deposit recorded
// so far (0: none).
func (t *Tx) LastRecordedLine(statementID string) (int, error) {
	var n int
	err := t.QueryRow(`SELECT COALESCE(MAX(line_no), 0) FROM bank_statement_lines WHERE statement_id = ?`, statementID).Scan(&n)
	return n, one(err, "last recorded line")
}

// MatchedOnUpload counts the statement's own deposits (not duplicates)
// that were matched to a pending transfer as they were recorded.
func (t *Tx) MatchedOnUpload(statementID string) (int, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM bank_statement_lines WHERE statement_id = ? AND duplicate_of IS NULL
		AND state IN ('pending', 'matched')`, statementID).Scan(&n)
	return n, one(err, "count matched lines")
}

// CompleteStatement marks every deposit of the statement recorded.
func (t *Tx) CompleteStatement(id string) error {
	if _, err := t.Exec(`UPDATE bank_statements SET complete = 1 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("complete statement: %w", err)
	}
	return nil
}

// InsertStatement records an uploaded statement, without its lines, as
// not complete until CompleteStatement.
func (t *Tx) InsertStatement(s api.BankStatement) error {
	_, err := t.Exec(`INSERT INTO bank_statements (id, sha256, format, encoding, size, account, period_from, period_to, withdrawals,
		uploaded_by, uploaded_at, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
		s.ID, s.SHA256, s.Format, s.Encoding, s.Size, s.Account, s.PeriodFrom, s.PeriodTo, s.Withdrawals, s.UploadedBy, micro(s.UploadedAt))
	if err != nil {
		return fmt.Errorf("insert statement: %w", err)
	}
	return nil
}

// OriginalLine is the id of the line that first recorded the transaction
// with fingerprint, "" when none has.
func (t *Tx) OriginalLine(fingerprint string) (string, error) {
	var id string
	err := one(t.QueryRow(`SELECT id FROM bank_statement_lines WHERE fingerprint = ? AND duplicate_of IS NULL`, fingerprint).Scan(&id), "look up line")
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return id, err
}

// InsertStatementLine records a line.
func (t *Tx) InsertStatementLine(l StatementLine) error {
	_, err := t.Exec(`INSERT INTO bank_statement_lines (id, statement_id, line_no, fingerprint, duplicate_of, booked_on, amount, currency,
		remitter, description, reference, state, reason, payment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.StatementID, l.Line, l.Fingerprint, nullable(l.DuplicateOf), l.Date, l.Amount.Amount, string(l.Amount.Currency),
		l.Remitter, l.Description, l.Reference, l.State, l.Reason, nullable(l.PaymentID))
	if err != nil {
		return fmt.Errorf("insert statement line: %w", err)
	}
	return nil
}

const lineColumns = `id, statement_id, line_no, fingerprint, duplicate_of, booked_on, amount, currency, remitter, description,
	reference, state, reason, payment_id, resolution, note, resolved_by, entry_id`

func scanLine(row interface{ Scan(...any) error }) (StatementLine, error) {
	var l StatementLine
	var amount int64
	var cur string
	var dup, pay, entry sql.NullString
	err := row.Scan(&l.ID, &l.StatementID, &l.Line, &l.Fingerprint, &dup, &l.Date, &amount, &cur, &l.Remitter, &l.Description,
		&l.Reference, &l.State, &l.Reason, &pay, &l.Resolution, &l.Note, &l.ResolvedBy, &entry)
	l.Amount, l.DuplicateOf, l.PaymentID, l.EntryID = billing.New(amount, billing.Currency(cur)), dup.String, pay.String, entry.String
	return l, err
}

// StatementLine reads a line.
func (t *Tx) StatementLine(id string) (StatementLine, error) {
	l, err := scanLine(t.QueryRow(`SELECT `+lineColumns+` FROM bank_statement_lines WHERE id = ?`, id))
	return l, one(err, "read statement line")
}

// StatementLineForUpdate reads a line in a write transaction and, on
// PostgreSQL, locks it until the transaction ends, so that two staff
// members cannot resolve it twice.
func (t *Tx) StatementLineForUpdate(id string) (StatementLine, error) {
	q := `SELECT ` + lineColumns + ` FROM bank_statement_lines WHERE id = ?`
	if t.db.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	l, err := scanLine(t.QueryRow(q, id))
	return l, one(err, "read statement line")
}

// PendingStatementLines lists the ids of the lines matched to a payment
// whose credit is not booked yet, oldest first, with the uploader of their
// statement.
func (t *Tx) PendingStatementLines() (ids, uploaders []string, err error) {
	rows, err := t.Query(`SELECT l.id, s.uploaded_by FROM bank_statement_lines l JOIN bank_statements s ON s.id = l.statement_id
		WHERE l.state = 'pending' ORDER BY s.uploaded_at, l.line_no`)
	if err != nil {
		return nil, nil, fmt.Errorf("list pending lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, who string
		if err := rows.Scan(&id, &who); err != nil {
			return nil, nil, fmt.Errorf("scan pending line: %w", err)
		}
		ids, uploaders = append(ids, id), append(uploaders, who)
	}
	return ids, uploaders, rows.Err()
}

// SetLine records a line's new state and what it is about: the payment
// it completed or looks like, the ledger entry it booked, and, once staff
// resolved it, their resolution, note and name.
func (t *Tx) SetLine(l StatementLine, at time.Time) error {
	var resolvedAt any
	if l.ResolvedBy != "" {
		resolvedAt = micro(at)
	}
	if _, err := t.Exec(`UPDATE bank_statement_lines SET state = ?, reason = ?, payment_id = ?, resolution = ?, note = ?,
		resolved_by = ?, resolved_at = ?, entry_id = ? WHERE id = ?`, l.State, l.Reason, nullable(l.PaymentID), l.Resolution, l.Note,
		l.ResolvedBy, resolvedAt, nullable(l.EntryID), l.ID); err != nil {
		return fmt.Errorf("update statement line: %w", err)
	}
	return nil
}

// PaymentByReference reads the payment whose transfer reference is ref.
func (t *Tx) PaymentByReference(ref string) (Payment, error) {
	if ref == "" {
		return Payment{}, ErrNotFound
	}
	return t.onePayment(`WHERE reference = ?`, ref)
}

// PaymentClaimed reports whether a statement line completed the payment
// or is about to.
func (t *Tx) PaymentClaimed(paymentID string) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM bank_statement_lines WHERE payment_id = ?
		AND (state IN ('pending', 'matched') OR resolution IN ('assigned', 'shortfall_accepted'))`, paymentID).Scan(&n)
	return n > 0, one(err, "look up claimed payment")
}

// OpenTransfer is a bank transfer awaiting its money, with its payer.
type OpenTransfer struct {
	PaymentID     string
	Name, Company string
}

// OpenTransfersOf lists the bank-transfer payments awaiting exactly
// amount, with their customers' names.
func (t *Tx) OpenTransfersOf(amount billing.Money) ([]OpenTransfer, error) {
	rows, err := t.Query(`SELECT p.id, u.name, u.company FROM payments p JOIN users u ON u.id = p.customer_id
		WHERE p.gateway = 'bank_transfer' AND p.state = 'awaiting_action' AND p.amount = ? AND p.currency = ?
		ORDER BY p.created_at`, amount.Amount, string(amount.Currency))
	if err != nil {
		return nil, fmt.Errorf("list open transfers: %w", err)
	}
	defer rows.Close()
	var out []OpenTransfer
	for rows.Next() {
		var o OpenTransfer
		if err := rows.Scan(&o.PaymentID, &o.Name, &o.Company); err != nil {
			return nil, fmt.Errorf("scan open transfer: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

const statementColumns = `s.id, s.format, s.encoding, s.sha256, s.size, s.account, s.period_from, s.period_to, s.withdrawals,
	s.uploaded_by, s.uploaded_at,
	(SELECT COUNT(*) FROM bank_statement_lines l WHERE l.statement_id = s.id),
	(SELECT COUNT(*) FROM bank_statement_lines l LEFT JOIN bank_statement_lines o ON o.id = l.duplicate_of
		WHERE l.statement_id = s.id AND COALESCE(o.state, l.state) = 'matched'),
	(SELECT COUNT(*) FROM bank_statement_lines l LEFT JOIN bank_statement_lines o ON o.id = l.duplicate_of
		WHERE l.statement_id = s.id AND COALESCE(o.state, l.state) = 'queued'),
	(SELECT COUNT(*) FROM bank_statement_lines l LEFT JOIN bank_statement_lines o ON o.id = l.duplicate_of
		WHERE l.statement_id = s.id AND COALESCE(o.state, l.state) = 'resolved'),
	s.complete`

func scanStatement(row interface{ Scan(...any) error }) (api.BankStatement, error) {
	var s api.BankStatement
	var at int64
	var complete int
	err := row.Scan(&s.ID, &s.Format, &s.Encoding, &s.SHA256, &s.Size, &s.Account, &s.PeriodFrom, &s.PeriodTo, &s.Withdrawals,
		&s.UploadedBy, &at, &s.Deposits, &s.Matched, &s.Queued, &s.Resolved, &complete)
	s.UploadedAt, s.Incomplete = fromMicro(at), complete == 0
	return s, err
}

// Statement reads a statement with its counts, without its lines.
func (t *Tx) Statement(id string) (api.BankStatement, error) {
	s, err := scanStatement(t.QueryRow(`SELECT `+statementColumns+` FROM bank_statements s WHERE s.id = ?`, id))
	return s, one(err, "read statement")
}

// StatementPage pages through the statements, newest upload first.
func (t *Tx) StatementPage(limit int, cursor string) ([]api.BankStatement, string, error) {
	at, id, err := timeIDCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := t.Query(`SELECT `+statementColumns+` FROM bank_statements s
		WHERE (s.uploaded_at < ? OR (s.uploaded_at = ? AND s.id < ?)) ORDER BY s.uploaded_at DESC, s.id DESC LIMIT ?`, at, at, id, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("list statements: %w", err)
	}
	defer rows.Close()
	out := []api.BankStatement{}
	for rows.Next() {
		s, err := scanStatement(rows)
		if err != nil {
			return nil, "", fmt.Errorf("scan statement: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list statements: %w", err)
	}
	out, last := trimPage(out, limit)
	if last == nil {
		return out, "", nil
	}
	return out, timeIDCursorOf(last.UploadedAt, last.ID), nil
}

// StatementLineViews are the statement's lines as the API shows them: a
// duplicate of an earlier statement's line in that line's state, and each
// with the payment it is about.
func (t *Tx) StatementLineViews(statementID string) ([]api.BankStatementLine, error) {
	return t.lineViews(`l.statement_id = ? ORDER BY l.line_no`, statementID)
}

// StatementLineView is one line as the API shows it.
func (t *Tx) StatementLineView(id string) (api.BankStatementLine, error) {
	list, err := t.lineViews(`l.id = ?`, id)
	if err != nil {
		return api.BankStatementLine{}, err
	}
	if len(list) == 0 {
		return api.BankStatementLine{}, ErrNotFound
	}
	return list[0], nil
}

func (t *Tx) lineViews(where string, args ...any) ([]api.BankStatementLine, error) {
	rows, err := t.Query(`SELECT l.id, l.statement_id, l.line_no, l.booked_on, l.amount, l.currency, l.remitter, l.description,
		l.reference, COALESCE(o.id, ''), COALESCE(o.state, l.state), COALESCE(o.reason, l.reason),
		COALESCE(o.resolution, l.resolution), COALESCE(o.note, l.note), COALESCE(o.resolved_by, l.resolved_by),
		COALESCE(o.entry_id, l.entry_id, ''), COALESCE(p.id, ''), COALESCE(p.customer_id, ''), COALESCE(u.name, ''),
		COALESCE(p.invoice_id, ''), COALESCE(i.number, ''), COALESCE(p.amount, 0), COALESCE(p.currency, ''), COALESCE(p.state, '')
		FROM bank_statement_lines l
		LEFT JOIN bank_statement_lines o ON o.id = l.duplicate_of
		LEFT JOIN payments p ON p.id = COALESCE(o.payment_id, l.payment_id)
		LEFT JOIN users u ON u.id = p.customer_id
		LEFT JOIN invoices i ON i.id = p.invoice_id
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read statement lines: %w", err)
	}
	defer rows.Close()
	out := []api.BankStatementLine{}
	for rows.Next() {
		var l api.BankStatementLine
		var m api.BankMatch
		var amount, payAmount int64
		var cur, payCur, payState string
		if err := rows.Scan(&l.ID, &l.StatementID, &l.Line, &l.Date, &amount, &cur, &l.Remitter, &l.Description, &l.Reference,
			&l.DuplicateOf, &l.State, &l.Reason, &l.Resolution, &l.Note, &l.ResolvedBy, &l.EntryID, &m.PaymentID, &m.CustomerID,
			&m.CustomerName, &m.InvoiceID, &m.InvoiceNumber, &payAmount, &payCur, &payState); err != nil {
			return nil, fmt.Errorf("scan statement line: %w", err)
		}
		l.Amount = billing.New(amount, billing.Currency(cur))
		if m.PaymentID != "" {
			m.Amount, m.State = billing.New(payAmount, billing.Currency(payCur)), billing.PaymentState(payState)
			l.Payment = &m
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
