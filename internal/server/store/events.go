package store

import (
	"fmt"
	"time"
)

// The customers' event streams, written in the transaction of the change
// they describe.

// Event is one recorded event; Data is its JSON.
type Event struct {
	ID   int64
	Type string
	Data string
}

// InsertEvent records an event for the customer's stream.
func (t *Tx) InsertEvent(customerID, typ, data string, at time.Time) error {
	return t.write("record event", `INSERT INTO events (customer_id, type, data, created_at) VALUES (?, ?, ?, ?)`, customerID, typ, data, micro(at))
}

// LastEventID is the id of the customer's newest event, 0 for none.
func (t *Tx) LastEventID(customerID string) (int64, error) {
	var last int64
	err := t.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM events WHERE customer_id = ?`, customerID).Scan(&last)
	return last, one(err, "last event")
}

// EventsAfter reads up to limit of the customer's events after id after,
// oldest first.
func (t *Tx) EventsAfter(customerID string, after int64, limit int) ([]Event, error) {
	rows, err := t.Query(`SELECT id, type, data FROM events WHERE customer_id = ? AND id > ? ORDER BY id LIMIT ?`, customerID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.Type, &e.Data); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return out, nil
}
