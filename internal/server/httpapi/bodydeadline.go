package httpapi

import (
	"net/http"
	"time"
)

// bodyDeadline gives a request's body bodyTTL to arrive, counted from
// when its headers have: a client that trickles it in, or never sends it,
// would otherwise hold its connection and a goroutine for as long as it
// likes. The deadline is the connection's, so it also bounds what the
// server discards of a body a handler did not read; net/http lifts it
// once the body has been read to its end, so that it never cuts a slow
// handler's request short. A read that hits it fails (bodyError: 408) and
// the connection is closed after the answer. Real time, not h.now: this is
// the network's clock.
func (h *Handler) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			// Not every ResponseWriter has a connection (a test's
			// recorder); there is nothing to hold then.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.bodyTTL))
		}
		next.ServeHTTP(w, r)
	})
}
