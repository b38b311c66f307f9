package server_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/events"
	"billfold/internal/server/servertest"
)

// sseMessage is one message of an event stream as it came over the wire.
type sseMessage struct{ event, data string }

// openStream opens GET /v1/events with token; the channel carries its
// messages and closes when the stream ends (the server ends it, the test
// calls the returned func, or the test client's timeout cuts a hang).
func openStream(t *testing.T, e *servertest.Env, token string) (<-chan sseMessage, func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.Client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("open stream: %v %v", err, resp)
	}
	out := make(chan sseMessage, 16)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var m sseMessage
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if m.data != "" {
					out <- m
				}
				m = sseMessage{}
			case strings.HasPrefix(line, "event: "):
				m.event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				m.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return out, cancel
}

// nextMessage is the stream's next message, or ok false once it ended.
func nextMessage(t *testing.T, stream <-chan sseMessage) (sseMessage, bool) {
	t.Helper()
	select {
	case m, ok := <-stream:
		return m, ok
	case <-time.After(time.Minute):
		t.Fatal("the stream neither sent nor ended")
		return sseMessage{}, false
	}
}

// wantEnd reads stream to its end: a reauthenticate message with code,
// then nothing.
func wantEnd(t *testing.T, stream <-chan sseMessage, code string) {
	t.Helper()
	m, ok := nextMessage(t, stream)
	if !ok || m.event != "reauthenticate" || m.data != `{"code":"`+code+`"}` {
		t.Fatalf("stream went on with %+v (open %v), want reauthenticate %s", m, ok, code)
	}
	if m, ok := nextMessage(t, stream); ok {
		t.Fatalf("stream went on after it ended its session: %+v", m)
	}
}

// TestEventStreamEndsWithItsSession: a stream delivers the customer's
// events (checkout links among them) only while the token it was opened
// with is good. Signing out ends it at once, and so does the token's
// expiry on an account where nothing happens; a stream of another
// session of the same customer goes on.
func TestEventStreamEndsWithItsSession(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b, func(o *server.Options) { o.AccessTTL = 2 * time.Second })
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		other := e.SignIn(c.Email, c.Password) // the same customer, another device
		signedOut, stop := openStream(t, e, c.Token)
		defer stop()
		goesOn, stop2 := openStream(t, e, other.AccessToken)
		defer stop2()

		e.MustJSON(e.Do("DELETE", "/v1/sessions/current", c.Token, nil, nil), http.StatusNoContent, nil)
		wantEnd(t, signedOut, api.CodeUnauthorized)
		adjust(t, e, staff, c, 1_000, "Goodwill credit")
		if m, _ := nextMessage(t, goesOn); m.event != api.EventBalance {
			t.Fatalf("the other session's stream: %+v", m)
		}

		// The other session's token expires while its stream is quiet.
		e.Clock.Advance(2 * time.Second)
		wantEnd(t, goesOn, api.CodeTokenExpired)
	})
}

// TestEventStreamsPerSessionAreCapped: one session holds at most
// events.MaxStreamsPerSession streams; one more is 429 with Retry-After,
// another session is not affected, and a closed stream frees its place.
func TestEventStreamsPerSessionAreCapped(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	var stops []func()
	for range events.MaxStreamsPerSession {
		_, stop := openStream(t, e, c.Token)
		stops = append(stops, stop)
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	r := e.Do("GET", "/v1/events", c.Token, nil, nil)
	if p := wantProblem(t, r, http.StatusTooManyRequests, api.CodeRateLimited); p.RetryAfter <= 0 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("no Retry-After: %+v %v", p, r.Header)
	}
	other := e.SignIn(c.Email, c.Password)
	_, stop := openStream(t, e, other.AccessToken)
	stop()
	stops[0]()
	// The server frees the place once it sees the connection close.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err := e.Client.Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		resp.Body.Close()
		cancel()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream's place stayed taken: %d", resp.StatusCode)
		}
	}
}
