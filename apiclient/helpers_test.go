package apiclient_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/api/apivalidate"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
	"billfold/internal/server/store"
)

// each runs f on every backend (SQLite, and PostgreSQL when configured).
func each(t *testing.T, f func(t *testing.T, b servertest.Backend)) {
	for _, b := range servertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f(t, b)
		})
	}
}

// fastOptions keep retries and reconnects short so the suite stays quick.
func fastOptions() apiclient.Options {
	return apiclient.Options{
		AttemptTimeout: 5 * time.Second,
		Deadline:       15 * time.Second,
		RetryWait:      2 * time.Millisecond,
		RetryMaxWait:   50 * time.Millisecond,
		Events: apiclient.EventOptions{
			ReconnectMin: 2 * time.Millisecond,
			ReconnectMax: 20 * time.Millisecond,
			PollInterval: 20 * time.Millisecond,
		},
	}
}

// contract validates traffic against api/openapi.yaml. One validator
// serves the whole package (it is safe for concurrent use and slow to
// build); TestMain fails the run on anything it recorded.
var contract struct {
	once sync.Once
	v    *apivalidate.Validator
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if contract.v != nil {
		for _, msg := range contract.v.Errors() {
			fmt.Fprintln(os.Stderr, "OpenAPI:", msg)
			code = 1
		}
	}
	os.Exit(code)
}

// newClient returns a client for baseURL. Its traffic is validated against
// api/openapi.yaml when validate is set (not behind the fault proxy, whose
// injected answers are deliberately off-contract).
func newClient(t testing.TB, baseURL string, opts apiclient.Options, validate bool) *apiclient.Client {
	t.Helper()
	if validate {
		contract.once.Do(func() { contract.v, contract.err = apivalidate.New() })
		if contract.err != nil {
			t.Fatalf("load OpenAPI: %v", contract.err)
		}
		apiclient.WrapTransport(&opts, contract.v.Transport)
	}
	c, err := apiclient.New(baseURL, opts)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

// signIn returns a client signed in as u.
func signIn(t testing.TB, baseURL string, u servertest.Customer, opts apiclient.Options, validate bool) *apiclient.Client {
	t.Helper()
	c := newClient(t, baseURL, opts, validate)
	if _, err := c.SignIn(context.Background(), u.Email, u.Password); err != nil {
		t.Fatalf("sign in %s: %v", u.Email, err)
	}
	return c
}

// result holds a call's two results, so that got(c.Summary(ctx)).ok(t)
// checks the error inline.
type result[T any] struct {
	v   T
	err error
}

func got[T any](v T, err error) result[T] { return result[T]{v, err} }

// ok fails the test on an error and returns the value.
func (r result[T]) ok(t testing.TB) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("unexpected error: %v", r.err)
	}
	return r.v
}

// apiErr asserts that err is an *apiclient.Error and returns it.
func apiErr(t testing.TB, err error) *apiclient.Error {
	t.Helper()
	e, ok := apiclient.AsError(err)
	if !ok {
		t.Fatalf("want *apiclient.Error, got %T: %v", err, err)
	}
	return e
}

func collect[T any](t testing.TB, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// addFundsReq is a valid add-funds request.
func addFundsReq(amount int64, c billing.Currency, gateway string) api.AddFundsRequest {
	return api.AddFundsRequest{Amount: billing.New(amount, c), Gateway: gateway, PolicyVersion: "2026-06-01"}
}

// checkout completes a sandbox card payment as the customer's browser would.
func checkout(t testing.TB, env *servertest.Env, p api.Payment) api.SandboxResult {
	t.Helper()
	u, err := apiclient.CheckRedirectURL(p.NextAction.URL)
	if err != nil {
		t.Fatalf("redirect URL refused: %v", err)
	}
	form := url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}}
	req, _ := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := env.Client.Do(req)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	var res api.SandboxResult
	env.MustJSON(servertest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, http.StatusOK, &res)
	return res
}

// serviceInvoice issues a ¥1,100 service invoice (¥1,000 + 10 % tax).
func serviceInvoice(t testing.TB, env *servertest.Env, customerID string) string {
	t.Helper()
	now := env.Clock.Now()
	id, err := env.Server.IssueServiceInvoice(context.Background(), customerID, now, now.Add(14*24*time.Hour),
		[]server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10}})
	if err != nil {
		t.Fatalf("issue invoice: %v", err)
	}
	env.Clock.Advance(time.Millisecond) // distinct issue times keep page order deterministic
	return id
}

// count runs a COUNT(*) query on the server's database: the ground truth
// for "nothing happened twice".
func count(t testing.TB, env *servertest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	err := env.Server.DB().ReadTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(query, args...).Scan(&n)
	})
	if err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}

// tokenLog records what OnRefreshToken was told, in order.
type tokenLog struct {
	mu     sync.Mutex
	tokens []string
}

func (l *tokenLog) save(tok string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = append(l.tokens, tok)
}

func (l *tokenLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...)
}

func (l *tokenLog) last() string {
	all := l.all()
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

// waitFor reads updates until one satisfies ok.
func waitFor(t testing.TB, ch <-chan apiclient.Update, what string, ok func(apiclient.Update) bool) apiclient.Update {
	t.Helper()
	timeout := time.NewTimer(15 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case u, open := <-ch:
			if !open {
				t.Fatalf("waiting for %s: the update channel closed", what)
			}
			if ok(u) {
				return u
			}
		case <-timeout.C:
			t.Fatalf("waiting for %s: timed out", what)
		}
	}
}

func isState(s apiclient.StreamState) func(apiclient.Update) bool {
	return func(u apiclient.Update) bool { return u.State == s && u.Event == nil && u.Summary == nil }
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
