package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// No spelling of a checkout's path puts its token in the log: the
// redirects ServeMux answers for unclean paths were logged with it.
func TestLogPathCutsCheckoutTokens(t *testing.T) {
	for path, want := range map[string]string{
		"/sandbox/checkout/cko_SECRET":          "/sandbox/checkout/{token}",
		"//sandbox/checkout/cko_SECRET":         "//sandbox/checkout/{token}",
		"/sandbox/./checkout/cko_SECRET":        "/sandbox/./checkout/{token}",
		"/sandbox/checkout/../checkout/cko_S":   "/sandbox/checkout/{token}",
		"/sandbox/cko_SECRET":                   "/sandbox/{token}",
		"/sandbox/checkout/cko_SECRET/complete": "/sandbox/checkout/{token}",
		"/v1/invoices/inv_1":                    "/v1/invoices/inv_1",
	} {
		r := httptest.NewRequest("GET", "http://billfold.test"+path, nil)
		r.URL.Path = path // as the client sent it, uncleaned
		got := logPath(r)
		if got != want || strings.Contains(got, "SECRET") {
			t.Errorf("logPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// The Authorization scheme's name is case-insensitive.
func TestBearerSchemeIgnoresCase(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer bfa_1": "bfa_1", "bearer bfa_1": "bfa_1", "BEARER bfa_1": "bfa_1",
		"Basic eDp5": "", "Bearer": "", "": "", "Bearerbfa_1": "",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", header)
		if got := bearer(r); got != want {
			t.Errorf("bearer(%q) = %q, want %q", header, got, want)
		}
	}
}

// A request whose client hung up is no server error: it is logged at info
// level and recorded as 499, not as an ERROR and a 500, which any client
// could otherwise write into the log at will.
func TestAbandonedRequestIsNoServerError(t *testing.T) {
	var logs bytes.Buffer
	h := &Handler{log: slog.New(slog.NewJSONHandler(&logs, nil))}
	served := h.logged(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, fmt.Errorf("commit: %w", r.Context().Err()))
	}))
	ctx, hangUp := context.WithCancel(context.Background())
	hangUp()
	w := httptest.NewRecorder()
	served.ServeHTTP(w, httptest.NewRequest("POST", "/v1/funds", nil).WithContext(ctx))
	if w.Code != statusClientClosed || strings.Contains(logs.String(), `"level":"ERROR"`) || !strings.Contains(logs.String(), `"status":499`) {
		t.Fatalf("status %d, log:\n%s", w.Code, logs.String())
	}
}

// Half of a surrogate pair (\ud800 alone) is refused: encoding/json made
// it U+FFFD, so the text stored was not the text sent. A whole pair and a
// U+FFFD the client sent are text.
func TestLoneSurrogatesAreNoText(t *testing.T) {
	type body struct {
		Reason string `json:"reason"`
	}
	for raw, ok := range map[string]bool{
		`{"reason":"a \ud800 b"}`:        false,
		`{"reason":"a \udc00"}`:          false,
		`{"\ud800":"a"}`:                 false,
		`{"reason":"a \ud83d\ude00 b"}`:  true,
		`{"reason":"a \ufffd b"}`:        true,
		`{"reason":"a \uFFFD \ud800 b"}`: true, // the client sent one: a lone half cannot be told apart
		"{\"reason\":\"a \uFFFD b\"}":    true,
	} {
		if err := exactKeys([]byte(raw), reflect.TypeFor[body]()); (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
