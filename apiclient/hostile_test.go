package apiclient_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// hostileEvents puts a front before a real server that answers the event
// stream with events and passes everything else on; it counts the
// stream's connects and the token refreshes.
type hostileEvents struct {
	URL                 string
	connects, refreshes atomic.Int64
}

func newHostileEvents(t *testing.T, target string, events http.HandlerFunc) *hostileEvents {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	h := &hostileEvents{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/events":
			h.connects.Add(1)
			events(w, r)
		case "/v1/sessions/refresh":
			h.refreshes.Add(1)
			proxy.ServeHTTP(w, r)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	h.URL = srv.URL
	return h
}

// streamHead starts an event stream's answer.
func streamHead(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
}

// hostileSubscription signs a customer in through front and subscribes to
// the events with backoffs of at least min.
func hostileSubscription(t *testing.T, env *servertest.Env, front string, min time.Duration) <-chan apiclient.Update {
	t.Helper()
	opts := fastOptions()
	opts.AttemptTimeout = 200 * time.Millisecond
	opts.Events.ReconnectMin, opts.Events.ReconnectMax = min, time.Hour
	c := signIn(t, front, env.NewCustomer(billing.JPY), opts, false)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return c.Events(ctx)
}

// A server that ends every stream with reauthenticate gets one reconnect
// with a refreshed token, then the backoff: the client reconnected tens of
// thousands of times a second, refreshing nothing.
func TestEventsBackOffFromReauthenticateOverAndOver(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	front := newHostileEvents(t, env.URL, func(w http.ResponseWriter, r *http.Request) {
		streamHead(w)
		_, _ = io.WriteString(w, "event: reauthenticate\ndata: {}\n\n")
	})
	updates := hostileSubscription(t, env, front.URL, time.Hour)
	down := waitFor(t, updates, "the stream reported down", func(u apiclient.Update) bool { return u.State != apiclient.StreamLive })
	if down.State != apiclient.StreamReconnecting || front.connects.Load() != 2 || front.refreshes.Load() != 1 {
		t.Fatalf("%v after %d connects and %d refreshes; want reconnecting after 2 and 1", down.State, front.connects.Load(), front.refreshes.Load())
	}
}

// A server that accepts the stream and hangs up at once is backed off from
// and then polled: each connect that worked started the backoff over, and
// the client never polled.
func TestEventsPollWhenStreamsEndAtOnce(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	front := newHostileEvents(t, env.URL, func(w http.ResponseWriter, r *http.Request) {
		streamHead(w)
		_, _ = io.WriteString(w, ": hello\n\n")
	})
	updates := hostileSubscription(t, env, front.URL, time.Millisecond)
	polled := waitFor(t, updates, "polling", func(u apiclient.Update) bool { return u.State == apiclient.StreamPolling && u.Summary != nil })
	if polled.Summary.AvailableCredit.Currency != billing.JPY {
		t.Fatalf("polled %+v", polled.Summary)
	}
}

// An answer to the stream's connect whose body never comes is given up on
// after the attempt timeout: the live updates, and the polling that stands
// in for them, stopped for as long as the app ran.
func TestEventsGiveUpOnAnErrorBodyThatNeverComes(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	front := newHostileEvents(t, env.URL, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the body never comes
	})
	updates := hostileSubscription(t, env, front.URL, time.Hour)
	down := waitFor(t, updates, "the stream reported down", func(u apiclient.Update) bool { return u.State != apiclient.StreamLive })
	if down.Err == nil || front.connects.Load() != 1 {
		t.Fatalf("%+v after %d connects", down, front.connects.Load())
	}
}
