package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// A refusal the app has no words of its own for shows the server's
// detail, which the server writes in the UI's language: a Japanese staff
// member who types the wrong transfer reference reads why in Japanese,
// under the Confirm receipt button.
func TestJapaneseUIShowsTheServersDetailInJapanese(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust, _, _ := transferWaiting(t, env)
	s, rec := startStaff(t, env, func(sc *apiclient.Client, d *Deps) {
		if err := LoadTranslations("ja"); err != nil {
			t.Fatal(err)
		}
		if err := sc.SetLanguage(Language()); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { _ = LoadTranslations("en") })
	rec.wait(t, TaskCustomers, 0)
	rec.onUI(func() { test.Type(s.customers.search, cust.Email) })
	rec.wait(t, TaskCustomers, 1)
	rec.onUI(func() { s.customers.results.Select(0) })
	rec.wait(t, TaskCustomer, 0)
	rec.onUI(func() {
		for _, o := range shown(s.customers.panel.object()) {
			if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == lang.L("Reference on the bank statement") {
				e.SetText("BF-NOPE-NOPE")
			}
		}
		test.Tap(findButton(s.customers.panel.object(), lang.L("Confirm receipt")))
	})
	answerDialog(t, rec, s.win, lang.L("Confirm receipt"), "BF-NOPE-NOPE")
	rec.wait(t, TaskConfirm, 0)
	rec.onUI(func() {
		if got := s.customers.panel.confirmed.Text; !strings.Contains(got, "参照番号がこの支払いの振込参照番号と一致しません。") {
			t.Fatalf("after confirming with a wrong reference: %q", got)
		}
	})
}

// The server's detail shows only in the language it was written in: an
// English detail in a Japanese UI gives way to the app's own words.
func TestServerDetailOnlyInTheUILanguage(t *testing.T) {
	if err := LoadTranslations("ja"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = LoadTranslations("en") })
	e := &apiclient.Error{Kind: apiclient.KindInvalid, Status: 400, Code: api.CodeValidation,
		Detail: "The reference does not match.", Fields: []api.FieldError{{Field: "reference"}}}
	for _, l := range []string{"en", ""} {
		e.Language = l
		if got := describe(e); strings.Contains(got, "The reference") {
			t.Errorf("Content-Language %q: %q in a Japanese UI", l, got)
		}
	}
	e.Language, e.Detail = "ja", "参照番号が一致しません。"
	if got := describe(e); got != e.Detail {
		t.Errorf("Japanese detail in a Japanese UI: %q", got)
	}
}

// transferWaiting is a new JPY customer of env, signed in with a client,
// with a bank transfer of ¥8,000 waiting for staff to confirm it.
func transferWaiting(t *testing.T, env *servertest.Env) (servertest.Customer, *apiclient.Client, api.Payment) {
	t.Helper()
	cust := env.NewCustomer(billing.JPY)
	cc := customerClient(t, env, cust)
	return cust, cc, openTransfer(t, cc, 8_000)
}

// Every ledger entry is described in the UI's language from its facts:
// the server writes its descriptions in English once, when it books them.
func TestEveryLedgerEntryIsDescribedInTheUILanguage(t *testing.T) {
	if err := LoadTranslations("ja"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = LoadTranslations("en") })
	for kind, english := range map[billing.LedgerKind]string{
		billing.LedgerDeposit:       "Deposit via card for INV-2026-000001",
		billing.LedgerVoucher:       "Voucher WELCOME",
		billing.LedgerCreditApplied: "Credit applied to INV-2026-000001",
		billing.LedgerReversal:      "Card payment disputed by the bank (dp_1): unspent credit reversed",
	} {
		r := newLedgerRow(api.LedgerEntry{Kind: kind, Description: english, Reference: "INV-2026-000001",
			Amount: billing.New(-500, billing.JPY), BalanceAfter: billing.New(0, billing.JPY)})
		if strings.ContainsAny(r.description, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s in a Japanese UI: %q", kind, r.description)
		}
	}
}
