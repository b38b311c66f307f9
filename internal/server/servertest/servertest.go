// Package servertest starts the real reference server in-process for tests:
// on a temporary SQLite database and, when BILLFOLD_TEST_PG_DSN is set, on
// a fresh PostgreSQL schema. Every request made through an Env's client is
// validated against api/openapi.yaml, and the test fails on any mismatch.
package servertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL schemas per test

	"billfold/api"
	"billfold/api/apivalidate"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/auth"
	"billfold/internal/server/store/pgstore"
)

// PostgresDSNEnv names the variable holding a PostgreSQL DSN for tests.
const PostgresDSNEnv = "BILLFOLD_TEST_PG_DSN"

// Backend is a database the suite runs against.
type Backend struct {
	Name string
	dsn  string
}

// Backends lists SQLite, plus PostgreSQL when its DSN is set. In CI
// (CI=true) a missing DSN is an error rather than a silent skip.
func Backends(t testing.TB) []Backend {
	b := []Backend{{Name: "sqlite"}}
	if dsn := os.Getenv(PostgresDSNEnv); dsn != "" {
		b = append(b, Backend{Name: "postgres", dsn: dsn})
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("%s must be set in CI so the suite also runs on PostgreSQL", PostgresDSNEnv)
	}
	return b
}

// Env is one running server with its own empty database.
type Env struct {
	T      testing.TB
	Server *server.Server
	URL    string
	Client *http.Client
	Clock  *Clock
	Logs   *SyncBuffer
	// DSN is the PostgreSQL DSN of the test's schema; empty on SQLite.
	DSN       string
	validator *apivalidate.Validator
	opts      server.Options
	http      *httptest.Server
}

// Clock is a settable clock; it starts at real time and only moves when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// New starts a server on backend b. tune may adjust the options. Passwords
// are hashed at auth.TestCost, so that sign-ins take no time on a busy
// machine; the production cost has its own test.
func New(t testing.TB, b Backend, tune ...func(*server.Options)) *Env {
	t.Helper()
	clock := &Clock{now: time.Now().UTC().Truncate(time.Millisecond)}
	logs := &SyncBuffer{}
	opts := server.Options{
		DataDir:       t.TempDir(),
		Now:           clock.Now,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LoginInterval: time.Millisecond, LoginBurst: 1000,
		LoginSourceInterval: time.Millisecond, LoginSourceBurst: 1000,
		VoucherInterval: time.Millisecond, VoucherBurst: 1000,
		PasswordCost: auth.TestCost,
		OpenPostgres: pgstore.Open,
	}
	if b.dsn != "" {
		opts.DSN = PostgresSchema(t, b.dsn)
	}
	for _, f := range tune {
		f(&opts)
	}
	v, err := apivalidate.New()
	if err != nil {
		t.Fatalf("load OpenAPI: %v", err)
	}
	e := &Env{T: t, Clock: clock, Logs: logs, DSN: opts.DSN, validator: v, opts: opts,
		Client: &http.Client{Transport: v.Transport(http.DefaultTransport), Timeout: 30 * time.Second}}
	e.serve()
	t.Cleanup(func() {
		e.stop()
		for _, msg := range v.Errors() {
			t.Errorf("OpenAPI: %s", msg)
		}
	})
	return e
}

// serve starts the server on its database and serves it on a new port.
func (e *Env) serve() {
	e.T.Helper()
	srv, err := server.New(context.Background(), e.opts)
	if err != nil {
		e.T.Fatalf("start server: %v", err)
	}
	e.http = httptest.NewServer(srv.Handler())
	srv.SetBaseURL(e.http.URL)
	e.Server, e.URL = srv, e.http.URL
}

func (e *Env) stop() {
	e.http.CloseClientConnections()
	e.http.Close()
	_ = e.Server.Close()
}

// Restart stops the server as a process exit would (nothing but the
// database survives) and starts a new one on the same database, at a new
// URL. Sessions survive: they are in the database.
func (e *Env) Restart() {
	e.T.Helper()
	e.stop()
	e.serve()
}

// PostgresSchema creates a schema for one test and returns a DSN that uses
// it; the schema is dropped when the test ends.
func PostgresSchema(t testing.TB, dsn string) string {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	name := "bf_" + randomHex(8)
	if _, err := db.Exec(`CREATE SCHEMA ` + name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec(`DROP SCHEMA ` + name + ` CASCADE`)
		db.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("postgres DSN: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var userSeq atomic.Int64

// Customer is a test account.
type Customer struct {
	ID, Email, Password string
	Currency            billing.Currency
	Token               string
}

// NewCustomer creates and signs in a customer billed in c.
func (e *Env) NewCustomer(c billing.Currency) Customer {
	e.T.Helper()
	return e.newUser(billing.RoleCustomer, c)
}

// NewStaff creates and signs in a staff member.
func (e *Env) NewStaff() Customer {
	e.T.Helper()
	return e.newUser(billing.RoleStaff, "")
}

func (e *Env) newUser(role billing.Role, c billing.Currency) Customer {
	e.T.Helper()
	n := userSeq.Add(1)
	u := Customer{Email: fmt.Sprintf("%s%d-%s@example.test", role, n, randomHex(3)), Password: "pw-" + randomHex(8), Currency: c}
	locale := "en"
	if c == billing.JPY {
		locale = "ja"
	}
	id, err := e.Server.CreateUser(context.Background(), server.NewUser{Email: u.Email, Password: u.Password,
		Name: fmt.Sprintf("Test %s %d", role, n), Role: role, Locale: locale, Currency: c})
	if err != nil {
		e.T.Fatalf("create user: %v", err)
	}
	u.ID = id
	u.Token = e.SignIn(u.Email, u.Password).AccessToken
	return u
}

// SignIn signs in and returns the session.
func (e *Env) SignIn(email, password string) api.Session {
	e.T.Helper()
	var s api.Session
	e.MustJSON(e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: email, Password: password}, nil), http.StatusCreated, &s)
	return s
}

// Response is a captured HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Problem decodes a problem+json body.
func (r Response) Problem() api.Problem {
	var p api.Problem
	_ = json.Unmarshal(r.Body, &p)
	return p
}

// Do sends a request. body may be nil, []byte/string (sent as is) or a
// value to encode as JSON. headers are extra headers, e.g. Idempotency-Key.
func (e *Env) Do(method, path, token string, body any, headers map[string]string) Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			e.T.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.T.Fatalf("request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatalf("%s %s: read: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// MustJSON checks the status and decodes the body into v.
func (e *Env) MustJSON(r Response, status int, v any) {
	e.T.Helper()
	if r.Status != status {
		e.T.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if v != nil {
		if err := json.Unmarshal(r.Body, v); err != nil {
			e.T.Fatalf("decode %T: %v (%s)", v, err, r.Body)
		}
	}
}

// Key returns a fresh Idempotency-Key header map.
func Key() map[string]string { return map[string]string{"Idempotency-Key": "test-" + randomHex(12)} }

// PolicyVersion is the default credit policy version.
func (e *Env) PolicyVersion(token string) string {
	e.T.Helper()
	var c api.Config
	e.MustJSON(e.Do("GET", "/v1/billing/config", token, nil, nil), http.StatusOK, &c)
	return c.CreditPolicy.Version
}
