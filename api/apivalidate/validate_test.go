package apivalidate

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
)

const base = "http://localhost:8080"

// fake answers every request with a fixed response, after draining the
// request body the way a real transport would.
type fake struct {
	status int
	header http.Header
	body   io.ReadCloser
	sent   []byte // the request body as received
}

func (f *fake) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		f.sent, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	body := f.body
	if body == nil {
		body = http.NoBody
	}
	return &http.Response{
		StatusCode: f.status,
		Status:     http.StatusText(f.status),
		Header:     f.header,
		Body:       body,
		Request:    req,
	}, nil
}

func jsonResponse(status int, body string) *fake {
	return &fake{
		status: status,
		header: http.Header{"Content-Type": {"application/json"}},
		body:   io.NopCloser(strings.NewReader(body)),
	}
}

func problemResponse(status int, code string) *fake {
	p, _ := json.Marshal(api.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code})
	return &fake{
		status: status,
		header: http.Header{"Content-Type": {"application/problem+json"}},
		body:   io.NopCloser(strings.NewReader(string(p))),
	}
}

func mustNew(t *testing.T) *Validator {
	t.Helper()
	v, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// do sends one request through v's transport over f and returns the response
// body the caller reads and the errors recorded for this exchange.
func do(t *testing.T, v *Validator, f *fake, method, path, body string, header http.Header) (string, []string) {
	t.Helper()
	before := len(v.Errors())
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer test-token")
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Transport: v.Transport(f)}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if body != "" && string(f.sent) != body {
		t.Errorf("server received body %q, want %q", f.sent, body)
	}
	return string(got), v.Errors()[before:]
}

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	if _, err := load(api.OpenAPI); err != nil {
		t.Fatal(err)
	}
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
}

func TestDocumentValidationCatchesBrokenDocument(t *testing.T) {
	broken := strings.Replace(string(api.OpenAPI), "openapi: 3.1.0", "openapi: 3.1.0\nbogus_root_field: true", 1)
	if _, err := load([]byte(broken)); err == nil {
		t.Fatal("a document with an unknown root field was accepted")
	}
}

const goodSummary = `{
  "customer_id": "cus_1",
  "available_credit": {"amount": 10000, "currency": "JPY"},
  "unpaid_total": {"amount": 0, "currency": "JPY"},
  "unpaid_count": 0,
  "overdue_count": 0,
  "open_add_funds_invoice": null,
  "as_of": "2025-04-01T09:00:00Z"
}`

func TestSummaryResponse(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		valid bool
	}{
		{"good", goodSummary, true},
		{"float amount", strings.Replace(goodSummary, `"amount": 10000`, `"amount": 1.5`, 1), false},
		{"unknown field", strings.Replace(goodSummary, `"unpaid_count": 0,`, `"unpaid_count": 0, "surprise": true,`, 1), false},
		{"unknown field in money", strings.Replace(goodSummary, `"amount": 0,`, `"amount": 0, "minor": true,`, 1), false},
		{"missing nullable field", strings.Replace(goodSummary, `"open_add_funds_invoice": null,`, ``, 1), false},
		{"unknown currency", strings.Replace(goodSummary, `"currency": "JPY"}`, `"currency": "GBP"}`, 1), false},
		{"amount as string", strings.Replace(goodSummary, `"amount": 10000`, `"amount": "10000"`, 1), false},
		{"bad timestamp", strings.Replace(goodSummary, `2025-04-01T09:00:00Z`, `yesterday`, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustNew(t)
			got, errs := do(t, v, jsonResponse(200, tt.body), "GET", "/v1/billing/summary", "", nil)
			if got != tt.body {
				t.Errorf("caller read %q, want the original body", got)
			}
			if tt.valid && len(errs) > 0 {
				t.Errorf("valid response rejected:\n%s", strings.Join(errs, "\n"))
			}
			if !tt.valid && len(errs) == 0 {
				t.Error("invalid response accepted")
			}
			for _, e := range errs {
				if !strings.Contains(e, "GET /v1/billing/summary -> 200") {
					t.Errorf("error does not name method, path and status: %s", e)
				}
			}
		})
	}
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func tp(s string) *time.Time { t := ts(s); return &t }

func jpy(n int64) billing.Money { return billing.New(n, billing.JPY) }

// sampleInvoice is fully populated from the Go wire types, so the test below
// fails when types.go and openapi.yaml drift apart.
func sampleInvoice() api.Invoice {
	seller := api.Seller{Name: "Billfold KK", Address: "Tokyo", RegistrationNumber: "T1234567890123", Email: "billing@billfold.example"}
	return api.Invoice{
		ID: "inv_1", Number: "INV-2025-0001", CustomerID: "cus_1",
		Kind: billing.KindAddFunds, Status: billing.InvoicePaid, Currency: billing.JPY,
		IssuedAt: ts("2025-04-01T09:00:00Z"), DueAt: ts("2025-04-15T09:00:00Z"),
		PaidAt: tp("2025-04-02T09:00:00Z"), CancelledAt: nil,
		Gateway: "sandbox_card", PolicyVersion: "2025-01",
		Seller: seller,
		Buyer:  api.Party{Name: "Alice", Company: "Alice Co", Address: "Osaka", Email: "alice@example.com"},
		Lines: []api.InvoiceLine{{
			Description: "Credit", Quantity: 1, UnitPrice: jpy(10000), Amount: jpy(10000), TaxRate: 10,
		}},
		TaxByRate:     []billing.RateTotal{{Rate: 10, Base: jpy(10000), Tax: jpy(1000), Total: jpy(11000)}},
		Subtotal:      jpy(10000),
		Tax:           jpy(1000),
		Total:         jpy(11000),
		CreditApplied: jpy(0),
		AmountPaid:    jpy(11000),
		BalanceDue:    jpy(0),
		Payments: []api.Payment{
			{
				ID: "pay_1", InvoiceID: "inv_1", Gateway: "sandbox_card", State: billing.PaymentSucceeded,
				Amount: jpy(11000), NextAction: api.NextAction{Type: api.ActionRedirect, URL: base + "/sandbox/checkout/tok"},
				CreatedAt: ts("2025-04-01T09:00:00Z"), UpdatedAt: ts("2025-04-02T09:00:00Z"),
				ExpiresAt: tp("2025-04-01T10:00:00Z"),
			},
			{
				ID: "pay_2", InvoiceID: "inv_1", Gateway: "bank", State: billing.PaymentFailed,
				Amount: jpy(11000), FailureReason: "declined",
				NextAction: api.NextAction{Type: api.ActionInstructions, Instructions: &api.BankInstructions{
					BankName: "Bank", BranchName: "Main", AccountType: "ordinary", AccountNumber: "1234567",
					AccountHolder: "Billfold KK", Amount: jpy(11000), Reference: "REF1", Note: "",
				}},
				CreatedAt: ts("2025-04-01T09:00:00Z"), UpdatedAt: ts("2025-04-02T09:00:00Z"),
			},
		},
		Language: "ja",
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGoTypesMatchDocument marshals the Go wire types and validates them as
// the responses of their endpoints.
func TestGoTypesMatchDocument(t *testing.T) {
	inv := sampleInvoice()
	entry := api.LedgerEntry{
		ID: "led_1", Seq: 1, Kind: billing.LedgerDeposit, Amount: jpy(10000), BalanceAfter: jpy(10000),
		Description: "Deposit", Reference: "INV-2025-0001", Actor: "system",
		InvoiceID: "inv_1", PaymentID: "pay_1", CreatedAt: ts("2025-04-02T09:00:00Z"),
	}
	user := api.User{ID: "usr_1", Email: "alice@example.com", Name: "Alice", Role: billing.RoleCustomer, Locale: "ja", Currency: billing.JPY}
	idem := http.Header{"Idempotency-Key": {"k-1"}}

	tests := []struct {
		method, path, reqBody string
		header                http.Header
		status                int
		resp                  any
	}{
		{"POST", "/v1/sessions", `{"email":"alice@example.com","password":"pw"}`, nil, 201, api.Session{
			AccessToken: "at", AccessExpiresAt: ts("2025-04-01T10:00:00Z"), RefreshToken: "rt",
			RefreshExpiresAt: ts("2025-05-01T10:00:00Z"), TokenType: "Bearer", User: user,
		}},
		{"GET", "/v1/me", "", nil, 200, api.User{ID: "usr_2", Email: "staff@example.com", Name: "Sam", Role: billing.RoleStaff, Locale: "en"}},
		{"GET", "/v1/billing/summary", "", nil, 200, api.Summary{
			CustomerID: "cus_1", AvailableCredit: jpy(1), UnpaidTotal: jpy(0), OpenAddFunds: &inv, AsOf: ts("2025-04-01T09:00:00Z"),
		}},
		{"GET", "/v1/billing/config", "", nil, 200, api.Config{
			Currency: billing.JPY, MinDeposit: jpy(1000), MaxDeposit: jpy(500000), MaxBalance: jpy(1000000),
			MaxOpenAddFundsInvoices: 1,
			CreditPolicy:            api.CreditPolicy{URL: "https://billfold.example/policy", Version: "2025-01", Summary: "Non-refundable."},
			SupportURL:              "https://billfold.example/support",
			Gateways:                []api.Gateway{{ID: "sandbox_card", Name: "Card", Kind: api.GatewayRedirect, Description: "Test cards"}},
			Seller:                  inv.Seller,
		}},
		{"POST", "/v1/funds", `{"amount":{"amount":10000,"currency":"JPY"},"gateway":"sandbox_card","policy_version":"2025-01"}`, idem, 201, inv},
		{"POST", "/v1/vouchers/redeem", `{"code":"WELCOME"}`, nil, 200, api.LedgerResult{Entry: entry, Balance: jpy(10000)}},
		{"GET", "/v1/invoices?status=unpaid&limit=10&cursor=abc", "", nil, 200, api.InvoicePage{Items: []api.Invoice{inv}, NextCursor: "next"}},
		{"GET", "/v1/invoice-summaries?status=all&limit=500&cursor=abc", "", nil, 200, api.InvoiceSummaryPage{Items: []api.InvoiceSummary{inv.Summary()}, NextCursor: "next"}},
		{"GET", "/v1/invoices/inv_1", "", nil, 200, inv},
		{"POST", "/v1/invoices/inv_1/payments", `{"gateway":"sandbox_card"}`, idem, 201, inv.Payments[0]},
		{"GET", "/v1/payments/pay_2", "", nil, 200, inv.Payments[1]},
		{"POST", "/v1/invoices/inv_1/apply-credit", `{"amount":{"amount":500,"currency":"JPY"}}`, idem, 200, api.ApplyCreditResult{Invoice: inv, Entry: entry, Balance: jpy(9500)}},
		{"POST", "/v1/invoices/inv_1/cancel", "", nil, 200, inv},
		{"GET", "/v1/ledger", "", nil, 200, api.LedgerPage{Items: []api.LedgerEntry{entry}}},
		{"GET", "/v1/staff/customers?q=ali", "", nil, 200, api.CustomerList{Items: []api.Customer{{
			ID: "cus_1", Email: "alice@example.com", Name: "Alice", Currency: billing.JPY, AvailableCredit: jpy(10000),
		}}}},
		{"POST", "/v1/staff/customers/cus_1/adjustments", `{"amount":{"amount":-500,"currency":"JPY"},"reason":"correction"}`, idem, 201, api.LedgerResult{Entry: entry, Balance: jpy(9500)}},
		{"POST", "/v1/staff/payments/pay_2/confirm", `{"reference":"REF1"}`, nil, 200, inv.Payments[0]},
		{"GET", "/v1/staff/audit?customer_id=cus_1", "", nil, 200, api.AuditPage{Items: []api.AuditRecord{{
			ID: 1, Actor: "staff@example.com", Action: "adjustment", CustomerID: "cus_1", Detail: "-¥500", CreatedAt: ts("2025-04-02T09:00:00Z"),
		}}}},
		{"POST", "/v1/webhooks/sandbox", `{"event_id":"evt_1","payment_id":"pay_1","outcome":"succeeded"}`,
			http.Header{"Billfold-Signature": {"t=1700000000,v1=" + strings.Repeat("ab", 32)}}, 200, api.WebhookAck{Status: "processed"}},
		{"POST", "/v1/funds", `{"amount":{"amount":10,"currency":"JPY"},"gateway":"sandbox_card","policy_version":"2025-01"}`, idem, 422, api.Problem{
			Type: "about:blank", Title: "Amount too small", Status: 422, Code: api.CodeBelowMinimum, Detail: "min ¥1,000",
			Errors: []api.FieldError{{Field: "amount.amount", Code: "min", Message: "too small"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			v := mustNew(t)
			f := jsonResponse(tt.status, marshal(t, tt.resp))
			if _, isProblem := tt.resp.(api.Problem); isProblem {
				f.header.Set("Content-Type", "application/problem+json")
			}
			_, errs := do(t, v, f, tt.method, tt.path, tt.reqBody, tt.header)
			if len(errs) > 0 {
				t.Errorf("rejected:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

func TestNilSliceIsDrift(t *testing.T) {
	v := mustNew(t)
	inv := sampleInvoice()
	inv.Payments = nil // marshals as "payments": null
	_, errs := do(t, v, jsonResponse(200, marshal(t, inv)), "GET", "/v1/invoices/inv_1", "", nil)
	if len(errs) == 0 {
		t.Fatal(`"payments": null accepted`)
	}
}

func TestRequestValidation(t *testing.T) {
	funds := `{"amount":{"amount":10000,"currency":"JPY"},"gateway":"sandbox_card","policy_version":"2025-01"}`
	floatFunds := `{"amount":{"amount":100.5,"currency":"JPY"},"gateway":"sandbox_card","policy_version":"2025-01"}`
	created := marshal(t, sampleInvoice())

	t.Run("accepted without required Idempotency-Key", func(t *testing.T) {
		_, errs := do(t, mustNew(t), jsonResponse(201, created), "POST", "/v1/funds", funds, nil)
		if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "request") {
			t.Fatalf("missing Idempotency-Key on an accepted request not reported: %v", errs)
		}
	})
	t.Run("accepted float amount", func(t *testing.T) {
		_, errs := do(t, mustNew(t), jsonResponse(201, created), "POST", "/v1/funds", floatFunds, http.Header{"Idempotency-Key": {"k"}})
		if len(errs) == 0 {
			t.Fatal("float amount on an accepted request not reported")
		}
	})
	t.Run("rejected bad request is expected", func(t *testing.T) {
		_, errs := do(t, mustNew(t), problemResponse(400, api.CodeIdempotencyRequired), "POST", "/v1/funds", funds, nil)
		if len(errs) > 0 {
			t.Fatalf("documented rejection reported:\n%s", strings.Join(errs, "\n"))
		}
	})
	t.Run("unauthenticated 401 is expected", func(t *testing.T) {
		v := mustNew(t)
		req, _ := http.NewRequest("GET", base+"/v1/me", nil)
		resp, err := (&http.Client{Transport: v.Transport(problemResponse(401, api.CodeUnauthorized))}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if errs := v.Errors(); len(errs) > 0 {
			t.Fatalf("documented 401 reported:\n%s", strings.Join(errs, "\n"))
		}
	})
	t.Run("undocumented problem code", func(t *testing.T) {
		_, errs := do(t, mustNew(t), problemResponse(409, "something_new"), "POST", "/v1/invoices/inv_1/cancel", "", nil)
		if len(errs) == 0 {
			t.Fatal("undocumented problem code accepted")
		}
	})
	t.Run("undocumented status", func(t *testing.T) {
		_, errs := do(t, mustNew(t), problemResponse(418, api.CodeInternal), "GET", "/v1/me", "", nil)
		if len(errs) == 0 {
			t.Fatal("undocumented status accepted")
		}
	})
	t.Run("429 without Retry-After", func(t *testing.T) {
		_, errs := do(t, mustNew(t), problemResponse(429, api.CodeRateLimited), "GET", "/v1/me", "", nil)
		if len(errs) == 0 {
			t.Fatal("429 without Retry-After accepted")
		}
	})
	t.Run("unknown route answered 404", func(t *testing.T) {
		_, errs := do(t, mustNew(t), problemResponse(404, api.CodeNotFound), "GET", "/v1/nope", "", nil)
		if len(errs) > 0 {
			t.Fatalf("404 for an undocumented path reported:\n%s", strings.Join(errs, "\n"))
		}
	})
	t.Run("unknown route answered 200", func(t *testing.T) {
		_, errs := do(t, mustNew(t), jsonResponse(200, `{}`), "GET", "/v1/nope", "", nil)
		if len(errs) == 0 {
			t.Fatal("200 for an undocumented path accepted")
		}
	})
	t.Run("sandbox form", func(t *testing.T) {
		body := `{"status":"challenge_required","payment_id":"pay_1"}`
		f := jsonResponse(200, body)
		_, errs := do(t, mustNew(t), f, "POST", "/sandbox/checkout/tok", "action=approve&card_number=4000+0027+6000+3184",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}})
		if len(errs) > 0 {
			t.Fatalf("rejected:\n%s", strings.Join(errs, "\n"))
		}
	})
	t.Run("sandbox form bad action accepted", func(t *testing.T) {
		f := &fake{status: 200, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: io.NopCloser(strings.NewReader("<p>ok</p>"))}
		_, errs := do(t, mustNew(t), f, "POST", "/sandbox/checkout/tok", "action=steal",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if len(errs) == 0 {
			t.Fatal("bad form action accepted")
		}
	})
}

func TestHTMLBodyIsPassedThrough(t *testing.T) {
	v := mustNew(t)
	page := "<!doctype html><title>Checkout</title>"
	f := &fake{status: 200, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: io.NopCloser(strings.NewReader(page))}
	got, errs := do(t, v, f, "GET", "/sandbox/checkout/tok", "", nil)
	if got != page {
		t.Errorf("caller read %q, want %q", got, page)
	}
	if len(errs) > 0 {
		t.Errorf("rejected:\n%s", strings.Join(errs, "\n"))
	}
}

// TestEventStreamIsNotBuffered checks that RoundTrip returns while the
// stream is still open and the caller then reads the events.
func TestEventStreamIsNotBuffered(t *testing.T) {
	v := mustNew(t)
	pr, pw := io.Pipe()
	f := &fake{status: 200, header: http.Header{"Content-Type": {"text/event-stream"}}, body: pr}
	req, _ := http.NewRequest("GET", base+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Last-Event-ID", "41")

	done := make(chan *http.Response, 1)
	go func() {
		resp, err := (&http.Client{Transport: v.Transport(f)}).Do(req)
		if err != nil {
			t.Error(err)
			close(done)
			return
		}
		done <- resp
	}()
	var resp *http.Response
	select {
	case resp = <-done:
	case <-time.After(5 * time.Second):
		_ = pw.Close()
		t.Fatal("RoundTrip blocked on an open event stream")
	}
	if resp == nil {
		return
	}
	defer resp.Body.Close()
	ev := marshal(t, api.Event{ID: 42, Type: api.EventBalance, CreatedAt: ts("2025-04-01T09:00:00Z"), Balance: &billing.Money{Amount: 5, Currency: billing.JPY}})
	msg := "id: 42\nevent: balance.updated\ndata: " + ev + "\n\n"
	go func() { _, _ = io.WriteString(pw, msg); _ = pw.Close() }()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != msg {
		t.Errorf("read %q, want %q", got, msg)
	}
	if errs := v.Errors(); len(errs) > 0 {
		t.Errorf("rejected:\n%s", strings.Join(errs, "\n"))
	}
}

// TestRealServer runs the transport against a real HTTP server on a random
// port (the document's servers entry must not matter).
func TestRealServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/vouchers/redeem" || string(body) != `{"code":"WELCOME"}` {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"entry":{"id":"x"},"balance":{"amount":1,"currency":"JPY"}}`)
	}))
	defer srv.Close()

	v := mustNew(t)
	req, _ := http.NewRequest("POST", srv.URL+"/v1/vouchers/redeem", strings.NewReader(`{"code":"WELCOME"}`))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: v.Transport(nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(got), `"balance"`) {
		t.Fatalf("got %d %s", resp.StatusCode, got)
	}
	errs := v.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "POST /v1/vouchers/redeem -> 200: response") || !strings.Contains(errs[0], "entry") {
		t.Fatalf("want exactly the incomplete ledger entry reported, got:\n%s", strings.Join(errs, "\n"))
	}
}

func TestProblemStatusesReadsTheErrorTable(t *testing.T) {
	got, err := ProblemStatuses(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]int{api.CodeValidation: 400, api.CodeCreditNotAllowed: 409,
		api.CodeUnsupportedMediaType: 415, api.CodeCurrencyMismatch: 422, api.CodeInternal: 500} {
		if got[code] != want {
			t.Errorf("%s: %d, want %d", code, got[code], want)
		}
	}
	if _, err := ProblemStatuses([]byte("openapi: 3.1.0\ninfo: {title: x, version: v1, description: no table}\npaths: {}\n")); err == nil {
		t.Error("a document without an error table was accepted")
	}
}

// TestProblemCodeComesWithItsStatus: a problem's code is answered with the
// status the error table gives it, or the exchange is a contract violation.
func TestProblemCodeComesWithItsStatus(t *testing.T) {
	const path = "/v1/invoices/inv_1/apply-credit"
	body := `{"amount":{"amount":100,"currency":"JPY"}}`
	key := http.Header{"Idempotency-Key": {"k"}}
	if _, errs := do(t, mustNew(t), problemResponse(409, api.CodeCreditNotAllowed), "POST", path, body, key); len(errs) > 0 {
		t.Fatalf("credit_not_allowed with 409 reported:\n%s", strings.Join(errs, "\n"))
	}
	_, errs := do(t, mustNew(t), problemResponse(422, api.CodeCreditNotAllowed), "POST", path, body, key)
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "comes with status 409") {
		t.Fatalf("credit_not_allowed with 422 not reported: %v", errs)
	}
	// The status in the body must be the status line's.
	p, _ := json.Marshal(api.Problem{Type: "about:blank", Title: "x", Status: 400, Code: api.CodeCurrencyMismatch})
	f := &fake{status: 422, header: http.Header{"Content-Type": {"application/problem+json"}}, body: io.NopCloser(strings.NewReader(string(p)))}
	if _, errs := do(t, mustNew(t), f, "POST", path, body, key); len(errs) == 0 {
		t.Fatal("a body status other than the status line's not reported")
	}
}

// TestCheckoutAnswers: the sandbox checkout's answers as the contract gives
// them pass, and the ones it used to give (a 200 for an unknown card, text
// for a bad form) do not.
func TestCheckoutAnswers(t *testing.T) {
	const path = "/sandbox/checkout/cs_1"
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	jsonForm := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}}
	html := func(status int) *fake {
		return &fake{status: status, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: io.NopCloser(strings.NewReader("<p>x</p>"))}
	}
	for _, c := range []struct {
		name, method, body string
		header             http.Header
		answer             *fake
		violation          bool
	}{
		{"unknown card, JSON", "POST", "action=approve&card_number=1", jsonForm, problemResponse(400, api.CodeValidation), false},
		{"unknown card, browser", "POST", "action=approve&card_number=1", form, html(400), false},
		{"unknown card as a result", "POST", "action=approve&card_number=1", jsonForm, jsonResponse(200, `{"status":"invalid_card","payment_id":"pay_1"}`), true},
		{"bad action as a problem", "POST", "action=steal", form, problemResponse(400, api.CodeValidation), false},
		{"bad action as text", "POST", "action=steal", form,
			&fake{status: 400, header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body: io.NopCloser(strings.NewReader("bad form"))}, true},
		{"oversized form", "POST", "action=approve&card_number=" + strings.Repeat("4", 70<<10), form, problemResponse(413, api.CodeBodyTooLarge), false},
		{"oversized form as 400", "POST", "action=approve", form, problemResponse(400, api.CodeBodyTooLarge), true},
		{"unknown token, JSON", "GET", "", http.Header{"Accept": {"application/json"}}, problemResponse(404, api.CodeNotFound), false},
		{"unknown token, browser", "GET", "", nil, html(404), false},
	} {
		_, errs := do(t, mustNew(t), c.answer, c.method, path, c.body, c.header)
		if c.violation != (len(errs) > 0) {
			t.Errorf("%s: violation %v, want %v: %v", c.name, len(errs) > 0, c.violation, errs)
		}
	}
}
