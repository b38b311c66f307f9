package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/anchor"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// signingKey starts a server on dir (with key, when not nil) and returns
// the key GET /v1/signing-key serves.
func signingKey(t *testing.T, dir string, key ed25519.PrivateKey) api.SigningKey {
	t.Helper()
	s, err := server.New(context.Background(), server.Options{DataDir: dir, SigningKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/v1/signing-key", nil))
	var k api.SigningKey
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &k) != nil {
		t.Fatalf("GET /v1/signing-key: %d %s", rec.Code, rec.Body)
	}
	return k
}

// TestSigningKeyIsKept: the key created on a database's first start is the
// one served after a restart (archives pin it); a configured key wins.
func TestSigningKeyIsKept(t *testing.T) {
	dir := t.TempDir()
	first := signingKey(t, dir, nil)
	if again := signingKey(t, dir, nil); again != first {
		t.Fatalf("the key changed across a restart: %+v, then %+v", first, again)
	}
	if other := signingKey(t, t.TempDir(), nil); other.PublicKey == first.PublicKey {
		t.Fatal("two databases got the same key")
	}
	configured := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	if k := signingKey(t, dir, configured); k.PublicKey != anchor.EncodeKey(configured.Public().(ed25519.PublicKey)) {
		t.Fatalf("configured key not used: %+v", k)
	}
}

// TestEveryInvoiceLeavesSigned: an invoice is signed over what it says as
// it leaves, whichever way: the answer to the request that issued it (on
// PostgreSQL its number is taken at the commit), that answer replayed, the
// event that announced it, and a later read.
func TestEveryInvoiceLeavesSigned(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		var key api.SigningKey
		e.MustJSON(e.Do("GET", "/v1/signing-key", "", nil, nil), http.StatusOK, &key)
		pub, err := anchor.ParseKey(key.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		verify := func(what string, raw []byte) api.Invoice {
			t.Helper()
			if err := anchor.Verify(pub, anchor.Invoice, raw); err != nil {
				t.Fatalf("%s: %v\n%s", what, err, raw)
			}
			var inv api.Invoice
			if err := json.Unmarshal(raw, &inv); err != nil || !strings.HasPrefix(inv.Number, "INV-") || strings.Contains(inv.Number, "pending") {
				t.Fatalf("%s: number %q: %v", what, inv.Number, err)
			}
			return inv
		}
		c := e.NewCustomer(billing.JPY)
		stream, stop := openStream(t, e, c.Token)
		defer stop()
		k := servertest.Key()
		body := api.AddFundsRequest{Amount: billing.New(5_000, c.Currency), Gateway: "bank_transfer", PolicyVersion: "2026-06-01"}
		created := e.Do("POST", "/v1/funds", c.Token, body, k)
		inv := verify("issued", created.Body)
		replay := e.Do("POST", "/v1/funds", c.Token, body, k)
		if replay.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(replay.Body, created.Body) {
			t.Fatalf("replay differs:\n%s\n%s", created.Body, replay.Body)
		}
		verify("replayed", replay.Body)
		verify("read", e.Do("GET", "/v1/invoices/"+inv.ID, c.Token, nil, nil).Body)
		for {
			m, ok := nextMessage(t, stream)
			if !ok {
				t.Fatal("the stream ended before the invoice's event")
			}
			var ev struct {
				Invoice json.RawMessage `json:"invoice"`
			}
			if m.event == api.EventInvoice && json.Unmarshal([]byte(m.data), &ev) == nil && ev.Invoice != nil {
				if got := verify("event", ev.Invoice); got.ID == inv.ID {
					break
				}
			}
		}

		other := e.NewCustomer(billing.JPY)
		staffIssued := e.Do("POST", "/v1/staff/customers/"+other.ID+"/funds", e.NewStaff().Token, body, servertest.Key())
		verify("issued by staff", staffIssued.Body)

		// A cancel answers with the invoice, signed once, fresh or
		// replayed: it was signed twice over, which failed and logged an
		// error at every cancel.
		k = servertest.Key()
		cancelled := e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, k)
		if got := verify("cancelled", cancelled.Body); got.Status != billing.InvoiceCancelled {
			t.Fatalf("cancel answered %s", got.Status)
		}
		verify("cancel replayed", e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, k).Body)
		if logs := e.Logs.String(); strings.Contains(logs, "ERROR") {
			t.Fatalf("errors logged:\n%s", logs)
		}
	})
}
