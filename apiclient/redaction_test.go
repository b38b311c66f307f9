package apiclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// wire records every secret that crossed the wire: bearer tokens sent,
// tokens and checkout URLs received.
type wire struct {
	base    http.RoundTripper
	mu      sync.Mutex
	secrets map[string]bool
}

func (w *wire) add(s string) {
	if s == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.secrets[s] = true
}

func (w *wire) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for s := range w.secrets {
		out = append(out, s)
	}
	return out
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	w.add(strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
	resp, err := w.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/event-stream" {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var s api.Session
	if json.Unmarshal(body, &s) == nil {
		w.add(s.AccessToken)
		w.add(s.RefreshToken)
	}
	var p api.Payment
	if json.Unmarshal(body, &p) == nil {
		if _, token, ok := strings.Cut(p.NextAction.URL, "/sandbox/checkout/"); ok {
			w.add(token)
		}
	}
	return resp, nil
}

func TestDebugLogsAndErrorsNeverContainSecrets(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		ctx := context.Background()
		cust := env.NewCustomer(billing.JPY)
		logs := &servertest.SyncBuffer{}
		w := &wire{secrets: map[string]bool{}}
		var saved tokenLog
		opts := fastOptions()
		opts.Debug = true
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		opts.OnRefreshToken = saved.save
		apiclient.WrapTransport(&opts, func(rt http.RoundTripper) http.RoundTripper { w.base = rt; return w })
		c, err := apiclient.New(env.URL, opts)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string // everything a user or a bug report could see
		note := func(err error) {
			if err != nil {
				texts = append(texts, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
			}
		}

		// A whole session: a typo in the password, sign-in, money, a
		// refresh after the access token expired, the event stream, sign-out.
		wrong := cust.Password + "-typo"
		_, err = c.SignIn(ctx, cust.Email, wrong)
		note(err)
		got(c.SignIn(ctx, cust.Email, cust.Password)).ok(t)
		got(c.Summary(ctx)).ok(t)
		inv := got(c.AddFunds(ctx, apiclient.NewIdempotencyKey(), addFundsReq(1_000, billing.JPY, "card"))).ok(t)
		p := got(c.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "card"})).ok(t)
		got(c.Payment(ctx, p.ID)).ok(t)
		_, err = apiclient.CheckRedirectURL(strings.Replace(p.NextAction.URL, "http:", "javascript:", 1))
		note(err)
		env.Clock.Advance(16 * time.Minute)
		got(c.Me(ctx)).ok(t)
		sctx, stop := context.WithCancel(ctx)
		waitFor(t, c.Events(sctx), "the stream", isState(apiclient.StreamLive))
		stop()
		if err := c.SignOut(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = c.Summary(ctx)
		note(err)
		texts = append(texts, fmt.Sprintf("%v %+v %#v %s", c, c, c, c))

		secrets := append(w.all(), cust.Password, wrong)
		secrets = append(secrets, saved.all()...)
		if len(secrets) < 8 {
			t.Fatalf("only %d secrets seen on the wire; the session did not run", len(secrets))
		}
		log := logs.String()
		for _, want := range []string{"~~~ REQUEST ~~~", "/v1/sessions/refresh", "Authorization: ***", `password\": \"***\"`, "/sandbox/checkout/***"} {
			if !strings.Contains(log, want) {
				t.Fatalf("debug log lacks %q; is debug logging on?", want)
			}
		}
		for _, s := range secrets {
			if s == "" {
				continue
			}
			if strings.Contains(log, s) {
				t.Fatalf("a secret (%d chars) is in the debug log", len(s))
			}
			for _, text := range texts {
				if strings.Contains(text, s) {
					t.Fatalf("a secret (%d chars) is in %q", len(s), text)
				}
			}
		}
	})
}
