package archive

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"billfold/billing"
)

// Query selects archived invoices; every set field must match (AND). The
// zero Query matches everything. Search needs no network.
type Query struct {
	// From and To bound the issue date, inclusive, as calendar dates (the
	// date printed on the invoice: Asia/Tokyo for Japanese invoices, UTC
	// for others). Only the year, month and day of each are used; the zero
	// time leaves that end open.
	From, To time.Time
	// MinTotal and MaxTotal bound the total in minor units, inclusive.
	MinTotal, MaxTotal *int64
	// Counterparty matches a substring of the seller's name, the buyer's
	// name or the buyer's company, ignoring case and full-/half-width
	// differences (NFKC): "ｙａｍａｄａ" finds "Yamada", "山田" finds "山田商店".
	Counterparty string
	// Status is the latest version's status; "" for any.
	Status billing.InvoiceStatus
	// Currency narrows to one currency; "" for any.
	Currency billing.Currency
	// CustomerID narrows a staff archive to one customer; "" for any.
	CustomerID string
	// Limit caps the number of results (0: no limit); Offset skips some.
	Limit, Offset int
}

// Entry is an archived invoice as of its latest version.
type Entry struct {
	ID           string
	Number       string
	CustomerID   string
	Status       billing.InvoiceStatus
	Total        billing.Money
	IssueDate    string // YYYY-MM-DD, as printed on the invoice
	DueDate      string
	PaidDate     string // "" when not paid
	IssuedAt     time.Time
	Seller       string
	Buyer        string
	BuyerCompany string
	Version      int    // the latest version's number (1, 2, …)
	PDFPath      string // absolute path of the latest version's PDF
	JSONPath     string // absolute path of the latest version's JSON
	JSONSHA256   string
	PDFSHA256    string
}

// Version is one archived version of an invoice.
type Version struct {
	Version    int
	Status     billing.InvoiceStatus
	PDFPath    string // absolute
	JSONPath   string // absolute
	PDFSHA256  string
	JSONSHA256 string
	ArchivedAt time.Time
	AuditSeq   int64
}

// fold normalises text for case- and width-insensitive search.
func fold(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// Search returns the invoices matching q, newest issue date first.
func (a *Archive) Search(ctx context.Context, q Query) ([]Entry, error) {
	var where []string
	var args []any
	if !q.From.IsZero() {
		where = append(where, `i.issue_date >= ?`)
		args = append(args, q.From.Format(time.DateOnly))
	}
	if !q.To.IsZero() {
		where = append(where, `i.issue_date <= ?`)
		args = append(args, q.To.Format(time.DateOnly))
	}
	if q.MinTotal != nil {
		where = append(where, `i.total >= ?`)
		args = append(args, *q.MinTotal)
	}
	if q.MaxTotal != nil {
		where = append(where, `i.total <= ?`)
		args = append(args, *q.MaxTotal)
	}
	if s := fold(strings.TrimSpace(q.Counterparty)); s != "" {
		where = append(where, `instr(i.counterparty, ?) > 0`)
		args = append(args, s)
	}
	if q.Status != "" {
		where = append(where, `i.status = ?`)
		args = append(args, string(q.Status))
	}
	if q.Currency != "" {
		where = append(where, `i.currency = ?`)
		args = append(args, string(q.Currency))
	}
	if q.CustomerID != "" {
		where = append(where, `i.customer_id = ?`)
		args = append(args, q.CustomerID)
	}
	sqlText := `SELECT i.id, i.number, i.customer_id, i.status, i.currency, i.total, i.issue_date, i.due_date, i.paid_date,
		i.issued_at, i.seller, i.buyer, i.buyer_company, i.latest, v.pdf_path, v.json_path, v.json_sha256, v.pdf_sha256
		FROM invoices i JOIN versions v ON v.invoice_id = i.id AND v.version = i.latest`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY i.issue_date DESC, i.issued_at DESC, i.number DESC`
	if q.Limit > 0 || q.Offset > 0 {
		limit := q.Limit
		if limit <= 0 {
			limit = -1
		}
		sqlText += ` LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(q.Offset, 0))
	}
	rows, err := a.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: search: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var status, currency, issued, pdf, js string
		var total int64
		if err := rows.Scan(&e.ID, &e.Number, &e.CustomerID, &status, &currency, &total, &e.IssueDate, &e.DueDate, &e.PaidDate,
			&issued, &e.Seller, &e.Buyer, &e.BuyerCompany, &e.Version, &pdf, &js, &e.JSONSHA256, &e.PDFSHA256); err != nil {
			return nil, fmt.Errorf("archive: search: %w", err)
		}
		e.Status = billing.InvoiceStatus(status)
		e.Total = billing.New(total, billing.Currency(currency))
		e.IssuedAt, _ = time.Parse(time.RFC3339Nano, issued)
		e.PDFPath, e.JSONPath = a.archivedFile(pdf, ".pdf"), a.archivedFile(js, ".json")
		out = append(out, e)
	}
	return out, rows.Err()
}

// Versions returns every archived version of an invoice, oldest first.
func (a *Archive) Versions(ctx context.Context, invoiceID string) ([]Version, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT version, status, pdf_path, json_path, pdf_sha256, json_sha256, archived_at, audit_seq
		FROM versions WHERE invoice_id = ? ORDER BY version`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("archive: versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var status, pdf, js, at string
		if err := rows.Scan(&v.Version, &status, &pdf, &js, &v.PDFSHA256, &v.JSONSHA256, &at, &v.AuditSeq); err != nil {
			return nil, err
		}
		v.Status = billing.InvoiceStatus(status)
		v.PDFPath, v.JSONPath = a.archivedFile(pdf, ".pdf"), a.archivedFile(js, ".json")
		v.ArchivedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// CSVHeader is the header row of ExportCSV.
var CSVHeader = []string{"number", "issue_date", "due_date", "paid_date", "status", "currency", "total",
	"seller", "buyer", "buyer_company", "customer_id", "version", "pdf", "json", "json_sha256", "pdf_sha256"}

// CSVOptions shape ExportCSV's output.
type CSVOptions struct {
	// ForSpreadsheet starts the file with a UTF-8 byte order mark: without
	// it, Excel on a Japanese Windows reads the file as Shift_JIS and every
	// company name turns to mojibake. For files people open; a pipe into a
	// program is better off without it.
	ForSpreadsheet bool
}

// ExportCSV writes entries (a Search result) as CSV (RFC 4180: CRLF line
// ends) with a header row, totals as plain numbers in the currency's major
// unit ("10000", "24.50"). Text cells that a spreadsheet would run as a
// formula get a leading '.
func ExportCSV(w io.Writer, entries []Entry, o CSVOptions) error {
	if o.ForSpreadsheet {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, e := range entries {
		// Every text the server sent goes through cell: a status of
		// "=HYPERLINK(…)" was exported as a live formula.
		if err := cw.Write([]string{cell(e.Number), cell(e.IssueDate), cell(e.DueDate), cell(e.PaidDate), cell(string(e.Status)),
			string(e.Total.Currency), billing.FormatPlain(e.Total), cell(e.Seller), cell(e.Buyer), cell(e.BuyerCompany),
			cell(e.CustomerID), strconv.Itoa(e.Version), cell(e.PDFPath), cell(e.JSONPath), e.JSONSHA256, e.PDFSHA256}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell defuses spreadsheet formula injection in a text cell.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
