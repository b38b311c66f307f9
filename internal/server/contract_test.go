package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// submitForm posts a raw form body to a checkout URL; accept is the Accept
// header ("" for a browser's).
func submitForm(t *testing.T, e *servertest.Env, checkoutURL, body, accept string) servertest.Response {
	t.Helper()
	u, err := url.Parse(checkoutURL)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", e.URL+u.Path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return readResp(t, resp)
}

// TestCheckoutAnswersPerContract: the sandbox checkout refuses what it
// cannot take with the contract's statuses, as problem+json for clients
// that ask for JSON, and changes nothing.
func TestCheckoutAnswersPerContract(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	p := pay(t, e, c, addFunds(t, e, c, 5_000, "card").ID, "card")
	const js = "application/json"

	r := submitForm(t, e, p.NextAction.URL, "action=approve&card_number=1234", js)
	if pr := wantProblem(t, r, 400, api.CodeValidation); len(pr.Errors) == 0 || pr.Errors[0].Field != "card_number" {
		t.Fatalf("unknown card: %+v", pr)
	}
	r = submitForm(t, e, p.NextAction.URL, "action=approve&card_number=1234", "")
	if r.Status != 400 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(r.Body), "Use one of the test card numbers") || !strings.Contains(string(r.Body), `value="1234"`) {
		t.Fatalf("unknown card in a browser: %d %s", r.Status, r.Body)
	}
	for _, accept := range []string{js, ""} {
		wantProblem(t, submitForm(t, e, p.NextAction.URL, "action=steal", accept), 400, api.CodeValidation)
		wantProblem(t, submitForm(t, e, p.NextAction.URL, "action=approve&card_number=%zz", accept), 400, api.CodeValidation)
		wantProblem(t, submitForm(t, e, p.NextAction.URL, "action=approve&card_number="+strings.Repeat("4", 70<<10), accept), 413, api.CodeBodyTooLarge)
	}
	if st := paymentState(t, e, c, p.ID); st != billing.PaymentAwaitingAction {
		t.Fatalf("refused submissions changed the payment: %s", st)
	}

	unknown := e.URL + "/sandbox/checkout/cs_unknown"
	wantProblem(t, submitForm(t, e, unknown, "action=approve", js), 404, api.CodeNotFound)
	req, _ := http.NewRequest("GET", unknown, nil)
	req.Header.Set("Accept", js)
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, readResp(t, resp), 404, api.CodeNotFound)
	resp.Body.Close()
	resp, err = e.Client.Get(unknown)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown token in a browser: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The card still works.
	if res := checkout(t, e, p, approveCard); res.Status != "succeeded" {
		t.Fatalf("after the refusals: %+v", res)
	}
}

// TestJSONEndpointsRefuseOtherMediaTypes: a body that is not sent as JSON
// (curl -d sends a form) is 415 and changes nothing.
func TestJSONEndpointsRefuseOtherMediaTypes(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	body := `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card","policy_version":"2026-06-01"}`
	before := moneyState(t, e)
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "", "application/jsonx"} {
		h := servertest.Key()
		h["Content-Type"] = ct
		wantProblem(t, e.Do("POST", "/v1/funds", c.Token, body, h), 415, api.CodeUnsupportedMediaType)
	}
	wantProblem(t, e.Do("POST", "/v1/sessions", "", `{"email":"`+c.Email+`","password":"`+c.Password+`"}`,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), 415, api.CodeUnsupportedMediaType)
	if after := moneyState(t, e); after != before {
		t.Fatalf("refused bodies changed the database: %v, then %v", before, after)
	}
	h := servertest.Key()
	h["Content-Type"] = "application/json; charset=utf-8"
	e.MustJSON(e.Do("POST", "/v1/funds", c.Token, body, h), http.StatusCreated, nil)
}

// TestPresentQueryParametersNeedValues: an empty limit=, status= or a
// malformed Last-Event-ID is refused, not taken for the default.
func TestPresentQueryParametersNeedValues(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	staff := e.NewStaff()
	for _, path := range []string{"/v1/invoices?limit=", "/v1/invoices?status=", "/v1/ledger?limit=", "/v1/invoices?limit=x",
		"/v1/invoice-summaries?limit=", "/v1/invoice-summaries?status=",
		"/v1/invoices?limit=1&limit=2", "/v1/invoice-summaries?status=paid&status=unpaid"} { // which one was meant?
		wantProblem(t, e.Do("GET", path, c.Token, nil, nil), 400, api.CodeValidation)
	}
	for _, path := range []string{"/v1/staff/customers?limit=", "/v1/staff/audit?limit=", "/v1/staff/customers/" + c.ID + "/invoices?status="} {
		wantProblem(t, e.Do("GET", path, staff.Token, nil, nil), 400, api.CodeValidation)
	}
	for _, id := range []string{"-1", "-0", "+5", "x", "99999999999999999999"} {
		wantProblem(t, e.Do("GET", "/v1/events", c.Token, nil, map[string]string{"Last-Event-ID": id}), 400, api.CodeValidation)
	}
	// Absent parameters take the defaults; cursor= is the first page.
	e.MustJSON(e.Do("GET", "/v1/invoices?cursor=", c.Token, nil, nil), 200, nil)
}

// TestStaffSearchAndAuditPage: staff customer search and the audit trail
// page with a cursor like the other lists, every item once, in order.
func TestStaffSearchAndAuditPage(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		var ids []string
		for range 7 {
			ids = append(ids, e.NewCustomer(billing.JPY).ID)
		}
		var names []string
		cursor := ""
		for pages := 1; ; pages++ {
			var list api.CustomerList
			e.MustJSON(e.Do("GET", "/v1/staff/customers?q=test&limit=3&cursor="+cursor, staff.Token, nil, nil), 200, &list)
			for _, cu := range list.Items {
				names = append(names, cu.Name+"|"+cu.ID)
			}
			if cursor = list.NextCursor; cursor == "" {
				break
			}
			if pages > 7 {
				t.Fatal("the search pages on forever")
			}
		}
		if len(names) != 7 {
			t.Fatalf("%d customers over the pages, want 7: %v", len(names), names)
		}
		for i := 1; i < len(names); i++ {
			if names[i-1] >= names[i] {
				t.Fatalf("search pages out of order: %v", names)
			}
		}
		for _, id := range ids {
			e.MustJSON(e.Do("GET", "/v1/staff/customers/"+id+"/summary", staff.Token, nil, nil), 200, nil)
		}
		seen := map[int64]bool{}
		var last int64 = 1 << 62
		cursor = ""
		for {
			var page api.AuditPage
			e.MustJSON(e.Do("GET", "/v1/staff/audit?limit=4&cursor="+cursor, staff.Token, nil, nil), 200, &page)
			for _, a := range page.Items {
				if seen[a.ID] || a.ID >= last {
					t.Fatalf("audit record %d out of order or repeated", a.ID)
				}
				seen[a.ID], last = true, a.ID
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		// Three searches and seven summaries.
		if len(seen) != 3+7 {
			t.Fatalf("%d audit records over the pages, want %d", len(seen), 3+7)
		}
		wantProblem(t, e.Do("GET", "/v1/staff/audit?cursor="+url.QueryEscape("!!"), staff.Token, nil, nil), 400, api.CodeValidation)
		wantProblem(t, e.Do("GET", "/v1/staff/customers?cursor=bm8", staff.Token, nil, nil), 400, api.CodeValidation)
	})
}
