package archive_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

var jst = time.FixedZone("JST", 9*60*60)

// account is a customer of the test server with a signed-in client.
type account struct {
	ID, Email, Password string
	Client              *apiclient.Client
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newAccount creates a customer with the given name and company and signs
// in with apiclient.
func newAccount(t testing.TB, env *servertest.Env, name, company string, cur billing.Currency) account {
	t.Helper()
	locale := "en"
	if cur == billing.JPY {
		locale = "ja"
	}
	a := account{Email: "arch-" + randomHex(4) + "@example.test", Password: "pw-" + randomHex(8)}
	id, err := env.Server.CreateUser(context.Background(), server.NewUser{Email: a.Email, Password: a.Password,
		Name: name, Company: company, Role: billing.RoleCustomer, Locale: locale, Currency: cur})
	if err != nil {
		t.Fatal(err)
	}
	a.ID = id
	a.Client = signIn(t, env, a.Email, a.Password)
	return a
}

func signIn(t testing.TB, env *servertest.Env, email, password string) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SignIn(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	return c
}

// issue bills the customer one line of unit (minor units) at 10 %.
func issue(t testing.TB, env *servertest.Env, customerID string, issued time.Time, desc string, unit int64) string {
	t.Helper()
	id, err := env.Server.IssueServiceInvoice(context.Background(), customerID, issued, issued.AddDate(0, 0, 30),
		[]server.ServiceLine{{Description: desc, Quantity: 1, UnitPrice: unit, TaxRate: 10}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// payWithCredit pays an invoice in full: a staff adjustment books the
// credit, the customer applies it.
func payWithCredit(t testing.TB, env *servertest.Env, staffToken string, a account, invoiceID string) {
	t.Helper()
	ctx := context.Background()
	inv, err := a.Client.Invoice(ctx, invoiceID)
	if err != nil {
		t.Fatal(err)
	}
	env.MustJSON(env.Do("POST", "/v1/staff/customers/"+a.ID+"/adjustments", staffToken,
		api.AdjustmentRequest{Amount: inv.BalanceDue, Reason: "test credit"}, servertest.Key()), http.StatusCreated, nil)
	if _, err := a.Client.ApplyCredit(ctx, apiclient.NewIdempotencyKey(), invoiceID, api.ApplyCreditRequest{Amount: inv.BalanceDue}); err != nil {
		t.Fatal(err)
	}
}

func openArchive(t testing.TB, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func numbers(es []archive.Entry) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		m[e.ID] = true
	}
	return m
}

func ptr(v int64) *int64 { return &v }

// problems returns the paths of rep's problems of kind, and whether rep has
// problems of no other kind.
func problems(rep archive.Report, kind archive.ProblemKind) (paths []string, only bool) {
	only = true
	for _, p := range rep.Problems {
		if p.Kind == kind {
			paths = append(paths, p.Path)
		} else {
			only = false
		}
	}
	return paths, only
}
