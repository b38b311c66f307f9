package apiclient

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"

	"billfold/api"
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

// An event whose data lines never end in a blank line is refused once it
// outgrows maxSSEEvent (it grew to 920 MiB in a second), and an id with a
// control character is not kept: sent back as Last-Event-ID, it made
// every reconnect's request invalid.
func TestSSEReaderRefusesWhatItCannotKeep(t *testing.T) {
	line := "data: " + strings.Repeat("x", 64<<10) + "\n"
	endless := io.MultiReader(strings.NewReader(strings.Repeat(line, 2*maxSSEEvent/len(line))), strings.NewReader("\n"))
	if _, err := newSSEReader(endless).next(); !errors.Is(err, errSSETooLarge) {
		t.Fatalf("an endless event: %v, want errSSETooLarge", err)
	}
	r := newSSEReader(strings.NewReader("id: 7\ndata: a\n\nid: 8\x1b[2J\ndata: b\n\nid: 9 9\ndata: c\n\n"))
	for _, want := range []string{"7", "7", "7"} {
		if m, err := r.next(); err != nil || m.id != want {
			t.Fatalf("message %+v, %v; want id %s", m, err, want)
		}
	}
}

// A cursor the server hands out again, however many pages later, ends the
// walk with an error: A, B, A… fetched 5,000 pages in 0.3 s and never
// stopped.
func TestPagesRefuseACursorCycle(t *testing.T) {
	next := map[string]string{"": "A", "A": "B", "B": "A"}
	fetched := 0
	var last error
	for _, err := range pages("", func(cursor string) ([]int, string, error) {
		fetched++
		return []int{fetched}, next[cursor], nil
	}) {
		last = err
	}
	if e, ok := AsError(last); !ok || e.Kind != KindBadResponse || fetched != 3 {
		t.Fatalf("after %d pages: %v", fetched, last)
	}
}

// A success answer that is null, or an empty object where an invoice,
// payment, summary or ledger result belongs, is no answer: AddFunds and
// Pay returned empty values, and the UI took the money as moved. A
// decoder's error quotes the server briefly, not 16 MB of it.
func TestDecodeRefusesHollowAnswers(t *testing.T) {
	for _, c := range []struct {
		body string
		out  any
	}{
		{"null", &api.Invoice{}}, {" null ", &api.Summary{}}, {"{}", &api.Invoice{}}, {"{}", &api.Payment{}},
		{"{}", &api.Summary{}}, {"{}", &api.LedgerResult{}}, {"{}", &api.ApplyCreditResult{}},
		{`{"id":"inv_1","number":"INV-1"}`, &api.Invoice{}},
	} {
		if err := decodeJSON([]byte(c.body), c.out); err == nil {
			t.Errorf("%s as %T: accepted", c.body, c.out)
		}
	}
	var inv api.Invoice
	if err := decodeJSON([]byte(`{"id":"inv_1","number":"INV-1","currency":"JPY"}`), &inv); err != nil {
		t.Fatalf("a whole invoice: %v", err)
	}
	var s api.Summary
	err := decodeJSON([]byte(`{"as_of":"`+strings.Repeat("9", 8<<20)+`"}`), &s)
	if err == nil || len(err.Error()) > 400 {
		t.Fatalf("the error is %d bytes long", len(err.Error()))
	}
}
