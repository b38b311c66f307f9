package apiclient

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		`{"email":"a@b","password":"hunter\"2"}`:                   `{"email":"a@b","password":"***"}`,
		`{ "refresh_token" : "bfr_x", "access_token":"bfa_y" }`:    `{ "refresh_token" : "***", "access_token":"***" }`,
		`{"refresh_token":"bfr_trunc`:                              `{"refresh_token":"***"`,
		"Authorization: Bearer bfa_abc.def\nAccept: */*":           "Authorization: Bearer ***\nAccept: */*",
		`"url":"http://127.0.0.1/sandbox/checkout/cko_123?x=1"`:    `"url":"http://127.0.0.1/sandbox/checkout/***?x=1"`,
		`{"token_type":"Bearer","user":{"email":"a@b"}}`:           `{"token_type":"Bearer","user":{"email":"a@b"}}`,
		"GET /v1/invoices/inv_1 HTTP/1.1 (no secret in this line)": "GET /v1/invoices/inv_1 HTTP/1.1 (no secret in this line)",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0": 0, "7": 7 * time.Second, " 120 ": 2 * time.Minute, "99999999999999999": maxRetryAfter,
		"Wed, 25 Nov 2026 12:00:30 GMT": 30 * time.Second, "Wed, 25 Nov 2026 11:00:00 GMT": 0,
	} {
		if got, ok := parseRetryAfter(in, now); !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := parseRetryAfter(in, now); ok {
			t.Errorf("parseRetryAfter(%q) accepted", in)
		}
	}
}

func TestBackoffGrowsWithJitterWithinBounds(t *testing.T) {
	const lo, hi = 100 * time.Millisecond, 2 * time.Second
	seen := map[time.Duration]bool{}
	for attempt := 1; attempt <= 10; attempt++ {
		base := min(2*lo<<(attempt-1), hi)
		for range 50 {
			d := backoff(lo, hi, attempt)
			if d < base/2 || d > base || d < lo {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, base/2, base)
			}
			seen[d] = true
		}
	}
	if len(seen) < 100 {
		t.Fatalf("only %d distinct waits: no jitter", len(seen))
	}
}

func TestShouldRetry(t *testing.T) {
	resp := func(method, key string, status int, body string) *resty.Response {
		req := resty.New().R()
		req.Method = method
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		r := &resty.Response{Request: req}
		if status != 0 {
			r.RawResponse = &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body))}
			r.SetBody([]byte(body))
		}
		return r
	}
	netErr := errors.New("connection reset by peer")
	inFlight := `{"code":"idempotency_key_in_use","title":"Conflict"}`
	for _, c := range []struct {
		name string
		resp *resty.Response
		err  error
		want bool
	}{
		{"GET 503", resp("GET", "", 503, ""), nil, true},
		{"HEAD 504", resp("HEAD", "", 504, ""), nil, true},
		{"GET 429", resp("GET", "", 429, ""), nil, true},
		{"GET 502", resp("GET", "", 502, ""), nil, true},
		{"GET network error", resp("GET", "", 0, ""), netErr, true},
		{"GET 500", resp("GET", "", 500, ""), nil, false},
		{"GET 404", resp("GET", "", 404, ""), nil, false},
		{"POST without key 503", resp("POST", "", 503, ""), nil, false},
		{"POST without key network error", resp("POST", "", 0, ""), netErr, false},
		{"POST with key 503", resp("POST", "k", 503, ""), nil, true},
		{"POST with key network error", resp("POST", "k", 0, ""), netErr, true},
		{"POST with key in flight", resp("POST", "k", 409, inFlight), nil, true},
		{"POST with key other conflict", resp("POST", "k", 409, `{"code":"invoice_not_payable"}`), nil, false},
		{"POST with key 422", resp("POST", "k", 422, ""), nil, false},
		{"DELETE 503", resp("DELETE", "", 503, ""), nil, false},
		{"GET body too large", resp("GET", "", 0, ""), resty.ErrResponseBodyTooLarge, false},
		{"no response", nil, netErr, false},
	} {
		if got := shouldRetry(c.resp, c.err); got != c.want {
			t.Errorf("%s: retry %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSSEReader(t *testing.T) {
	stream := "retry: 1500\n\n: keep-alive\n\nid: 1\nevent: balance.updated\ndata: {\"a\":\ndata: 1}\n\n" +
		"event: ignored\n\nid: 2\r\ndata: x\r\n\r\nid: 3\ndata: cut off at the end"
	r := newSSEReader(strings.NewReader(stream))
	m, err := r.next()
	if err != nil || m.id != "1" || m.event != "balance.updated" || m.data != "{\"a\":\n1}" || r.retry != 1500*time.Millisecond {
		t.Fatalf("first: %+v %v (retry %v)", m, err, r.retry)
	}
	m, err = r.next()
	if err != nil || m.id != "2" || m.event != "" || m.data != "x" {
		t.Fatalf("second: %+v %v", m, err)
	}
	if m, err = r.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("an unterminated message was dispatched: %+v %v", m, err)
	}
}
