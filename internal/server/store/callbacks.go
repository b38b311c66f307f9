package store

import (
	"errors"
	"fmt"
	"time"
)

// Gateway callbacks: the sandbox's owed deliveries, and the event ids
// already processed.

// OwedCallback is a sandbox callback not processed yet.
type OwedCallback struct {
	EventID string
	Body    []byte
}

// OweCallback records a callback the sandbox owes, in the transaction that
// makes the payment wait for it.
func (t *Tx) OweCallback(eventID string, body []byte, at time.Time) error {
	return t.write("store callback", `INSERT INTO sandbox_callbacks (event_id, body, created_at) VALUES (?, ?, ?)`, eventID, string(body), micro(at))
}

// SettleCallback forgets an owed callback: it is being processed.
func (t *Tx) SettleCallback(eventID string) error {
	return t.write("settle owed callback", `DELETE FROM sandbox_callbacks WHERE event_id = ?`, eventID)
}

// OwedCallbacks lists the callbacks owed since before before, oldest first.
func (t *Tx) OwedCallbacks(before time.Time) ([]OwedCallback, error) {
	rows, err := t.Query(`SELECT event_id, body FROM sandbox_callbacks WHERE created_at <= ? ORDER BY created_at`, micro(before))
	if err != nil {
		return nil, fmt.Errorf("list owed callbacks: %w", err)
	}
	defer rows.Close()
	var out []OwedCallback
	for rows.Next() {
		var o OwedCallback
		var body string
		if err := rows.Scan(&o.EventID, &body); err != nil {
			return nil, fmt.Errorf("scan owed callback: %w", err)
		}
		o.Body = []byte(body)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list owed callbacks: %w", err)
	}
	return out, nil
}

// RecordGatewayEvent remembers a processed callback's event id; false when
// it was processed before (a repeated delivery).
func (t *Tx) RecordGatewayEvent(eventID, paymentID string, at time.Time) (bool, error) {
	var seen string
	switch err := one(t.QueryRow(`SELECT event_id FROM gateway_events WHERE event_id = ?`, eventID).Scan(&seen), "webhook dedupe"); {
	case err == nil:
		return false, nil
	case !errors.Is(err, ErrNotFound):
		return false, err
	}
	return true, t.write("record webhook", `INSERT INTO gateway_events (event_id, payment_id, created_at) VALUES (?, ?, ?)`,
		eventID, paymentID, micro(at))
}
