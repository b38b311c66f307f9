package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"billfold/api"
	"billfold/api/apivalidate"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// badText are the two ways a string can fail to be text, as they travel
// escaped in a URL or a form and in JSON (where invalid UTF-8 travels raw).
var badText = []struct {
	name, url, json string
}{
	{"NUL", "%00", `"a\u0000b"`},
	{"invalid UTF-8", "%FF", "\"a\xffb\""},
}

// textCase is one request carrying bad text in one input.
type textCase struct {
	name, method, path, body, contentType string
	header                                map[string]string
}

// TestTextIsCheckedAtTheEdge sends NUL and invalid UTF-8 in every text
// input of every documented route (path parameters, query parameters, the
// headers read as data, JSON and form body fields, and an undocumented
// query parameter, so that a route without inputs is swept too), and each
// query parameter and the checkout's action given twice: each is
// 400, the same answer on SQLite and PostgreSQL, and nothing reaches a
// database (which PostgreSQL answered with a 500).
func TestTextIsCheckedAtTheEdge(t *testing.T) {
	ops, err := apivalidate.Operations(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]map[string]string{} // backend → case → status and code
	for _, b := range servertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := servertest.New(t, b)
			answers[b.Name] = sweepText(t, e, ops)
		})
	}
	if pg, ok := answers["postgres"]; ok {
		for name, sq := range answers["sqlite"] {
			if pg[name] != sq {
				t.Errorf("%s: SQLite answers %s, PostgreSQL %s", name, sq, pg[name])
			}
		}
	}
}

func sweepText(t *testing.T, e *servertest.Env, ops []apivalidate.Operation) map[string]string {
	c := e.NewCustomer(billing.JPY)
	staff := e.NewStaff()
	inv := addFunds(t, e, c, 5_000, "card")
	p := pay(t, e, c, inv.ID, "card")
	token := strings.TrimPrefix(p.NextAction.URL, e.URL+"/sandbox/checkout/")
	ids := map[string]string{"/v1/invoices/": inv.ID, "/v1/payments/": p.ID, "/v1/staff/customers/": c.ID,
		"/v1/staff/payments/": p.ID, "/sandbox/checkout/": token,
		// Any id will do: the bad text is refused before it is looked up.
		"/v1/staff/bank-statements/": "stm_none", "/v1/staff/bank-statement-lines/": "stl_none"}
	before := moneyState(t, e)
	answers := map[string]string{}
	for _, op := range ops {
		for _, tc := range textCases(op, ids) {
			r := sendText(t, e, op, tc, c.Token, staff.Token)
			code := r.Problem().Code
			answers[tc.name] = fmt.Sprintf("%d %s", r.Status, code)
			if r.Status != http.StatusBadRequest || (code != api.CodeValidation && code != api.CodeInvalidJSON) {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
	}
	if after := moneyState(t, e); after != before {
		t.Fatalf("bad text changed the database: %v, then %v", before, after)
	}
	return answers
}

// textCases are the requests that put bad text into each input of op.
func textCases(op apivalidate.Operation, ids map[string]string) []textCase {
	path := func(bad, param string) string {
		p := op.Path
		for prefix, id := range ids {
			if strings.HasPrefix(p, prefix) {
				for _, name := range op.Params["path"] {
					v := id
					if name == param {
						v = bad
					}
					p = strings.Replace(p, "{"+name+"}", v, 1)
				}
			}
		}
		return p
	}
	var out []textCase
	add := func(what string, tc textCase) {
		tc.name = op.Method + " " + op.Path + " " + what
		tc.method = op.Method
		if tc.path == "" {
			tc.path = path("", "")
		}
		out = append(out, tc)
	}
	// A name given twice: which value was meant? (A checkout form with
	// action=decline&action=approve was declined.)
	for _, name := range op.Params["query"] {
		add("query "+name+" twice", textCase{path: path("", "") + "?" + name + "=x&" + name + "=y"})
	}
	if op.Body == "application/x-www-form-urlencoded" {
		add("form action twice", textCase{body: "action=decline&action=approve", contentType: op.Body})
	}
	for _, bad := range badText {
		for _, name := range op.Params["path"] {
			add("path "+name+" "+bad.name, textCase{path: path(bad.url, name)})
		}
		for _, name := range append(slices.Clone(op.Params["query"]), "unknown") {
			add("query "+name+" "+bad.name, textCase{path: path("", "") + "?" + name + "=" + bad.url})
		}
		for _, name := range op.Params["header"] {
			if bad.name == "NUL" {
				continue // no HTTP client sends it: a header value cannot hold NUL
			}
			if name == "Accept-Language" {
				continue // negotiation, not data: a bad one means English (TestMalformedAcceptLanguageIsIgnored)
			}
			raw, _ := url.PathUnescape(bad.url)
			add("header "+name+" "+bad.name, textCase{header: map[string]string{name: "k" + raw}})
		}
		for _, field := range op.StringFields {
			switch op.Body {
			case "application/json":
				add("body "+field+" "+bad.name, textCase{body: `{"` + field + `":` + bad.json + `}`, contentType: op.Body})
			case "application/x-www-form-urlencoded":
				add("form "+field+" "+bad.name, textCase{body: "action=approve&" + field + "=" + bad.url, contentType: op.Body})
			}
		}
	}
	return out
}

// sendText sends tc as a caller who gets past everything but the bad text:
// signed in with the role the route needs, with an Idempotency-Key, a
// signed webhook body.
func sendText(t *testing.T, e *servertest.Env, op apivalidate.Operation, tc textCase, customer, staff string) servertest.Response {
	t.Helper()
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req, err := http.NewRequest(tc.method, e.URL+tc.path, body)
	if err != nil {
		t.Fatalf("%s: %v", tc.name, err)
	}
	switch {
	case op.Public:
	case strings.HasPrefix(op.Path, "/v1/staff/"):
		req.Header.Set("Authorization", "Bearer "+staff)
	default:
		req.Header.Set("Authorization", "Bearer "+customer)
	}
	if tc.contentType != "" {
		req.Header.Set("Content-Type", tc.contentType)
	}
	if slices.Contains(op.Params["header"], "Idempotency-Key") {
		req.Header.Set("Idempotency-Key", servertest.Key()["Idempotency-Key"])
	}
	if slices.Contains(op.Params["header"], "Billfold-Signature") {
		req.Header.Set("Billfold-Signature", e.Server.SignWebhook([]byte(tc.body)))
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range tc.header {
		req.Header[k] = []string{v}
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", tc.name, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if !json.Valid(data) && !bytes.HasPrefix(data, []byte("<")) {
		t.Errorf("%s: answer is neither JSON nor a page: %q", tc.name, data)
	}
	return servertest.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}
