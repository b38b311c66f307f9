package apiclient_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/anchor"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// TestSigningContract: the server signs every invoice it shows and an
// archive's chain head on request, with the key GET /v1/signing-key
// serves; the key survives a restart on the same database.
func TestSigningContract(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		env := servertest.New(t, b)
		ctx := context.Background()
		cust := env.NewCustomer(billing.JPY)
		issued := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		if _, err := env.Server.IssueServiceInvoice(ctx, cust.ID, issued, issued.AddDate(0, 0, 30),
			[]server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 104235, TaxRate: 10}}); err != nil {
			t.Fatal(err)
		}
		anon := newClient(t, env.URL, fastOptions(), true)
		key := got(anon.SigningKey(ctx)).ok(t)
		pub, err := anchor.ParseKey(key.PublicKey)
		if err != nil || key.Algorithm != "Ed25519" || key.KeyID != anchor.KeyID(pub) {
			t.Fatalf("signing key %+v: %v", key, err)
		}
		c := signIn(t, env.URL, cust, fastOptions(), true)
		page := got(c.RawInvoices(ctx, apiclient.InvoiceQuery{})).ok(t)
		if len(page.Items) == 0 {
			t.Fatal("no invoices")
		}
		for _, raw := range page.Items {
			if err := anchor.Verify(pub, anchor.Invoice, raw); err != nil {
				t.Fatalf("invoice signature: %v\n%s", err, raw)
			}
		}

		head := api.ArchiveHeadRequest{Seq: 3, Head: "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"}
		raw := got(c.SignArchiveHead(ctx, head)).ok(t)
		if err := anchor.Verify(pub, anchor.ArchiveHead, raw); err != nil {
			t.Fatalf("head signature: %v\n%s", err, raw)
		}
		var h api.ArchiveHead
		if err := json.Unmarshal(raw, &h); err != nil || h.Account != cust.ID || h.Seq != 3 || h.Head != head.Head || h.KeyID != key.KeyID {
			t.Fatalf("signed head %+v: %v", h, err)
		}
		// An invoice signature is no head signature.
		if err := anchor.Verify(pub, anchor.Invoice, raw); err == nil {
			t.Fatal("a head signature verified as an invoice's")
		}
		for _, bad := range []api.ArchiveHeadRequest{{Seq: 0, Head: head.Head}, {Seq: 1, Head: "ABCDEF"}, {Seq: 1, Head: "some text to sign"}} {
			_, err := c.SignArchiveHead(ctx, bad)
			if e := apiErr(t, err); e.Status != 400 || e.Code != api.CodeValidation {
				t.Fatalf("head %+v: %v", bad, err)
			}
		}
		_, err = anon.SignArchiveHead(ctx, head)
		if e, ok := apiclient.AsError(err); !ok || (e.Status != 401 && e.Kind != apiclient.KindSignedOut) {
			t.Fatalf("signing without a session: %v", err)
		}
	})
}
