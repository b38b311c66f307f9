package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"billfold/api"
)

// ProblemKind says what verify found wrong.
type ProblemKind string

// Problem kinds.
const (
	// Altered: a file's SHA-256 differs from the one recorded when it was
	// archived.
	Altered ProblemKind = "altered"
	// Missing: a recorded file is gone.
	Missing ProblemKind = "missing"
	// BrokenChain: an audit record was changed, removed, inserted or
	// reordered (in audit.jsonl or in the index's copy).
	BrokenChain ProblemKind = "broken-chain"
	// IndexMismatch: the index disagrees with the audit log about a
	// version (its hashes or paths were changed in the index), or an
	// invoice's search entry (status, total, dates, names) with its
	// latest archived JSON.
	IndexMismatch ProblemKind = "index-mismatch"
	// BadSignature: an archived invoice or a signed chain head does not
	// carry a valid signature of the pinned server key.
	BadSignature ProblemKind = "bad-signature"
	// Unanchored: audit records no chain head signed by the server covers
	// (a sync that could not have it signed; the next sync does), or a
	// folder with no pinned server key.
	Unanchored ProblemKind = "unanchored"
	// PDFMismatch: a PDF prints totals other than its invoice's JSON.
	PDFMismatch ProblemKind = "pdf-mismatch"
	// UntrackedFile: a file in an invoice folder that no audit record
	// names: a forged invoice dropped there, or the files of a sync
	// interrupted before its commit (the next sync adopts those).
	UntrackedFile ProblemKind = "untracked"
)

// Problem is one finding of Verify.
type Problem struct {
	Path   string // relative to the archive folder, with '/'
	Kind   ProblemKind
	Detail string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Kind, p.Path, p.Detail) }

// Report is the outcome of Verify.
type Report struct {
	Files   int    // archived files checked
	Records int    // audit records checked
	Head    string // hash of the last audit record
	// KeyID names the pinned server key the signatures were checked with.
	KeyID string
	// Anchored is the number of records the latest valid signed head
	// covers, signed by the server at AnchoredAt.
	Anchored   int
	AnchoredAt time.Time
	Problems   []Problem
	// Untracked are files at the folder's top the index does not know
	// (notes, exports): they do not make the report fail. Untracked files
	// in the invoice folders are Problems.
	Untracked []string
}

// OK reports whether nothing was altered, missing or broken.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify recomputes the SHA-256 of every archived file and compares it with
// the index, checks the audit chain in the index and in audit.jsonl, and
// that both agree with each other and with the index. It returns an error
// only when it could not check; what it found is in the Report.
func (a *Archive) Verify(ctx context.Context) (Report, error) {
	a.syncMu.Lock() // a running sync would show as untracked files
	defer a.syncMu.Unlock()
	var rep Report
	add := func(path string, kind ProblemKind, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{Path: path, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}

	// The index's copy of the chain.
	dbRecs, dbLines, err := a.indexChain(ctx, add)
	if err != nil {
		return rep, err
	}
	rep.Records = len(dbRecs)
	if n := len(dbRecs); n > 0 {
		rep.Head = dbRecs[n-1].Hash
	}

	// The file's copy, which must equal the index's line for line.
	data, err := readPlain(filepath.Join(a.dir, AuditFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return rep, fmt.Errorf("archive: verify: %w", err)
	}
	lines, torn, _ := readLines(bytes.NewReader(data))
	prev := Genesis
	for i, line := range lines {
		where := lineKey(i + 1)
		var r AuditRecord
		if err := json.Unmarshal(line, &r); err != nil {
			add(AuditFile, BrokenChain, "%s is not a valid record: %v", where, err)
			prev = ""
			continue
		}
		switch {
		case r.Seq != int64(i+1):
			add(AuditFile, BrokenChain, "%s has sequence number %d: records were removed, inserted or reordered", where, r.Seq)
		case r.computeHash() != r.Hash:
			add(AuditFile, BrokenChain, "%s (%s v%d) was changed: its hash does not match its content", where, r.Number, r.Version)
		case prev != "" && r.Prev != prev:
			add(AuditFile, BrokenChain, "%s does not link to the record before it", where)
		case i < len(dbLines) && !bytes.Equal(line, dbLines[i]):
			add(AuditFile, BrokenChain, "%s differs from the index's copy of record %d", where, i+1)
		}
		prev = r.Hash
	}
	if len(torn) > 0 {
		add(AuditFile, BrokenChain, "%s is incomplete", lineKey(len(lines)+1))
	}
	if len(lines) < len(dbLines) {
		add(AuditFile, BrokenChain, "records %d to %d are missing from the file", len(lines)+1, len(dbLines))
	} else if len(lines) > len(dbLines) {
		add(AuditFile, BrokenChain, "records %d to %d are not in the index", len(dbLines)+1, len(lines))
	}

	// Every version: the index agrees with its audit record, and the files
	// hash to what was recorded.
	bySeq := map[int64]AuditRecord{}
	for _, r := range dbRecs {
		bySeq[r.Seq] = r
	}
	rows, err := a.db.QueryContext(ctx, `SELECT invoice_id, version, json_path, json_sha256, pdf_path, pdf_sha256, audit_seq
		FROM versions ORDER BY json_path`)
	if err != nil {
		return rep, fmt.Errorf("archive: verify: %w", err)
	}
	type file struct{ path, sum string }
	var files []file
	var versions []versionFiles
	tracked := map[string]bool{}
	for rows.Next() {
		var id, jp, js, pp, ps string
		var version int
		var seq int64
		if err := rows.Scan(&id, &version, &jp, &js, &pp, &ps, &seq); err != nil {
			rows.Close()
			return rep, err
		}
		r, ok := bySeq[seq]
		switch {
		case !ok:
			add(jp, IndexMismatch, "version %d of %s has no audit record", version, id)
		case r.InvoiceID != id || r.Version != version || r.JSONPath != jp || r.PDFPath != pp:
			add(jp, IndexMismatch, "the index's entry for version %d of %s differs from audit record %d", version, id, seq)
		default:
			if r.JSONSHA256 != js {
				add(jp, IndexMismatch, "the index's hash differs from audit record %d", seq)
			}
			if r.PDFSHA256 != ps {
				add(pp, IndexMismatch, "the index's hash differs from audit record %d", seq)
			}
		}
		files = append(files, file{jp, js}, file{pp, ps})
		versions = append(versions, versionFiles{jp, pp})
		tracked[jp], tracked[pp] = true, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	for _, r := range dbRecs {
		if !tracked[r.JSONPath] {
			add(r.JSONPath, IndexMismatch, "audit record %d (%s v%d) has no entry in the index", r.Seq, r.Number, r.Version)
		}
	}
	intact := map[string]bool{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Files++
		if !localPath(f.path) {
			add(f.path, IndexMismatch, "the index names a file outside the archive folder")
			continue
		}
		sum, err := fileSum(a.abs(f.path))
		var notPlain *notPlainError
		switch {
		case errors.Is(err, os.ErrNotExist):
			add(f.path, Missing, "the file is gone")
		case errors.As(err, &notPlain):
			add(f.path, Altered, "%v", err)
		case err != nil:
			add(f.path, Missing, "cannot read: %v", err)
		case sum != f.sum:
			add(f.path, Altered, "SHA-256 is %s, archived as %s", sum, f.sum)
		default:
			intact[f.path] = true
		}
	}
	if err := a.verifyBases(ctx, add); err != nil {
		return rep, err
	}
	if err := a.verifySearchEntries(ctx, intact, add); err != nil {
		return rep, err
	}
	if err := a.verifyAnchors(ctx, &rep, dbRecs, versions, intact, add); err != nil {
		return rep, err
	}

	// Files nobody recorded.
	err = filepath.WalkDir(a.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a.dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case tracked[rel] || rel == AuditFile || rel == lockName || strings.HasPrefix(rel, IndexFile):
		case strings.Contains(rel, "/"):
			add(rel, UntrackedFile, "no audit record names this file: put there by someone, or left by an interrupted sync (the next sync adopts those)")
		default:
			rep.Untracked = append(rep.Untracked, rel)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("archive: verify: %w", err)
	}
	return rep, nil
}

// verifySearchEntries checks that every invoice's search entry (what
// search and CSV export show) is the one its latest archived version's JSON
// gives, and that it points at the latest version. Entries whose JSON is
// itself altered or missing were reported already.
func (a *Archive) verifySearchEntries(ctx context.Context, intact map[string]bool, add func(string, ProblemKind, string, ...any)) error {
	rows, err := a.db.QueryContext(ctx, `SELECT i.number, i.latest, (SELECT max(version) FROM versions WHERE invoice_id = i.id),
		coalesce(v.json_path, ''), i.customer_id, i.status, i.currency, i.total, i.issued_at, i.issue_date, i.due_date,
		i.paid_date, i.seller, i.buyer, i.buyer_company, i.counterparty
		FROM invoices i LEFT JOIN versions v ON v.invoice_id = i.id AND v.version = i.latest ORDER BY i.base`)
	if err != nil {
		return fmt.Errorf("archive: verify: %w", err)
	}
	defer rows.Close()
	const where = IndexFile + " (invoices)"
	for rows.Next() {
		var got searchEntry
		var latest int
		var newest sql.NullInt64
		var jsonPath string
		if err := rows.Scan(&got.Number, &latest, &newest, &jsonPath, &got.CustomerID, &got.Status, &got.Currency, &got.Total,
			&got.IssuedAt, &got.IssueDate, &got.DueDate, &got.PaidDate, &got.Seller, &got.Buyer, &got.BuyerCompany,
			&got.Counterparty); err != nil {
			return fmt.Errorf("archive: verify: %w", err)
		}
		if jsonPath == "" || !newest.Valid || int64(latest) != newest.Int64 {
			add(where, IndexMismatch, "%s points at version %d, but its newest archived version is %d", got.Number, latest, newest.Int64)
			continue
		}
		if !intact[jsonPath] {
			continue
		}
		data, err := readPlain(a.abs(jsonPath))
		if err != nil {
			return fmt.Errorf("archive: verify: %w", err)
		}
		var inv api.Invoice
		if err := json.Unmarshal(data, &inv); err != nil {
			add(jsonPath, IndexMismatch, "the archived JSON cannot be read back: %v", err)
			continue
		}
		if want := searchEntryOf(inv); got != want {
			add(where, IndexMismatch, "the search entry of %s differs from its archived JSON (%s)", want.Number, strings.Join(differingFields(got, want), ", "))
		}
	}
	return rows.Err()
}

// differingFields names the fields in which two search entries differ.
func differingFields(a, b searchEntry) []string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if va.Field(i).Interface() != vb.Field(i).Interface() {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return out
}

// indexChain reads and checks the index's copy of the audit log.
func (a *Archive) indexChain(ctx context.Context, add func(string, ProblemKind, string, ...any)) ([]AuditRecord, [][]byte, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT seq, hash, line FROM audit ORDER BY seq`)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: verify: %w", err)
	}
	defer rows.Close()
	const where = IndexFile + " (audit)"
	var recs []AuditRecord
	var lines [][]byte
	prev := Genesis
	for rows.Next() {
		var seq int64
		var hash, line string
		if err := rows.Scan(&seq, &hash, &line); err != nil {
			return nil, nil, err
		}
		var r AuditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			add(where, BrokenChain, "record %d is not valid: %v", seq, err)
			prev = ""
			continue
		}
		switch {
		case seq != int64(len(lines)+1) || r.Seq != seq:
			add(where, BrokenChain, "record %d is out of sequence: records were removed or inserted", seq)
		case r.computeHash() != r.Hash || hash != r.Hash:
			add(where, BrokenChain, "record %d (%s v%d) was changed: its hash does not match its content", seq, r.Number, r.Version)
		case prev != "" && r.Prev != prev:
			add(where, BrokenChain, "record %d does not link to the record before it", seq)
		}
		prev = r.Hash
		recs = append(recs, r)
		lines = append(lines, []byte(line))
	}
	return recs, lines, rows.Err()
}

// fileSum is the hex SHA-256 of a file.
func fileSum(path string) (string, error) {
	f, err := openPlain(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// verifyBases reports invoices whose next versions the index would have
// sync write outside the folder (sync refuses to).
func (a *Archive) verifyBases(ctx context.Context, add func(string, ProblemKind, string, ...any)) error {
	rows, err := a.db.QueryContext(ctx, `SELECT number, base FROM invoices ORDER BY base`)
	if err != nil {
		return fmt.Errorf("archive: verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, base string
		if err := rows.Scan(&number, &base); err != nil {
			return fmt.Errorf("archive: verify: %w", err)
		}
		if !localPath(base) {
			add(IndexFile+" (invoices)", IndexMismatch, "%s would be archived as %q, outside the archive folder", number, base)
		}
	}
	return rows.Err()
}
