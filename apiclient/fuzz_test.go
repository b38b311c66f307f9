package apiclient

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"billfold/api"
)

// The fuzz targets feed arbitrary bytes to every parser that reads what a
// server (or anything pretending to be one) sends: success bodies, the
// event stream and error answers. None may panic, and what they produce
// must stay within bounds.

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[`, ``, `{"items":[{"id":"inv_1","total":{"amount":1,"currency":"JPY"}}],"next_cursor":"c"}`,
		`{"amount":{"amount":1.5,"currency":"JPY"}}`, `{"access_token":"a","user":{"role":"customer"}} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, out := range []any{
			new(api.Session), new(api.User), new(api.Summary), new(api.Config), new(api.Invoice), new(api.InvoicePage),
			new(api.Payment), new(api.ApplyCreditResult), new(api.LedgerResult), new(api.LedgerPage),
			new(api.CustomerList), new(api.AuditPage), new(api.Event), new(RawInvoicePage), new(json.RawMessage),
		} {
			_ = decodeJSON(data, out)
		}
	})
}

func FuzzDecodeSSE(f *testing.F) {
	for _, s := range []string{
		"retry: 2000\n\nid: 7\nevent: balance.updated\ndata: {\"id\":7,\"type\":\"balance.updated\",\"balance\":{\"amount\":1,\"currency\":\"JPY\"}}\n\n",
		": keep-alive\n\n", "data: a\ndata: b\n\n", "id: 1\x00\ndata: {}\n\n", "retry: 99999999999\n", "data:{\"id\":-1}\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newSSEReader(bytes.NewReader(data))
		for range 1000 {
			m, err := r.next()
			if err != nil {
				break
			}
			_, _ = decodeEvent(m)
		}
		if r.retry < 0 || r.retry > 1_000_000_000*time.Millisecond {
			t.Fatalf("retry hint %v out of bounds", r.retry)
		}
	})
}

func FuzzDecodeProblem(f *testing.F) {
	f.Add(422, "application/problem+json", "", []byte(`{"code":"validation_failed","detail":"x","errors":[{"field":"amount.currency","code":"c","message":"m"}]}`))
	f.Add(429, "application/problem+json", "120", []byte(`{"code":"rate_limited","retry_after":9223372036854775807}`))
	f.Add(502, "text/html", "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`<html><title>502 &amp; Bad Gateway</title>`))
	f.Add(503, "text/plain", "-1", []byte("upstream\x00 connect error\nsecond line"))
	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter string, body []byte) {
		h := http.Header{"Content-Type": {contentType}, "Retry-After": {retryAfter}}
		e := errorFromResponse("load summary", status, h, body, time.Now())
		text := e.Error()
		if !utf8.ValidString(text) || e.Kind == 0 {
			t.Fatalf("message %q", text)
		}
		if e.RetryAfter < 0 || e.RetryAfter > maxRetryAfter {
			t.Fatalf("retry after %v", e.RetryAfter)
		}
		_, _ = e.FieldError("amount")
		_ = []bool{e.IsUnauthorized(), e.IsForbidden(), e.IsValidation(), e.IsLimit(), e.IsConflict(), e.IsNotFound(),
			e.IsRateLimited(), e.IsOffline(), e.IsCertificate(), e.IsBadResponse(), e.IsTemporary()}
	})
}
