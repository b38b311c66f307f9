// Package events wakes customers' event streams after a commit. The events
// themselves live in the database (the rules record each in the
// transaction of its change), so a stream that wakes reads exactly what
// is committed, in order, and a reconnecting client resumes with
// Last-Event-ID without losing anything.
package events

import "sync"

// Hub fans wake-ups out to the streams of each customer.
type Hub struct {
	mu     sync.Mutex
	subs   map[string]map[chan struct{}]struct{}
	closed chan struct{}
	once   sync.Once
}

// NewHub returns a hub with no streams.
func NewHub() *Hub {
	return &Hub{subs: map[string]map[chan struct{}]struct{}{}, closed: make(chan struct{})}
}

// Subscribe registers a stream of the customer: wake receives when there
// may be new events. unsubscribe ends it.
func (h *Hub) Subscribe(customerID string) (wake <-chan struct{}, unsubscribe func()) {
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

// Notify wakes the customer's streams; an empty id wakes every stream
// (notifications from other replicas may have been lost).
func (h *Hub) Notify(customerID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if customerID == "" {
		for _, subs := range h.subs {
			wake(subs)
		}
		return
	}
	wake(h.subs[customerID])
}

func wake(subs map[chan struct{}]struct{}) {
	for ch := range subs {
		select {
		case ch <- struct{}{}:
		default: // already signalled; the stream will read everything new
		}
	}
}

// Closed is closed by Close: streams end.
func (h *Hub) Closed() <-chan struct{} { return h.closed }

// Close ends every stream, so that a shutdown does not wait on them.
func (h *Hub) Close() { h.once.Do(func() { close(h.closed) }) }
