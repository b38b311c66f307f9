package apiclient

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"billfold/api"
)

// EventOptions tune Client.Events. Zero values take the defaults.
type EventOptions struct {
	// ReconnectMin and ReconnectMax bound the backoff between reconnects
	// (1 s, 30 s). The server's retry hint raises the minimum.
	ReconnectMin time.Duration
	ReconnectMax time.Duration
	// PollAfter is how many connects in a row must fail before the summary
	// is polled instead (2).
	PollAfter int
	// PollInterval is how often the summary is polled meanwhile (15 s).
	PollInterval time.Duration
	// IdleTimeout ends a stream that sent nothing, not even the server's
	// keep-alive (every 15 s), for this long (45 s): the connection is dead
	// (a laptop that slept, a NAT that forgot it) without having said so.
	IdleTimeout time.Duration
}

func (o *EventOptions) defaults() {
	if o.ReconnectMin <= 0 {
		o.ReconnectMin = time.Second
	}
	if o.ReconnectMax < o.ReconnectMin {
		o.ReconnectMax = max(30*time.Second, o.ReconnectMin)
	}
	if o.PollAfter <= 0 {
		o.PollAfter = 2
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 15 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 45 * time.Second
	}
}

// StreamState is the state of an event subscription.
type StreamState int

// Stream states.
const (
	// StreamLive: connected; Update.Event carries each event as it happens.
	StreamLive StreamState = iota + 1
	// StreamReconnecting: the stream dropped (Update.Err says why); it is
	// reconnecting with backoff and resumes where it stopped.
	StreamReconnecting
	// StreamPolling: the stream is unavailable; Update.Summary carries the
	// polled summary (or Update.Err the failed poll) until it is back.
	StreamPolling
	// StreamClosed: ended for good (the session ended, a staff account);
	// Update.Err says why. The channel closes after it.
	StreamClosed
)

func (s StreamState) String() string {
	switch s {
	case StreamLive:
		return "live"
	case StreamReconnecting:
		return "reconnecting"
	case StreamPolling:
		return "polling"
	case StreamClosed:
		return "closed"
	}
	return "StreamState(" + strconv.Itoa(int(s)) + ")"
}

// Update is one item of an event subscription.
type Update struct {
	State   StreamState
	Event   *api.Event   // a live event
	Summary *api.Summary // a polled summary while the stream is down
	Err     error        // why the stream is down or closed, or a failed poll
}

// Events subscribes to the customer's live updates (GET /v1/events). The
// channel delivers a StreamLive update on every (re)connect, then the
// events; after a drop it reconnects with Last-Event-ID, so nothing is
// missed, and falls back to polling the summary while the stream stays
// unavailable. It closes when ctx ends or after a StreamClosed update.
// Read it promptly: the stream waits for the reader.
func (c *Client) Events(ctx context.Context) <-chan Update {
	out := make(chan Update, 16)
	l := &eventLoop{c: c, o: c.opts.Events, out: out}
	go l.run(ctx)
	return out
}

const eventsOp = "live updates"

// maxStreamPause caps a Retry-After the stream honours: a longer one is
// more likely a misconfigured proxy than a plan, and polling covers the
// gap meanwhile.
const maxStreamPause = 10 * time.Minute

type eventLoop struct {
	c        *Client
	o        EventOptions
	out      chan<- Update
	lastID   string
	hint     time.Duration // the server's retry hint
	failures int           // streams in a row that failed or ended before they were of use
	// reauthed: the last stream ended with reauthenticate, and the next
	// connect refreshes the token first; a stream that ends so again
	// before any event is a failure like any other, not a reason to
	// reconnect at once (a server that always said so was reconnected to
	// tens of thousands of times a second).
	reauthed bool
}

func (l *eventLoop) run(ctx context.Context) {
	defer close(l.out)
	for {
		err := l.stream(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errReauthenticate) && !l.reauthed {
			// The stream's token expired (or its session ended): connect
			// refreshes it, or says that the session is over.
			l.reauthed = true
			continue
		}
		if final(err) {
			l.send(ctx, Update{State: StreamClosed, Err: err})
			return
		}
		l.failures++
		polling := l.failures >= l.o.PollAfter
		wait := backoff(min(max(l.o.ReconnectMin, l.hint), l.o.ReconnectMax), l.o.ReconnectMax, l.failures)
		if e, ok := AsError(err); ok && e.RetryAfter > wait {
			// The server asked for a pause (429, 503): wait it out, and
			// poll meanwhile so that the figures stay current.
			wait, polling = min(e.RetryAfter, maxStreamPause), true
		}
		state := StreamReconnecting
		if polling {
			state = StreamPolling
		}
		l.c.log.Info("apiclient: event stream down", "err", err, "reconnect_in", wait, "polling", polling)
		if !l.send(ctx, Update{State: state, Err: err}) || !l.pause(ctx, wait, polling) {
			return
		}
	}
}

// final reports whether reconnecting cannot help.
func final(err error) bool {
	e, ok := AsError(err)
	return ok && (e.IsUnauthorized() || e.IsForbidden() || e.IsCertificate() || e.Kind == KindUsage)
}

func (l *eventLoop) send(ctx context.Context, u Update) bool {
	select {
	case l.out <- u:
		return true
	case <-ctx.Done():
		return false
	}
}

// pause waits before the next connect, polling the summary meanwhile when
// the stream has been unavailable for a while.
func (l *eventLoop) pause(ctx context.Context, wait time.Duration, polling bool) bool {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var tick <-chan time.Time
	if polling {
		if !l.poll(ctx) {
			return false
		}
		t := time.NewTicker(l.o.PollInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case <-tick:
			if !l.poll(ctx) {
				return false
			}
		}
	}
}

func (l *eventLoop) poll(ctx context.Context) bool {
	s, err := l.c.Summary(ctx)
	if err != nil {
		return l.send(ctx, Update{State: StreamPolling, Err: err})
	}
	return l.send(ctx, Update{State: StreamPolling, Summary: &s})
}

// reauthenticate is the server's last message on a stream whose access
// token expired or whose session ended.
const reauthenticate = "reauthenticate"

// errReauthenticate ends a stream that the server ended with
// reauthenticate: reconnecting at once, with a refreshed token, resumes it.
var errReauthenticate = errors.New("apiclient: the event stream's token is no longer good")

// stream runs one connection until it ends, and says why it ended.
func (l *eventLoop) stream(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := l.connect(ctx)
	if err != nil {
		return err
	}
	body := resp.RawBody()
	defer body.Close()
	// The stream counts as working, and the backoff starts over, once an
	// event came or it stayed up as long as the longest backoff: a server
	// that accepts and hangs up at once is backed off from and, after a
	// while, polled instead.
	since := time.Now()
	defer func() {
		if time.Since(since) >= l.o.ReconnectMax {
			l.failures, l.reauthed = 0, false
		}
	}()
	if !l.send(ctx, Update{State: StreamLive}) {
		return ctx.Err()
	}
	var idle atomic.Bool
	watchdog := time.AfterFunc(l.o.IdleTimeout, func() { idle.Store(true); cancel() })
	defer watchdog.Stop()
	r := newSSEReader(activityReader{body, func() { watchdog.Reset(l.o.IdleTimeout) }})
	for {
		m, err := r.next()
		if r.retry > 0 {
			l.hint = r.retry
		}
		if err != nil {
			return l.streamEnd(ctx, err, idle.Load())
		}
		if m.event == reauthenticate {
			return errReauthenticate
		}
		l.lastID = m.id
		l.failures, l.reauthed = 0, false
		ev, err := decodeEvent(m)
		if err != nil {
			// Replaying it would fail the same way; the next balance event
			// or summary load corrects whatever it was about.
			l.c.log.Warn("apiclient: unreadable event skipped", "id", m.id, "err", err)
			continue
		}
		watchdog.Stop() // a slow reader is not a dead connection
		ok := l.send(ctx, Update{State: StreamLive, Event: &ev})
		watchdog.Reset(l.o.IdleTimeout)
		if !ok {
			return ctx.Err()
		}
	}
}

func (l *eventLoop) streamEnd(ctx context.Context, err error, idle bool) error {
	e := transportError(ctx, eventsOp, err)
	switch {
	case idle:
		e.Kind, e.Detail = KindUnreachable, "the stream went quiet"
	case errors.Is(err, io.EOF):
		e.Detail = "the stream ended"
	case errors.Is(err, bufio.ErrTooLong):
		e.Kind, e.Detail = KindBadResponse, "the stream sent an oversized line"
	case errors.Is(err, errSSETooLarge):
		e.Kind, e.Detail = KindBadResponse, "the stream sent an oversized event"
	}
	return e
}

// connect opens the stream, refreshing the session once on a 401.
func (l *eventLoop) connect(ctx context.Context) (*resty.Response, error) {
	c := l.c
	for refreshed := false; ; refreshed = true {
		token := c.auth.access()
		if l.reauthed && !refreshed && token != "" {
			// The server ended the last stream for its token. Refreshed
			// once: a 401 for the new token is an answer, not a reason to
			// refresh again.
			if err := c.refresh(ctx, eventsOp, token); err != nil {
				return nil, err
			}
			token, refreshed = c.auth.access(), true
		}
		if token == "" {
			if !c.SignedIn() {
				return nil, notSignedIn(eventsOp)
			}
			if err := c.refresh(ctx, eventsOp, ""); err != nil {
				return nil, err
			}
			token = c.auth.access()
		}
		r := c.stream.R().SetContext(ctx).SetDoNotParseResponse(true).
			SetHeader("Accept", "text/event-stream").
			SetHeader("Authorization", "Bearer "+token)
		if l.lastID != "" {
			r.SetHeader("Last-Event-ID", l.lastID)
		}
		resp, err := r.Get("/v1/events")
		if err != nil {
			return nil, transportError(ctx, eventsOp, err)
		}
		status := resp.StatusCode()
		if status == http.StatusOK && isEventStream(resp.Header().Get("Content-Type")) {
			return resp, nil
		}
		body := readErrorBody(resp.RawBody(), c.opts.AttemptTimeout)
		switch {
		case status == http.StatusUnauthorized && !refreshed:
			if err := c.refresh(ctx, eventsOp, token); err != nil {
				return nil, err
			}
			continue
		case status == http.StatusOK:
			// A proxy that buffers or rewrites streams answers with a page.
			return nil, &Error{Op: eventsOp, Kind: KindBadResponse, Status: status, Detail: "not an event stream"}
		case status == http.StatusBadRequest && l.lastID != "":
			l.lastID = "" // the server does not know where we were; start afresh
		}
		return nil, errorFromResponse(eventsOp, status, resp.Header(), body, time.Now())
	}
}

// readErrorBody reads up to 64 KiB of an answer that is no stream, for
// at most timeout, and closes it: the stream's connection has no deadline
// of its own, and a server that sent its headers and then nothing held
// the live updates, and their polling, for as long as the app ran.
func readErrorBody(body io.ReadCloser, timeout time.Duration) []byte {
	stop := time.AfterFunc(timeout, func() { body.Close() })
	defer stop.Stop()
	data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	body.Close()
	return data
}

func isEventStream(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/event-stream"
}

// decodeEvent reads an event's data; the SSE fields fill in what the JSON
// leaves out.
func decodeEvent(m sseMessage) (api.Event, error) {
	var ev api.Event
	if err := decodeJSON([]byte(m.data), &ev); err != nil {
		return api.Event{}, err
	}
	if ev.Type == "" {
		ev.Type = m.event
	}
	if ev.ID == 0 {
		ev.ID, _ = strconv.ParseInt(m.id, 10, 64)
	}
	return ev, nil
}

// activityReader reports every read that returned data.
type activityReader struct {
	r      io.Reader
	active func()
}

func (a activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.active()
	}
	return n, err
}
