package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"billfold/api"
	"billfold/internal/server/store"
)

// hub wakes the event streams of a customer after a commit. Events
// themselves live in the database, so a stream that wakes reads exactly
// what is committed, in order, and a reconnecting client resumes with
// Last-Event-ID without losing anything.
type hub struct {
	mu     sync.Mutex
	subs   map[string]map[chan struct{}]struct{}
	closed chan struct{}
	once   sync.Once
}

func newHub() *hub {
	return &hub{subs: map[string]map[chan struct{}]struct{}{}, closed: make(chan struct{})}
}

func (h *hub) subscribe(customerID string) (chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[customerID] == nil {
		h.subs[customerID] = map[chan struct{}]struct{}{}
	}
	h.subs[customerID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[customerID], ch)
		if len(h.subs[customerID]) == 0 {
			delete(h.subs, customerID)
		}
		h.mu.Unlock()
	}
}

func (h *hub) notify(customerID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[customerID] {
		select {
		case ch <- struct{}{}:
		default: // already signalled; the stream will read everything new
		}
	}
}

func (h *hub) close() { h.once.Do(func() { close(h.closed) }) }

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 15 * time.Second

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, p *principal) {
	rc := http.NewResponseController(w)
	last, err := s.startingEventID(r, p.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wake, unsubscribe := s.hub.subscribe(p.user.ID)
	defer unsubscribe()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Tell the client how long to wait before reconnecting.
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	_ = rc.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		if last, err = s.sendEvents(w, r, p.user.ID, last); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.hub.closed:
			return
		case <-wake:
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
	}
}

// startingEventID is Last-Event-ID when resuming; a fresh stream starts
// after the newest event, since the client loads current state itself.
func (s *Server) startingEventID(r *http.Request, customerID string) (int64, error) {
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return 0, fieldProblem(http.StatusBadRequest, "Last-Event-ID", "invalid", "must be an event id from this stream")
		}
		return id, nil
	}
	var last int64
	err := s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM events WHERE customer_id = ?`, customerID).Scan(&last)
	})
	return last, err
}

func (s *Server) sendEvents(w http.ResponseWriter, r *http.Request, customerID string, after int64) (int64, error) {
	type row struct {
		id   int64
		typ  string
		data string
	}
	for {
		var batch []row
		err := s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
			rows, err := tx.Query(`SELECT id, type, data FROM events WHERE customer_id = ? AND id > ? ORDER BY id LIMIT 100`, customerID, after)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var e row
				if err := rows.Scan(&e.id, &e.typ, &e.data); err != nil {
					return err
				}
				batch = append(batch, e)
			}
			return rows.Err()
		})
		if err != nil {
			return after, err
		}
		for _, e := range batch {
			var ev api.Event
			if err := json.Unmarshal([]byte(e.data), &ev); err != nil {
				return after, err
			}
			ev.ID = e.id
			data, _ := json.Marshal(ev)
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.id, e.typ, data); err != nil {
				return after, err
			}
			after = e.id
		}
		if len(batch) < 100 {
			return after, nil
		}
	}
}
