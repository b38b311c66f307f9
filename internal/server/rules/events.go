package rules

import (
	"context"
	"encoding/json"
	"fmt"

	"billfold/api"
	"billfold/internal/server/store"
)

// emit records an event for the customer's stream in the same transaction
// as the change it describes, and publishes it (store.TopicEvents), which
// wakes the customer's streams in every replica after the commit, so that
// nobody sees a change that may still roll back.
func (s *Service) emit(tx *store.Tx, customerID string, ev api.Event) error {
	now := s.now()
	ev.CreatedAt = store.Time(now)
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	if err := tx.InsertEvent(customerID, ev.Type, string(data), now); err != nil {
		return err
	}
	tx.Publish(store.TopicEvents, customerID)
	return nil
}

// LastEventID is the id of the customer's newest event (0 for none): a
// fresh stream starts after it, since the client loads current state itself.
func (s *Service) LastEventID(ctx context.Context, customerID string) (int64, error) {
	var last int64
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		last, err = tx.LastEventID(customerID)
		return err
	})
	return last, err
}

// EventsAfter is up to limit of the customer's events after id after,
// oldest first, each invoice they carry signed.
func (s *Service) EventsAfter(ctx context.Context, customerID string, after int64, limit int) ([]api.Event, error) {
	var rows []store.Event
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		rows, err = tx.EventsAfter(customerID, after, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]api.Event, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal([]byte(r.Data), &out[i]); err != nil {
			return nil, fmt.Errorf("event %d: %w", r.ID, err)
		}
		out[i].ID = r.ID
		if out[i].Invoice != nil {
			s.signInvoice(out[i].Invoice)
		}
	}
	return out, nil
}
