// Package replicas_test runs three billfold-server processes on one
// PostgreSQL database behind HAProxy (deploy/haproxy.cfg), as a provider
// who outgrows one machine deploys them, and checks what must hold across
// replicas: events, sign-out, and exactly-once effects while replicas are
// killed.
package replicas_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// cluster is the replicas and the load balancer in front of them.
type cluster struct {
	bin, dsn string
	logDir   string // replica logs; also their unused SQLite --data
	replicas []*replica
	lb       string // http://host:port of HAProxy
	client   *http.Client
}

type replica struct {
	name, addr string
	mu         sync.Mutex
	cmd        *exec.Cmd
	log        *os.File
}

func (r *replica) url() string { return "http://" + r.addr }

func requireTools(t testing.TB) string {
	dsn := os.Getenv(servertest.PostgresDSNEnv)
	ci := os.Getenv("CI") == "true" || os.Getenv("BILLFOLD_REQUIRE_HAPROXY") == "1"
	if dsn == "" {
		if ci {
			t.Fatalf("%s must be set so the replica tests run", servertest.PostgresDSNEnv)
		}
		t.Skip(servertest.PostgresDSNEnv + " is not set")
	}
	if _, err := exec.LookPath("haproxy"); err != nil {
		if ci {
			t.Fatal("haproxy is not installed (make test-deps installs it)")
		}
		t.Skip("haproxy is not installed")
	}
	return dsn
}

// freeAddr is a loopback address nothing listens on at the moment.
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startCluster(t *testing.T) *cluster {
	// Small pools: three replicas share the test cluster's connections
	// with the other packages' tests.
	dsn := servertest.PostgresSchema(t, requireTools(t)) + "&pool_max_conns=4"
	return launch(t, dsn, 3, "--demo")
}

// launch starts n replicas on the database dsn, the first with firstArgs,
// and HAProxy in front of them with deploy/haproxy.cfg. Its three servers
// are the replicas; with fewer replicas, the last one fills the others.
func launch(t testing.TB, dsn string, n int, firstArgs ...string) *cluster {
	dir := t.TempDir()
	bin := filepath.Join(dir, "billfold-server")
	if out, err := exec.Command("go", "build", "-o", bin, "billfold/cmd/billfold-server").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	c := &cluster{bin: bin, dsn: dsn, logDir: dir, client: &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for _, name := range []string{"a", "b", "c"}[:n] {
		f, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		c.replicas = append(c.replicas, &replica{name: name, addr: freeAddr(t), log: f})
	}
	t.Cleanup(func() {
		for _, r := range c.replicas {
			r.kill()
			if t.Failed() {
				b, _ := os.ReadFile(r.log.Name())
				t.Logf("replica %s log (tail):\n%s", r.name, tail(string(b), 4000))
			}
			r.log.Close()
		}
	})
	// The first seeds the demo accounts; the others start together and
	// find the schema migrated (one migration under the advisory lock).
	if err := c.start(c.replicas[0], firstArgs...); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, n)
	for _, r := range c.replicas[1:] {
		go func() { errs <- c.start(r) }()
	}
	for range c.replicas[1:] {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	lb := freeAddr(t)
	cmd := exec.Command("haproxy", "-db", "-f", "../../../deploy/haproxy.cfg")
	cmd.Env = append(os.Environ(), "BILLFOLD_LB_LISTEN="+lb)
	for i, env := range []string{"BILLFOLD_REPLICA_A", "BILLFOLD_REPLICA_B", "BILLFOLD_REPLICA_C"} {
		cmd.Env = append(cmd.Env, env+"="+c.replicas[min(i, n-1)].addr)
	}
	var lbLog bytes.Buffer
	cmd.Stdout, cmd.Stderr = &lbLog, &lbLog
	if err := cmd.Start(); err != nil {
		t.Fatalf("haproxy: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy:\n%s", lbLog.String())
		}
	})
	c.lb = "http://" + lb
	if err := c.waitHealthy(c.lb); err != nil {
		t.Fatal(err)
	}
	return c
}

// start runs r's process and waits until it answers.
func (c *cluster) start(r *replica, args ...string) error {
	cmd := exec.Command(c.bin, append([]string{"--listen", r.addr, "--dsn", c.dsn, "--data", c.logDir, "--replicas", fmt.Sprint(len(c.replicas))}, args...)...)
	cmd.Stdout, cmd.Stderr = r.log, r.log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", r.name, err)
	}
	r.mu.Lock()
	r.cmd = cmd
	r.mu.Unlock()
	return c.waitHealthy(r.url())
}

// kill ends r's process at once, as a crash would (SIGKILL).
func (r *replica) kill() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// waitHealthy polls /healthz; the deadline guards a hang only.
func (c *cluster) waitHealthy(base string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if resp, err := c.client.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not become healthy", base)
}

// do sends one request; status 0 means no answer (a killed replica).
func (c *cluster) do(base, method, path, token string, body any, key string) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil
	}
	return resp.StatusCode, b
}

func (c *cluster) mustJSON(t *testing.T, base, method, path, token string, body any, key string, want int, v any) {
	t.Helper()
	status, b := c.do(base, method, path, token, body, key)
	if status != want {
		t.Fatalf("%s %s via %s: %d %s", method, path, base, status, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (c *cluster) signIn(t *testing.T, base, email string) api.Session {
	var s api.Session
	c.mustJSON(t, base, "POST", "/v1/sessions", "", api.SignInRequest{Email: email, Password: server.DemoPassword}, "", 201, &s)
	return s
}

// stream is an open event stream; lines carries its lines until it ends.
type stream struct {
	lines  chan string
	cancel context.CancelFunc
}

func (c *cluster) openStream(t *testing.T, base, token, lastEventID string) *stream {
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil || resp.StatusCode != 200 {
		cancel()
		t.Fatalf("events via %s: %v %v", base, err, resp)
	}
	s := &stream{lines: make(chan string, 100), cancel: cancel}
	go func() {
		defer close(s.lines)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	t.Cleanup(cancel)
	return s
}

// next is the stream's next line; ok false once it has ended. The deadline
// guards a hang only.
func (s *stream) next(t *testing.T) (string, bool) {
	select {
	case l, ok := <-s.lines:
		return l, ok
	case <-time.After(2 * time.Minute):
		t.Fatal("event stream: nothing for 2 minutes")
		return "", false
	}
}

func TestReplicasBehindHAProxy(t *testing.T) {
	c := startCluster(t)
	a, b, cc := c.replicas[0].url(), c.replicas[1].url(), c.replicas[2].url()
	cust := c.signIn(t, c.lb, server.DemoCustomerJA)
	req := api.AddFundsRequest{Amount: billing.New(5_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"}

	t.Run("event through A reaches a stream on C", func(t *testing.T) {
		s := c.openStream(t, cc, cust.AccessToken, "")
		for l, _ := s.next(t); !strings.HasPrefix(l, "retry:"); l, _ = s.next(t) {
		}
		sent := time.Now()
		var inv api.Invoice
		c.mustJSON(t, a, "POST", "/v1/funds", cust.AccessToken, req, "ev-"+servertest.Key()["Idempotency-Key"], 201, &inv)
		// Woken by the notification, not by the stream's own poll at its
		// heartbeat: the event comes before any keep-alive.
		var id string
		for {
			l, ok := s.next(t)
			if !ok {
				t.Fatal("stream on C ended")
			}
			if strings.HasPrefix(l, ": keep-alive") {
				t.Fatal("stream on C heard of the payment only at its heartbeat")
			}
			if v, ok := strings.CutPrefix(l, "id: "); ok {
				id = v
			}
			if strings.HasPrefix(l, "data: ") && strings.Contains(l, inv.ID) {
				break
			}
		}
		t.Logf("event of an invoice made through A reached the stream on C after %v", time.Since(sent))
		c.mustJSON(t, b, "POST", "/v1/invoices/"+inv.ID+"/cancel", cust.AccessToken, nil, "", 200, nil)
		s.cancel()
		// Resuming on another replica replays from Last-Event-ID: the
		// invoice's event again, since we resume from the one before it.
		prev := fmt.Sprint(mustAtoi(t, id) - 1)
		r := c.openStream(t, b, cust.AccessToken, prev)
		for {
			l, ok := r.next(t)
			if !ok {
				t.Fatal("resumed stream on B ended")
			}
			if v, ok := strings.CutPrefix(l, "id: "); ok {
				if v != id {
					t.Fatalf("resumed on B at event %s, want %s", v, id)
				}
				break
			}
		}
		r.cancel()
	})

	t.Run("sign-out on B ends a stream on C", func(t *testing.T) {
		other := c.signIn(t, b, server.DemoCustomerJA)
		s := c.openStream(t, cc, other.AccessToken, "")
		c.mustJSON(t, b, "DELETE", "/v1/sessions/current", other.AccessToken, nil, "", 204, nil)
		for {
			l, ok := s.next(t)
			if !ok {
				break
			}
			if strings.HasPrefix(l, ": keep-alive") {
				t.Fatal("stream on C outlived the sign-out on B until its heartbeat")
			}
		}
		// Every replica refuses the token at once.
		for _, base := range []string{a, b, cc} {
			if status, body := c.do(base, "GET", "/v1/me", other.AccessToken, nil, ""); status != 401 {
				t.Fatalf("signed-out token via %s: %d %s", base, status, body)
			}
		}
		// The other session of the same customer goes on.
		c.mustJSON(t, cc, "GET", "/v1/me", cust.AccessToken, nil, "", 200, nil)
	})

	t.Run("kill -9 of random replicas under write load", func(t *testing.T) {
		killsUnderLoad(t, c, cust)
	})
}

func mustAtoi(t *testing.T, s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("event id %q: %v", s, err)
	}
	return n
}

// killsUnderLoad: writers through the load balancer, each request retried
// with its key until it is answered, while replicas are killed with
// SIGKILL and restarted: the two demo customers each add funds and cancel
// the invoice, over and over (one open add-funds invoice at a time), and
// staff credit the Japanese customer's account from several writers at
// once. Every key's effect must happen exactly once, and the ledger must
// add up.
func killsUnderLoad(t *testing.T, c *cluster, ja api.Session) {
	const kills, adjusters = 20, 4
	staff := c.signIn(t, c.lb, server.DemoStaff)
	en := c.signIn(t, c.lb, server.DemoCustomerEN)
	customers := []api.Session{ja, en}
	invoicesBefore := make([]int, len(customers))
	for i, cu := range customers {
		invoicesBefore[i] = c.invoiceCount(t, cu.AccessToken)
	}
	ledgerPath := "/v1/staff/customers/" + ja.User.ID + "/ledger"
	ledgerBefore := c.ledger(t, ledgerPath, staff.AccessToken)

	// retry sends until the final answer: no answer or a 5xx (a dying
	// replica), or "in progress" (a retry that raced the first attempt),
	// are retried with the same key; a client that missed the answer asks
	// again and must get the same one.
	var retried atomic.Int64 // attempts without a final answer
	retry := func(method, path, token string, body any, key string, want int, v any) bool {
		for attempt := 0; ; attempt++ {
			if attempt > 0 {
				retried.Add(1)
			}
			status, b := c.do(c.lb, method, path, token, body, key)
			var p api.Problem
			_ = json.Unmarshal(b, &p)
			switch {
			case status == want:
				if err := json.Unmarshal(b, v); err != nil {
					t.Errorf("%s: %v", key, err)
					return false
				}
				return true
			case status != 0 && status < 500 && p.Code != api.CodeIdempotencyInFlight:
				t.Errorf("%s %s key %s: %d %s", method, path, key, status, b)
				return false
			case attempt > 1200: // a minute and more without an answer
				t.Errorf("%s: no answer after %d attempts", key, attempt)
				return false
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	once := func(method, path, token string, body any, key string, want int, first, again any, same func() bool) bool {
		if !retry(method, path, token, body, key, want, first) || !retry(method, path, token, body, key, want, again) {
			return false
		}
		if !same() {
			t.Errorf("key %s answered %+v, then %+v", key, first, again)
			return false
		}
		return true
	}
	var mu sync.Mutex
	invoices := make([]map[string]bool, len(customers)) // per customer: invoice ids made
	entryOf := map[string]string{}                      // adjustment key → ledger entry id
	type payment struct {
		token, id string
		ja        bool // credits the Japanese customer's ledger
	}
	var payments []payment
	// The writers go on until the last kill.
	killed := make(chan struct{})
	more := func() bool {
		select {
		case <-killed:
			return false
		default:
			return true
		}
	}
	var wg sync.WaitGroup
	for ci, cu := range customers {
		invoices[ci] = map[string]bool{}
		// The smallest deposit (¥1,000, $10.00): the load runs until the
		// kills are done, so a fast machine pays more invoices, and at
		// ¥5,000 / $50.00 one paid 200 of them and reached the $10,000
		// balance cap, which refused the next add-funds.
		funds := api.AddFundsRequest{Amount: billing.New(1_000, cu.User.Currency), Gateway: "card", PolicyVersion: "2026-06-01"}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; more(); i++ {
				var inv, again api.Invoice
				key := fmt.Sprintf("funds-%d-%d", ci, i)
				if !once("POST", "/v1/funds", cu.AccessToken, funds, key, 201, &inv, &again, func() bool { return inv.ID == again.ID }) {
					return
				}
				mu.Lock()
				invoices[ci][inv.ID] = true
				mu.Unlock()
				if i%2 == 1 { // paid by card through the sandbox checkout
					var p, again api.Payment
					if !once("POST", "/v1/invoices/"+inv.ID+"/payments", cu.AccessToken, api.PayRequest{Gateway: "card"}, "pay-"+key, 201, &p, &again,
						func() bool { return p.ID == again.ID }) || !c.approve(t, p) || !c.settled(t, cu.AccessToken, p.ID) {
						return
					}
					mu.Lock()
					payments = append(payments, payment{cu.AccessToken, p.ID, ci == 0})
					mu.Unlock()
					continue
				}
				var cancelled, cancelledAgain api.Invoice
				if !once("POST", "/v1/invoices/"+inv.ID+"/cancel", cu.AccessToken, nil, "cancel-"+key, 200, &cancelled, &cancelledAgain,
					func() bool {
						return cancelled.Status == billing.InvoiceCancelled && cancelledAgain.Status == billing.InvoiceCancelled
					}) {
					return
				}
			}
		}()
	}
	for w := range adjusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; more(); i++ {
				key := fmt.Sprintf("adjust-%d-%d", w, i)
				adj := api.AdjustmentRequest{Amount: billing.New(7, billing.JPY), Reason: "replica test " + key}
				var res, again api.LedgerResult
				if !once("POST", "/v1/staff/customers/"+ja.User.ID+"/adjustments", staff.AccessToken, adj, key, 201, &res, &again,
					func() bool { return res.Entry.ID == again.Entry.ID }) {
					return
				}
				mu.Lock()
				entryOf[key] = res.Entry.ID
				mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(killed)
		for range kills {
			time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
			r := c.replicas[rand.IntN(len(c.replicas))]
			r.kill()
			if err := c.start(r); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	<-killed
	if t.Failed() {
		return
	}

	// Every payment completed, whichever replica died while it was
	// processing (its owed callback is retried by one replica), and none
	// went back; each credits the account once.
	paidJA := 0
	for _, p := range payments {
		if !c.settled(t, p.token, p.id) {
			return
		}
		if p.ja {
			paidJA++
		}
	}
	for i, cu := range customers {
		if got, want := c.invoiceCount(t, cu.AccessToken)-invoicesBefore[i], len(invoices[i]); got != want {
			t.Errorf("customer %s: %d invoices made by %d keys", cu.User.Email, got, want)
		}
	}
	entries := c.ledger(t, ledgerPath, staff.AccessToken)
	inLedger := map[string]bool{}
	for _, e := range entries {
		inLedger[e.ID] = true
	}
	for key, id := range entryOf {
		if !inLedger[id] {
			t.Errorf("key %s: entry %s not in the ledger", key, id)
		}
	}
	if got := len(entries) - len(ledgerBefore); got != len(entryOf)+paidJA {
		t.Errorf("%d ledger entries made by %d adjustment keys and %d card payments", got, len(entryOf), paidJA)
	}
	// Running balances chain from the oldest entry to the newest, and end
	// at the balance the customer sees.
	var bal int64
	for i := len(entries) - 1; i >= 0; i-- {
		bal += entries[i].Amount.Amount
		if entries[i].BalanceAfter.Amount != bal {
			t.Fatalf("ledger entry %d: balance_after %d, running sum %d", entries[i].Seq, entries[i].BalanceAfter.Amount, bal)
		}
	}
	var sum api.Summary
	c.mustJSON(t, c.lb, "GET", "/v1/billing/summary", ja.AccessToken, nil, "", 200, &sum)
	if sum.AvailableCredit.Amount != bal {
		t.Errorf("summary credit %d, ledger sum %d", sum.AvailableCredit.Amount, bal)
	}
	t.Logf("%d kills, %d attempts retried; %d add-funds keys (then paid by card or cancelled), %d card payments succeeded, %d adjustment keys, each effective once",
		kills, retried.Load(), len(invoices[0])+len(invoices[1]), len(payments), len(entryOf))
}

// approve submits the sandbox checkout form through the load balancer
// with a card that succeeds, until a replica answers.
func (c *cluster) approve(t *testing.T, p api.Payment) bool {
	u, err := url.Parse(p.NextAction.URL)
	if err != nil || p.NextAction.Type != api.ActionRedirect {
		t.Errorf("payment %s has no checkout: %+v", p.ID, p.NextAction)
		return false
	}
	form := url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}}.Encode()
	for attempt := 0; attempt < 1200; attempt++ {
		req, _ := http.NewRequest("POST", c.lb+u.Path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		if resp, err := c.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			// A retry after an answer that was lost may find the payment
			// past its checkout; settled checks the outcome.
			if resp.StatusCode < 500 {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("checkout of %s: no answer", p.ID)
	return false
}

// settled waits until the payment has left processing (the next add-funds
// invoice waits for it) and requires it to have succeeded. The deadline guards a hang only (owed callbacks are
// retried every 30 s).
func (c *cluster) settled(t *testing.T, token, id string) bool {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var p api.Payment
		status, b := c.do(c.lb, "GET", "/v1/payments/"+id, token, nil, "")
		if status == 200 {
			if err := json.Unmarshal(b, &p); err != nil {
				t.Errorf("payment %s: %v", id, err)
				return false
			}
		}
		switch {
		case p.State == billing.PaymentSucceeded:
			return true
		case p.State.Final() || time.Now().After(deadline):
			t.Errorf("payment %s: %s %s", id, p.State, p.FailureReason)
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *cluster) invoiceCount(t *testing.T, token string) int {
	n := 0
	for cursor := ""; ; {
		var page api.InvoicePage
		c.mustJSON(t, c.lb, "GET", "/v1/invoices?status=all&limit=500&cursor="+cursor, token, nil, "", 200, &page)
		n += len(page.Items)
		if cursor = page.NextCursor; cursor == "" {
			return n
		}
	}
}

// ledger is every entry at path, newest first.
func (c *cluster) ledger(t *testing.T, path, token string) []api.LedgerEntry {
	var all []api.LedgerEntry
	for cursor := ""; ; {
		var page api.LedgerPage
		c.mustJSON(t, c.lb, "GET", path+"?limit=500&cursor="+cursor, token, nil, "", 200, &page)
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return all
		}
	}
}
