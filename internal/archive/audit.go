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
	"os"
	"path/filepath"
	"time"

	"billfold/billing"
)

// Genesis is the Prev of the first audit record.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditRecord is one line of the audit log: a version of an invoice was
// archived. Hash is the SHA-256 of the record's JSON encoding with an empty
// Hash; Prev is the Hash of the record before it, so that changing,
// removing or inserting a record breaks the chain.
type AuditRecord struct {
	Seq        int64                 `json:"seq"`
	Time       time.Time             `json:"time"`
	Action     string                `json:"action"` // "archive"
	InvoiceID  string                `json:"invoice_id"`
	Number     string                `json:"number"`
	Version    int                   `json:"version"`
	Status     billing.InvoiceStatus `json:"status"`
	JSONPath   string                `json:"json_path"`
	JSONSHA256 string                `json:"json_sha256"`
	PDFPath    string                `json:"pdf_path"`
	PDFSHA256  string                `json:"pdf_sha256"`
	Prev       string                `json:"prev"`
	Hash       string                `json:"hash,omitempty"`
}

// ActionArchive records a new version of an invoice.
const ActionArchive = "archive"

// computeHash returns the record's hash (ignoring its Hash field).
func (r AuditRecord) computeHash() string {
	r.Hash = ""
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // plain strings, numbers and a time: cannot fail
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// seal sets Prev and Hash and returns the log line.
func (r *AuditRecord) seal(prev string) []byte {
	r.Prev = prev
	r.Hash = r.computeHash()
	b, _ := json.Marshal(r)
	return b
}

// auditHead returns the last record's sequence number and hash.
func auditHead(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Genesis, nil
	}
	return seq, hash, err
}

// AuditLog returns the audit records from the index, oldest first.
func (a *Archive) AuditLog(ctx context.Context) ([]AuditRecord, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT line FROM audit ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("archive: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		var r AuditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("archive: audit record: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// appendAuditLines appends committed records to audit.jsonl and syncs it.
func (a *Archive) appendAuditLines(lines [][]byte) error {
	if len(lines) == 0 {
		return nil
	}
	a.auditMu.Lock()
	defer a.auditMu.Unlock()
	f, err := os.OpenFile(filepath.Join(a.dir, AuditFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	var buf []byte
	for _, l := range lines {
		buf = append(append(buf, l...), '\n')
	}
	_, err = f.Write(buf)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	return nil
}

// noteAuditFileLines records that audit.jsonl durably holds n records.
func (a *Archive) noteAuditFileLines(ctx context.Context, n int64) error {
	_, err := a.db.ExecContext(ctx, `INSERT INTO audit_file (id, lines) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET lines = excluded.lines WHERE excluded.lines > audit_file.lines`, n)
	if err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	return nil
}

// repairAuditFile finishes an append to audit.jsonl that a crash cut
// short: the index commits records first, so the file may lack the records
// of the last batch, or end in a torn line. It only ever adds what lies
// beyond the records the file is known to have held: a file with fewer
// lines than that was cut short or deleted by someone, and is left as it
// is for verify to report. Existing complete lines are never changed.
func (a *Archive) repairAuditFile(ctx context.Context) error {
	path := filepath.Join(a.dir, AuditFile)
	data, err := readPlain(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	lines, torn, err := readLines(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	var count int64
	if err := a.db.QueryRowContext(ctx, `SELECT count(*) FROM audit`).Scan(&count); err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	var durable int64
	err = a.db.QueryRowContext(ctx, `SELECT lines FROM audit_file WHERE id = 1`).Scan(&durable)
	if errors.Is(err, sql.ErrNoRows) {
		// An archive from before the mark: what the file holds now.
		durable = min(int64(len(lines)), count)
		err = a.noteAuditFileLines(ctx, durable)
	}
	if err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	n := int64(len(lines))
	switch {
	case n >= count && len(torn) == 0 && durable < count:
		// Complete, but a crash came before the mark: catch the mark up,
		// so that cutting the file back later is reported, not repaired.
		return a.noteAuditFileLines(ctx, count)
	case n >= count || n < durable:
		// Complete (a torn line beyond the index is an append that never
		// committed), or cut short by someone: verify reports either.
		return nil
	}
	if len(torn) > 0 {
		if err := os.Truncate(path, int64(len(data)-len(torn))); err != nil {
			return fmt.Errorf("archive: audit log: %w", err)
		}
	}
	rows, err := a.db.QueryContext(ctx, `SELECT line FROM audit WHERE seq > ? ORDER BY seq`, n)
	if err != nil {
		return fmt.Errorf("archive: audit log: %w", err)
	}
	defer rows.Close()
	var missing [][]byte
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return err
		}
		missing = append(missing, []byte(l))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := a.appendAuditLines(missing); err != nil {
		return err
	}
	return a.noteAuditFileLines(ctx, count)
}

// lineKey shortens a line for messages.
func lineKey(n int) string { return fmt.Sprintf("%s line %d", AuditFile, n) }
