// Package events wakes customers' event streams after a commit. The events
// themselves live in the database (the rules record each in the
// transaction of its change), so a stream that wakes reads exactly what
// is committed, in order, and a reconnecting client resumes with
// Last-Event-ID without losing anything.
package events

import (
	"errors"
	"sync"
)

// MaxStreamsPerSession is how many streams one session (one access token's
// sign-in) may hold open at once. The app opens one; a few more cover a
// reconnect that the server has not yet seen the old connection drop for.
// A stream ends at the latest when its access token expires, so even dead
// connections hold a slot for minutes only.
const MaxStreamsPerSession = 3

// ErrTooManyStreams refuses a stream beyond MaxStreamsPerSession.
var ErrTooManyStreams = errors.New("events: too many streams for one session")

// Hub fans wake-ups out to the streams of each customer.
type Hub struct {
	mu       sync.Mutex
	subs     map[string]map[chan struct{}]struct{}
	sessions map[string]int // open streams per session
	closed   chan struct{}
	once     sync.Once
}

// NewHub returns a hub with no streams.
func NewHub() *Hub {
	return &Hub{subs: map[string]map[chan struct{}]struct{}{}, sessions: map[string]int{}, closed: make(chan struct{})}
}

// Subscribe registers a stream of the customer, opened in session: wake
// receives when there may be new events or a session of the customer
// ended. unsubscribe ends it. A session that holds MaxStreamsPerSession
// streams already gets ErrTooManyStreams.
func (h *Hub) Subscribe(customerID, session string) (wake <-chan struct{}, unsubscribe func(), err error) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions[session] >= MaxStreamsPerSession {
		return nil, nil, ErrTooManyStreams
	}
	h.sessions[session]++
	if h.subs[customerID] == nil {
		h.subs[customerID] = map[chan struct{}]struct{}{}
	}
	h.subs[customerID][ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[customerID], ch)
		if len(h.subs[customerID]) == 0 {
			delete(h.subs, customerID)
		}
		if h.sessions[session]--; h.sessions[session] == 0 {
			delete(h.sessions, session)
		}
	}, nil
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
