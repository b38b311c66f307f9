package apiclient_test

import (
	"context"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

func TestEventsResumeAfterADropWithLastEventID(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The first stream dies right after its first event.
		f.proxy.inject(fault{kind: cutStream, path: "/v1/events", times: 1, after: 1})
		updates := f.c.Events(ctx)
		waitFor(t, updates, "the stream", isState(apiclient.StreamLive))

		adjust := func(amount int64) {
			got(f.staff.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), f.cust.ID,
				api.AdjustmentRequest{Amount: billing.New(amount, billing.JPY), Reason: "Event test credit"})).ok(t)
		}
		adjust(100)
		first := waitFor(t, updates, "the first event", func(u apiclient.Update) bool { return u.Event != nil })
		// These happen while the client is disconnected or reconnecting.
		adjust(200)
		adjust(300)

		var balances []int64
		last := first.Event.ID
		waitFor(t, updates, "the missed events", func(u apiclient.Update) bool {
			if u.Event == nil {
				return false // reconnecting, live again
			}
			if u.Event.ID <= last {
				t.Fatalf("event %d again after %d", u.Event.ID, last)
			}
			last = u.Event.ID
			balances = append(balances, u.Event.Balance.Amount)
			return len(balances) == 2
		})
		if first.Event.Balance.Amount != 100 || balances[0] != 300 || balances[1] != 600 {
			t.Fatalf("balances %d, %v; want 100, [300 600]", first.Event.Balance.Amount, balances)
		}
		reqs := f.proxy.requests("GET", "/v1/events")
		if len(reqs) < 2 || reqs[0].header.Get("Last-Event-ID") != "" {
			t.Fatalf("%d connects; first Last-Event-ID %q", len(reqs), reqs[0].header.Get("Last-Event-ID"))
		}
		if got, want := reqs[1].header.Get("Last-Event-ID"), first.Event.ID; got != itoa(want) {
			t.Fatalf("reconnected with Last-Event-ID %q, want %d", got, want)
		}
	})
}

func TestEventsFallBackToPollingTheSummary(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.proxy.inject(fault{kind: unavailable, path: "/v1/events", times: -1})
		updates := f.c.Events(ctx)
		u := waitFor(t, updates, "polling", func(u apiclient.Update) bool { return u.Summary != nil })
		if u.State != apiclient.StreamPolling || u.Summary.AvailableCredit.Amount != 0 {
			t.Fatalf("first poll: %+v", u)
		}
		got(f.staff.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), f.cust.ID,
			api.AdjustmentRequest{Amount: billing.New(700, billing.JPY), Reason: "Credit while the stream is down"})).ok(t)
		waitFor(t, updates, "the new balance by polling", func(u apiclient.Update) bool {
			return u.Summary != nil && u.Summary.AvailableCredit.Amount == 700
		})
		// The stream comes back: live again.
		f.proxy.clear()
		waitFor(t, updates, "the stream back", isState(apiclient.StreamLive))
	})
}

// TestEventsHonourRetryAfter: a stream refused with 429 and Retry-After is
// not reconnected before the server's pause is over, and the summary is
// polled meanwhile.
func TestEventsHonourRetryAfter(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, nil) // reconnects after 2 ms otherwise
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.proxy.inject(fault{kind: rateLimit, method: "GET", path: "/v1/events", times: 1, retryAfter: "1"})
		updates := f.c.Events(ctx)
		// Meanwhile the summary is polled, from the first refusal on.
		waitFor(t, updates, "polling during the pause", func(u apiclient.Update) bool { return u.Summary != nil })
		waitFor(t, updates, "the stream", isState(apiclient.StreamLive))
		tries := f.proxy.requests("GET", "/v1/events")
		if len(tries) != 2 {
			t.Fatalf("%d connects, want 2", len(tries))
		}
		if gap := tries[1].at.Sub(tries[0].at); gap < time.Second {
			t.Fatalf("reconnected %v after a 429 with Retry-After: 1", gap)
		}
	})
}

// TestEventsReconnectWithAFreshTokenWhenTheirsExpires: the server ends a
// stream when its access token expires; the client refreshes the token
// and reconnects at once (not after its backoff, here a minute), without
// reporting the stream down, and events keep arriving.
func TestEventsReconnectWithAFreshTokenWhenTheirsExpires(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) { o.AccessTTL = 2 * time.Second })
	u := env.NewCustomer(billing.JPY)
	staff := env.NewStaff()
	opts := fastOptions()
	opts.Events.ReconnectMin, opts.Events.ReconnectMax = time.Minute, time.Minute
	c := signIn(t, env.URL, u, opts, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := c.Events(ctx)
	waitFor(t, updates, "the stream", isState(apiclient.StreamLive))

	env.Clock.Advance(3 * time.Second) // the token expires
	live := waitFor(t, updates, "the stream again", func(u apiclient.Update) bool { return u.Event == nil })
	if live.State != apiclient.StreamLive {
		t.Fatalf("after the token expired: %+v, want the stream live again at once", live)
	}
	staffToken := env.SignIn(staff.Email, staff.Password).AccessToken // theirs expired too
	env.MustJSON(env.Do("POST", "/v1/staff/customers/"+u.ID+"/adjustments", staffToken,
		api.AdjustmentRequest{Amount: billing.New(1_000, billing.JPY), Reason: "Goodwill"}, servertest.Key()), 201, nil)
	ev := waitFor(t, updates, "the balance", func(u apiclient.Update) bool { return u.Event != nil || u.State != apiclient.StreamLive })
	if ev.Event == nil || ev.Event.Type != api.EventBalance || ev.Event.Balance.Amount != 1_000 {
		t.Fatalf("after the reconnect: %+v", ev)
	}
}
