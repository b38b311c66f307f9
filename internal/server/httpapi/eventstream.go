package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/internal/server/events"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
)

// The customer's Server-Sent Events stream (GET /v1/events): each event
// is sent once, in order, after its change committed; the events.Hub wakes
// the stream and the rules read what is new. A stream lives as long as the
// access token it was opened with: it checks the token whenever it wakes
// (a session of the customer that ends wakes it, the token's expiry and
// the heartbeat too) and, once the token is no longer good, says so with a
// reauthenticate message and ends. Sessions hold a few streams at most
// (events.MaxStreamsPerSession).

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 15 * time.Second

// eventBatch is how many events one read sends.
const eventBatch = 100

func (h *Handler) handleEvents(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	rc := http.NewResponseController(w)
	last, err := h.startingEventID(r, p.User.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	wake, unsubscribe, err := h.hub.Subscribe(p.User.ID, p.SessionID)
	if err != nil {
		e := problem.New(api.CodeRateLimited, "This session has %d event streams open already.", events.MaxStreamsPerSession)
		e.RetryAfter = int(heartbeat / time.Second)
		h.fail(w, r, e)
		return
	}
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
	expiry := time.NewTimer(p.AccessExpires.Sub(h.now()))
	defer expiry.Stop()
	for {
		if _, err := h.rules.Authenticate(r.Context(), bearer(r)); err != nil {
			// The token expired or its session ended (a failed check ends
			// the stream too, without a word: the client reconnects).
			var e *problem.Error
			if errors.As(err, &e) {
				_, _ = fmt.Fprintf(w, "event: reauthenticate\ndata: {\"code\":\"%s\"}\n\n", e.Code)
				_ = rc.Flush()
			}
			return
		}
		if last, err = h.sendEvents(r.Context(), w, p.User.ID, last); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.hub.Closed():
			return
		case <-wake:
		case <-expiry.C:
			// On a clock that was set back the token may not have expired
			// yet: look again when it should have.
			expiry.Reset(max(p.AccessExpires.Sub(h.now()), time.Second))
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
		// The session may have ended (sign-out, revocation) on any
		// replica: the check at the top ends the stream with a word.
	}
}

// startingEventID is Last-Event-ID when resuming, a non-negative integer;
// a fresh stream starts after the newest event.
func (h *Handler) startingEventID(r *http.Request, customerID string) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		return h.rules.LastEventID(r.Context(), customerID)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strings.Trim(v, "0123456789") != "" { // digits only: no sign
		return 0, problem.InvalidField("Last-Event-ID", "invalid", "must be an event id from this stream")
	}
	return id, nil
}

// sendEvents writes every event after id after and returns the last id sent.
func (h *Handler) sendEvents(ctx context.Context, w io.Writer, customerID string, after int64) (int64, error) {
	for {
		batch, err := h.rules.EventsAfter(ctx, customerID, after, eventBatch)
		if err != nil {
			return after, err
		}
		for _, ev := range batch {
			data, err := json.Marshal(ev)
			if err != nil {
				return after, fmt.Errorf("encode event %d: %w", ev.ID, err)
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Type, data); err != nil {
				return after, err
			}
			after = ev.ID
		}
		if len(batch) < eventBatch {
			return after, nil
		}
	}
}
