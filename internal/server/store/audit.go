package store

import (
	"fmt"
	"strconv"
	"time"

	"billfold/api"
)

// The append-only audit trail of staff actions (migration 0002 refuses
// UPDATE and DELETE on it).

// Audit records that actor did action about customerID ("" for none).
func (t *Tx) Audit(actor, action, customerID, detail string, at time.Time) error {
	return t.write("audit", `INSERT INTO audit_log (actor, action, customer_id, detail, created_at) VALUES (?, ?, ?, ?, ?)`, actor, action, customerID, detail, micro(at))
}

// AuditPage pages through the audit trail, newest first, about customerID
// only when it is not "". cursor is "" for the first page, else a
// NextCursor this method returned.
func (t *Tx) AuditPage(customerID string, limit int, cursor string) ([]api.AuditRecord, string, error) {
	before := int64(1 << 62)
	if cursor != "" {
		var err error
		if before, err = int64Cursor(cursor); err != nil {
			return nil, "", err
		}
	}
	q, args := `SELECT id, actor, action, customer_id, detail, created_at FROM audit_log WHERE id < ?`, []any{before}
	if customerID != "" {
		q += ` AND customer_id = ?`
		args = append(args, customerID)
	}
	rows, err := t.Query(q+` ORDER BY id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("read audit trail: %w", err)
	}
	defer rows.Close()
	out := []api.AuditRecord{}
	for rows.Next() {
		var a api.AuditRecord
		var at int64
		if err := rows.Scan(&a.ID, &a.Actor, &a.Action, &a.CustomerID, &a.Detail, &at); err != nil {
			return nil, "", fmt.Errorf("scan audit record: %w", err)
		}
		a.CreatedAt = fromMicro(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("read audit trail: %w", err)
	}
	out, last := trimPage(out, limit)
	if last == nil {
		return out, "", nil
	}
	return out, strconv.FormatInt(last.ID, 10), nil
}
