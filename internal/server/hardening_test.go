package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// TestCheckoutPageCannotBeFramed: every checkout page (open, answered,
// unknown) forbids other sites to frame it, where they could dress its
// Approve button as something else.
func TestCheckoutPageCannotBeFramed(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	p := pay(t, e, c, addFunds(t, e, c, 5_000, "card").ID, "card")
	pages := map[string]servertest.Response{
		"open":     get(t, e, p.NextAction.URL),
		"unknown":  get(t, e, e.URL+"/sandbox/checkout/cs_unknown"),
		"answered": submitForm(t, e, p.NextAction.URL, "action=approve&card_number=1234", ""),
	}
	for name, r := range pages {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: not a page: %d %s", name, r.Status, r.Header.Get("Content-Type"))
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s page: Content-Security-Policy %q lets other sites frame it", name, csp)
		}
		if xfo := r.Header.Get("X-Frame-Options"); xfo != "DENY" {
			t.Errorf("%s page: X-Frame-Options %q", name, xfo)
		}
	}
}

func get(t *testing.T, e *servertest.Env, u string) servertest.Response {
	t.Helper()
	resp, err := e.Client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return readResp(t, resp)
}

// TestSlowBodiesAreCutOff: a client that sends its headers and then
// trickles its body, or never sends it, is answered 408 and its
// connection closed, on a route that reads the body (JSON, form, webhook)
// and on one that refuses before reading it, many at once. Before, each
// such connection stayed open for as long as its client liked.
func TestSlowBodiesAreCutOff(t *testing.T) {
	const ttl = 300 * time.Millisecond
	e := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) { o.BodyTimeout = ttl })
	c := e.NewCustomer(billing.JPY)
	p := pay(t, e, c, addFunds(t, e, c, 5_000, "card").ID, "card")
	u, _ := url.Parse(p.NextAction.URL)
	jsonType := "Content-Type: application/json\r\n"
	routes := []struct {
		name, head string
		status     int
	}{
		{"sign-in", "POST /v1/sessions HTTP/1.1\r\n" + jsonType, http.StatusRequestTimeout},
		{"webhook", "POST /v1/webhooks/sandbox HTTP/1.1\r\n" + jsonType, http.StatusRequestTimeout},
		{"checkout form", "POST " + u.Path + " HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n", http.StatusRequestTimeout},
		{"add funds", "POST /v1/funds HTTP/1.1\r\nAuthorization: Bearer " + c.Token + "\r\nIdempotency-Key: slow-{i}\r\n" + jsonType, http.StatusRequestTimeout},
		{"refused unread", "POST /v1/funds HTTP/1.1\r\n" + jsonType, http.StatusUnauthorized},
	}
	addr := strings.TrimPrefix(e.URL, "http://")
	var wg sync.WaitGroup
	for _, rt := range routes {
		for i := range 10 {
			wg.Go(func() {
				name := fmt.Sprintf("%s #%d", rt.name, i)
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				defer conn.Close()
				// A deadline that only guards a hang: the server's limit is ttl.
				_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
				head := strings.ReplaceAll(rt.head, "{i}", strconv.Itoa(i))
				if _, err := fmt.Fprintf(conn, "%sHost: billfold\r\nContent-Length: 200\r\n\r\n{\"email\":", head); err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				br := bufio.NewReader(conn)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Errorf("%s: no answer: %v", name, err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var pr api.Problem
				_ = json.Unmarshal(body, &pr)
				if resp.StatusCode != rt.status || (rt.status == http.StatusRequestTimeout && pr.Code != api.CodeRequestTimeout) {
					t.Errorf("%s: %d %s, want %d", name, resp.StatusCode, body, rt.status)
				}
				if n, err := br.Read(make([]byte, 1)); err != io.EOF {
					t.Errorf("%s: connection still open after the answer (%d bytes, %v)", name, n, err)
				}
			})
		}
	}
	wg.Wait()

	// The limit is the body's: a connection kept alive between requests
	// for longer than it still serves the next one.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReader(conn)
	body := `{"email":"nobody@example.test","password":"wrong"}`
	for i := range 2 {
		if i > 0 {
			time.Sleep(2 * ttl)
		}
		fmt.Fprintf(conn, "POST /v1/sessions HTTP/1.1\r\nHost: billfold\r\n%sContent-Length: %d\r\n\r\n%s", jsonType, len(body), body)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d on a kept-alive connection: %v", i+1, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("request %d on a kept-alive connection: %d", i+1, resp.StatusCode)
		}
	}
}

// TestSandboxWebhookCannotSettleBankTransfers: the sandbox gateway's key
// signs callbacks for its own checkout only; a bank transfer is confirmed
// by staff, who read the statement, and a signed callback that says it
// succeeded is refused and changes nothing.
func TestSandboxWebhookCannotSettleBankTransfers(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		p := pay(t, e, c, addFunds(t, e, c, 20_000, "bank_transfer").ID, "bank_transfer")
		body, _ := json.Marshal(api.Webhook{EventID: "evt_forged", PaymentID: p.ID, Outcome: "succeeded"})
		r := e.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": e.Server.SignWebhook(body)})
		wantProblem(t, r, http.StatusForbidden, api.CodeForbidden)
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 0 {
			t.Fatalf("a gateway callback credited a bank transfer: %+v", s.AvailableCredit)
		}
		if st := paymentState(t, e, c, p.ID); st != billing.PaymentAwaitingAction {
			t.Fatalf("a gateway callback moved a bank transfer to %s", st)
		}
		// Nor can it fail one.
		body, _ = json.Marshal(api.Webhook{EventID: "evt_forged_fail", PaymentID: p.ID, Outcome: "failed"})
		r = e.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": e.Server.SignWebhook(body)})
		wantProblem(t, r, http.StatusForbidden, api.CodeForbidden)
		// Staff still confirm it.
		var got api.Payment
		e.MustJSON(e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token,
			api.ConfirmRequest{Reference: p.NextAction.Instructions.Reference}, nil), http.StatusOK, &got)
		if s := summary(t, e, c.Token); got.State != billing.PaymentSucceeded || s.AvailableCredit.Amount != 20_000 {
			t.Fatalf("staff confirmation: %s, credit %+v", got.State, s.AvailableCredit)
		}
	})
}
