package server_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// The server answers its human texts in the request's Accept-Language
// (English and Japanese), English for anything else; invoice documents
// keep the account's language.

func lang(header string) map[string]string {
	if header == "" {
		return nil
	}
	return map[string]string{"Accept-Language": header}
}

func withKey(h map[string]string) map[string]string {
	out := servertest.Key()
	for k, v := range h {
		out[k] = v
	}
	return out
}

// wantLanguage checks that r says it answers in want, and that caches
// keep answers to other Accept-Languages apart.
func wantLanguage(t *testing.T, r servertest.Response, want string) {
	t.Helper()
	if got := r.Header.Get("Content-Language"); got != want {
		t.Errorf("Content-Language %q, want %q", got, want)
	}
	if !slices.Contains(r.Header.Values("Vary"), "Accept-Language") {
		t.Errorf("Vary %q lacks Accept-Language", r.Header.Values("Vary"))
	}
}

// languageCases are Accept-Language headers and the language each gets.
var languageCases = []struct{ header, want string }{
	{"ja", "ja"},
	{"ja-JP", "ja"},
	{"fr-FR, ja;q=0.5, en;q=0.3", "ja"},
	{"en", "en"},
	{"en-GB;q=0.9, ja;q=0.2", "en"},
	{"fr", "en"},
	{"", "en"},
	{"ja;q=abc,,;;", "en"},
}

func TestProblemsInRequestLanguage(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	type texts struct{ title, detail, field string }
	below := map[string]texts{
		"ja": {"処理できないリクエストです", "チャージできる最低額は ¥1,000 です。", "チャージできる最低額は ¥1,000 です。"},
		"en": {"Unprocessable request", "The minimum deposit is ¥1,000.", "The minimum deposit is ¥1,000."},
	}
	missing := map[string]texts{
		"ja": {"リクエストが正しくありません", "gateway：必須です", "必須です"},
		"en": {"Bad request", "gateway is required", "is required"},
	}
	nowhere := map[string]string{"ja": "このエンドポイントはありません。", "en": "No such endpoint."}
	for _, tc := range languageCases {
		t.Run(tc.header, func(t *testing.T) {
			// A rule's refusal, on a field.
			r := e.Do("POST", "/v1/funds", c.Token, api.AddFundsRequest{Amount: billing.New(500, billing.JPY), Gateway: "card",
				PolicyVersion: e.PolicyVersion(c.Token)}, withKey(lang(tc.header)))
			p := wantProblem(t, r, http.StatusUnprocessableEntity, api.CodeBelowMinimum)
			want := below[tc.want]
			if p.Title != want.title || p.Detail != want.detail || len(p.Errors) != 1 || p.Errors[0].Message != want.field {
				t.Errorf("below minimum: %q / %q / %+v, want %+v", p.Title, p.Detail, p.Errors, want)
			}
			wantLanguage(t, r, tc.want)

			// Field errors of validation.
			r = e.Do("POST", "/v1/funds", c.Token, map[string]any{"amount": billing.New(5_000, billing.JPY), "policy_version": "x"},
				withKey(lang(tc.header)))
			p = wantProblem(t, r, http.StatusBadRequest, api.CodeValidation)
			want = missing[tc.want]
			if p.Title != want.title || p.Detail != want.detail || len(p.Errors) != 1 || p.Errors[0].Message != want.field {
				t.Errorf("validation: %q / %q / %+v, want %+v", p.Title, p.Detail, p.Errors, want)
			}
			wantLanguage(t, r, tc.want)

			// The HTTP layer's own.
			r = e.Do("GET", "/v1/nowhere", c.Token, nil, lang(tc.header))
			if p := wantProblem(t, r, http.StatusNotFound, api.CodeNotFound); p.Detail != nowhere[tc.want] {
				t.Errorf("not found: %q, want %q", p.Detail, nowhere[tc.want])
			}
			wantLanguage(t, r, tc.want)
		})
	}
}

// TestConfigInRequestLanguage: gateway names and descriptions and the
// credit policy follow the request, not the account's locale (a JPY
// account is Japanese, a USD one English).
func TestConfigInRequestLanguage(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	jpy, usd := e.NewCustomer(billing.JPY), e.NewCustomer(billing.USD)
	want := map[string]struct{ bank, card, policy string }{
		"ja": {"銀行振込", "クレジットカード", "アカウントクレジットは原則として返金できず"},
		"en": {"Bank transfer", "Credit card", "Account credit is in principle non-refundable"},
	}
	for _, tc := range languageCases {
		t.Run(tc.header, func(t *testing.T) {
			w := want[tc.want]
			for _, c := range []servertest.Customer{jpy, usd} {
				var cfg api.Config
				r := e.Do("GET", "/v1/billing/config", c.Token, nil, lang(tc.header))
				e.MustJSON(r, http.StatusOK, &cfg)
				wantLanguage(t, r, tc.want)
				if !strings.HasPrefix(cfg.CreditPolicy.Summary, w.policy) {
					t.Errorf("%s policy %q, want %q…", c.Currency, cfg.CreditPolicy.Summary, w.policy)
				}
				names := map[string]api.Gateway{}
				for _, g := range cfg.Gateways {
					names[g.ID] = g
				}
				if g := names["card"]; g.Name != w.card || g.Description == "" {
					t.Errorf("%s card gateway %+v, want %q", c.Currency, g, w.card)
				}
				if g, ok := names["bank_transfer"]; c.Currency == billing.JPY && (!ok || g.Name != w.bank) {
					t.Errorf("bank transfer %+v, want %q", g, w.bank)
				}
				if tc.want == "ja" && !strings.Contains(names["card"].Description, "本人認証") {
					t.Errorf("card description %q is not Japanese", names["card"].Description)
				}
			}
		})
	}
}

// TestCheckoutPageInRequestLanguage: the sandbox checkout page speaks the
// browser's language, or the language the payment was asked for in when
// its link says (lang=).
func TestCheckoutPageInRequestLanguage(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.USD)
	p := pay(t, e, c, addFunds(t, e, c, 50_00, "card").ID, "card") // no Accept-Language: the browser decides
	if strings.Contains(p.NextAction.URL, "lang=") {
		t.Fatalf("link %q names a language the payment was not asked in", p.NextAction.URL)
	}
	page := func(url, header string) servertest.Response {
		t.Helper()
		return e.Do("GET", strings.TrimPrefix(url, e.URL), "", nil, lang(header))
	}
	want := map[string][]string{
		"ja": {`<html lang="ja">`, "カード番号", "テスト用カード", "サンドボックス"},
		"en": {`<html lang="en">`, "Card number", "Test cards", "SANDBOX"},
	}
	for _, tc := range languageCases {
		r := page(p.NextAction.URL, tc.header)
		if r.Status != http.StatusOK {
			t.Fatalf("%q: status %d", tc.header, r.Status)
		}
		wantLanguage(t, r, tc.want)
		for _, s := range want[tc.want] {
			if !strings.Contains(string(r.Body), s) {
				t.Errorf("%q: page lacks %q", tc.header, s)
			}
		}
	}
	if r := page(e.URL+"/sandbox/checkout/cs_unknown", "ja"); r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), "この決済リンクは無効です。") {
		t.Errorf("unknown link in Japanese: %d %s", r.Status, r.Body)
	}

	// Paid for in Japanese, opened in an English browser: Japanese.
	var ja api.Payment
	c2 := e.NewCustomer(billing.EUR)
	inv := addFunds(t, e, c2, 50_00, "card")
	e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c2.Token, api.PayRequest{Gateway: "card"}, withKey(lang("ja-JP,en;q=0.5"))),
		http.StatusCreated, &ja)
	if !strings.HasSuffix(ja.NextAction.URL, "?lang=ja") {
		t.Fatalf("link %q does not say Japanese", ja.NextAction.URL)
	}
	r := page(ja.NextAction.URL, "en-US")
	wantLanguage(t, r, "ja")
	if !strings.Contains(string(r.Body), "カード番号") {
		t.Errorf("page of a Japanese payment in an English browser is not Japanese")
	}
}

// TestMalformedAcceptLanguageIsIgnored: no Accept-Language makes a request
// fail; whatever the server cannot read is English.
func TestMalformedAcceptLanguageIsIgnored(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	for _, h := range []string{";;;", "ja;q=", "ja;q=abc", "*", "-", "en-", "ja-JP-x-" + strings.Repeat("a", 5000),
		strings.Repeat("ja,", 2000), "\xff\xfe", "q=0.5", "ja;q=0", "i-klingon, x-private"} {
		r := e.Do("GET", "/v1/billing/config", c.Token, nil, lang(h))
		if r.Status != http.StatusOK {
			t.Errorf("Accept-Language %q: status %d: %s", h, r.Status, r.Body)
			continue
		}
		if l := r.Header.Get("Content-Language"); l != "en" && l != "ja" {
			t.Errorf("Accept-Language %q: Content-Language %q", h, l)
		}
	}
}

// The ledger's descriptions that the server writes (deposits, credit
// applied, vouchers, reversals) are read in the language each request asks
// in, the customer's and the staff member's alike; a staff adjustment's
// reason is shown as it was written.
func TestLedgerInRequestLanguage(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		inv := addFunds(t, e, c, 20_000, "bank_transfer")
		p := pay(t, e, c, inv.ID, "bank_transfer")
		e.MustJSON(e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token,
			api.ConfirmRequest{Reference: p.NextAction.Instructions.Reference}, nil), http.StatusOK, &api.Payment{})
		adjust(t, e, staff, c, 500, "障害のお詫び")
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10})
		var applied api.ApplyCreditResult
		e.MustJSON(e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(1_100, billing.JPY)},
			withKey(lang("ja"))), http.StatusOK, &applied)
		var service api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+id, c.Token, nil, nil), http.StatusOK, &service)
		if want := service.Number + " へ充当"; applied.Entry.Description != want {
			t.Errorf("apply-credit in Japanese answers the entry %q, want %q", applied.Entry.Description, want)
		}

		want := map[string][]string{ // newest first
			"ja": {service.Number + " へ充当", "障害のお詫び", inv.Number + " の入金（銀行振込）"},
			"en": {"Credit applied to " + service.Number, "障害のお詫び", "Deposit via Bank transfer for " + inv.Number},
		}
		for _, tc := range languageCases {
			t.Run(tc.header, func(t *testing.T) {
				for who, path := range map[string]string{"customer": "/v1/ledger", "staff": "/v1/staff/customers/" + c.ID + "/ledger"} {
					token := c.Token
					if who == "staff" {
						token = staff.Token
					}
					r := e.Do("GET", path, token, nil, lang(tc.header))
					var page api.LedgerPage
					e.MustJSON(r, http.StatusOK, &page)
					var got []string
					for _, en := range page.Items {
						got = append(got, en.Description)
					}
					if !slices.Equal(got, want[tc.want]) {
						t.Errorf("%s's ledger: %q, want %q", who, got, want[tc.want])
					}
					wantLanguage(t, r, tc.want)
				}
			})
		}
	})
}

// A bank transfer's note is in the language of the invoice it pays, like
// the invoice and its PDF, whatever the request's Accept-Language: the
// same payment is in every invoice and event that carries it.
func TestBankTransferNoteInInvoiceLanguage(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	ja := e.NewCustomer(billing.JPY)
	en := servertest.Customer{Email: "english-yen@example.test", Password: "pw-english-yen", Currency: billing.JPY}
	if _, err := e.Server.CreateUser(t.Context(), server.NewUser{Email: en.Email, Password: en.Password, Name: "Pat Example",
		Role: billing.RoleCustomer, Locale: "en", Currency: billing.JPY}); err != nil {
		t.Fatal(err)
	}
	en.Token = e.SignIn(en.Email, en.Password).AccessToken
	for _, tc := range []struct {
		who    servertest.Customer
		asks   string
		want   string
		unwant string
	}{
		{ja, "en", "振込名義の前に参照番号を入力してください。", "Write the reference"},
		{en, "ja", "Write the reference in the transfer's remitter name or memo field", "振込"},
	} {
		inv := addFunds(t, e, tc.who, 20_000, "bank_transfer")
		var p api.Payment
		e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", tc.who.Token, api.PayRequest{Gateway: "bank_transfer"},
			withKey(lang(tc.asks))), http.StatusCreated, &p)
		var again api.Payment
		e.MustJSON(e.Do("GET", "/v1/payments/"+p.ID, tc.who.Token, nil, lang(tc.asks)), http.StatusOK, &again)
		var invoice api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, tc.who.Token, nil, lang(tc.asks)), http.StatusOK, &invoice)
		if len(invoice.Payments) != 1 {
			t.Fatalf("invoice %s has %d payments, want 1", inv.Number, len(invoice.Payments))
		}
		for where, pay := range map[string]api.Payment{"POST payments": p, "GET payment": again, "the invoice's payment": invoice.Payments[0]} {
			in := pay.NextAction.Instructions
			if in == nil || !strings.HasPrefix(in.Note, tc.want) || strings.Contains(in.Note, tc.unwant) {
				t.Errorf("%s, invoice in %s, asked in %s: note %+v, want it to start %q", where, inv.Language, tc.asks, in, tc.want)
			}
		}
	}
}

// The demo's seeded deposits read in the request's language too, as the
// deposits the server books when a payment arrives do.
func TestDemoLedgerInRequestLanguage(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		if _, err := e.Server.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		tok := e.SignIn(server.DemoCustomerJA, server.DemoPassword).AccessToken
		for _, c := range []struct{ header, prefix, suffix string }{
			{"ja", "INV-", " の入金（銀行振込）"},
			{"en", "Deposit via Bank transfer for INV-", ""},
		} {
			var page api.LedgerPage
			e.MustJSON(e.Do("GET", "/v1/ledger?limit=100", tok, nil, lang(c.header)), http.StatusOK, &page)
			deposits := 0
			for _, en := range page.Items {
				if en.Kind != billing.LedgerDeposit {
					continue
				}
				deposits++
				if !strings.HasPrefix(en.Description, c.prefix) || !strings.HasSuffix(en.Description, c.suffix) {
					t.Errorf("%s: the deposit of %s reads %q", c.header, en.Reference, en.Description)
				}
			}
			if deposits == 0 {
				t.Fatalf("%s: the demo ledger has no deposit", c.header)
			}
		}
	})
}
