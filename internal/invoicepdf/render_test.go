package invoicepdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/signintech/gopdf"

	"billfold/api"
	"billfold/assets"
	"billfold/billing"
	"billfold/internal/invoicepdf/pdftext"
)

func mustRender(t testing.TB, inv api.Invoice, opts Options) []byte {
	t.Helper()
	b, err := Render(inv, opts)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	validate(t, b)
	return b
}

// cases are invoices of every currency, language, status and kind.
func cases() map[string]func() (api.Invoice, Options) {
	return map[string]func() (api.Invoice, Options){
		"ja-unpaid-bank-jpy": sampleJA,
		"en-paid-usd":        sampleEN,
		"en-cancelled-eur": func() (api.Invoice, Options) {
			return makeInvoice("en", billing.EUR, billing.InvoiceCancelled, enLines(billing.EUR)), Options{}
		},
		"ja-paid-usd": func() (api.Invoice, Options) {
			return makeInvoice("ja", billing.USD, billing.InvoicePaid, enLines(billing.USD)), Options{}
		},
		"en-unpaid-overdue-jpy": func() (api.Invoice, Options) {
			inv := makeInvoice("en", billing.JPY, billing.InvoiceUnpaid, enLines(billing.JPY))
			inv.Overdue = true
			return inv, Options{}
		},
		"ja-deposit": func() (api.Invoice, Options) {
			inv := makeInvoice("ja", billing.JPY, billing.InvoiceUnpaid, []lineSpec{{"アカウントクレジットのチャージ（前受金・不課税）", 1, 30_000, 0}})
			inv.Kind, inv.Gateway = billing.KindAddFunds, bankTransfer
			inv.Buyer.Company = ""
			return inv, Options{Bank: &api.BankInstructions{BankName: "みずなみ銀行", BranchName: "丸の内支店", AccountType: "普通",
				AccountNumber: "1234567", AccountHolder: "カ）ビルフォールドホスティング", Reference: "BF-DEMO-0001"}}
		},
	}
}

func TestRenderAllCasesValid(t *testing.T) {
	for name, mk := range cases() {
		t.Run(name, func(t *testing.T) {
			inv, opts := mk()
			b := mustRender(t, inv, opts)
			ctx, err := pdfapi.ReadAndValidate(bytes.NewReader(b), pdftext.Config())
			if err != nil {
				t.Fatal(err)
			}
			if ctx.PageCount != 1 {
				t.Errorf("pages = %d, want 1", ctx.PageCount)
			}
			dims, err := ctx.PageDims()
			if err != nil {
				t.Fatal(err)
			}
			if len(dims) != 1 || int(dims[0].Width+0.5) != 595 || int(dims[0].Height+0.5) != 842 {
				t.Errorf("page size %v, want A4 595×842 pt", dims)
			}
		})
	}
}

// amounts finds the line "label amount…" (the label followed by n amounts
// and nothing else) and returns the amounts.
func amounts(t *testing.T, text, label string, c billing.Currency, n int) []billing.Money {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(l, label+" ")
		if !ok || len(strings.Fields(rest)) != n {
			continue
		}
		var ms []billing.Money
		for _, f := range strings.Fields(rest) {
			m, err := billing.ParseAmount(f, c)
			if err != nil {
				break
			}
			if billing.Format(m) != f {
				t.Errorf("%q: %q is not formatted as billing.Format formats it (%q)", l, f, billing.Format(m))
			}
			ms = append(ms, m)
		}
		if len(ms) == n {
			return ms
		}
	}
	t.Fatalf("no line %q followed by %d amounts in:\n%s", label, n, text)
	return nil
}

func TestJapaneseContent(t *testing.T) {
	inv, opts := sampleJA()
	text := allText(extractPages(t, mustRender(t, inv, opts)))
	f, _ := font()
	for _, want := range []string{
		"請求書", "未払い", "適格請求書", "請求書番号 INV-2026-000123", "発行日 2026年11月25日", "お支払期限 2026年12月9日",
		"お支払方法 銀行振込", "株式会社やまだ商店", "山田 太郎 様", "〒150-0002 東京都渋谷区渋谷2-21-1", "taro@yamada.example.jp",
		"Billfold Hosting 株式会社", "〒100-0005 東京都千代田区丸の内1-1-1", "登録番号 T1234567890123",
		"※は軽減税率対象", "10%対象 ¥34,980 ¥3,498", "8%対象 ¥3,600 ¥288",
		"お振込先", "銀行名 みずなみ銀行 (Mizunami Bank)", "口座名義 カ）ビルフォールドホスティング", "振込参照番号 BF-7Q2K-93XD",
		"1 / 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	for i, l := range inv.Lines {
		// Descriptions wrap inside their column: look for each line.
		wrapped := f.wrap(l.Description, cols[colDesc].w-2*cellPad, bodySize)
		for _, w := range wrapped {
			if !strings.Contains(text, w) {
				t.Errorf("line %d description %q: no %q", i+1, l.Description, w)
			}
		}
		row := rowLine(t, text, i+1)
		mark := ""
		if l.TaxRate == 8 {
			mark = "※"
		}
		for _, want := range []string{billing.Format(l.UnitPrice), fmt.Sprintf("%d%%%s", l.TaxRate, mark), billing.Format(l.Amount)} {
			if !strings.Contains(row, " "+want) {
				t.Errorf("row %q lacks %q", row, want)
			}
		}
	}
}

func TestEnglishContent(t *testing.T) {
	inv, opts := sampleEN()
	text := allText(extractPages(t, mustRender(t, inv, opts)))
	for _, want := range []string{
		"INVOICE", "PAID", "Invoice no. INV-2026-000123", "Issue date 25 Nov 2026", "Due date 9 Dec 2026", "Paid on 27 Nov 2026",
		"Payment method Credit card", "Bill to", "Smith Consulting LLC", "Jane Smith", "350 Fifth Avenue, New York, NY 10118, USA",
		"Registration no. T1234567890123", "Billfold Hosting 株式会社", "10% $232.99 $23.29", "8% (reduced) $37.50 $3.00",
		"※ Reduced tax rate item", "Thank you for your payment.", "1 / 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Bank transfer details") {
		t.Error("a paid card invoice shows bank transfer details")
	}
}

// TestTotalsToTheMinorUnit reads every total back from the PDF text and
// compares it with the invoice, for JPY, USD and EUR in both languages.
func TestTotalsToTheMinorUnit(t *testing.T) {
	for name, mk := range cases() {
		t.Run(name, func(t *testing.T) {
			inv, opts := mk()
			checkTotals(t, inv, mustRender(t, inv, opts))
		})
	}
}

// checkTotals reads every total of inv back from its PDF's text.
func checkTotals(t *testing.T, inv api.Invoice, pdf []byte) {
	t.Helper()
	text := allText(extractPages(t, pdf))
	l := labelsFor(inv.Language)
	c := inv.Currency
	checks := []struct {
		label string
		want  billing.Money
	}{
		{l.subtotal, inv.Subtotal}, {l.tax, inv.Tax}, {l.total, inv.Total},
		{l.credit, inv.CreditApplied.Neg()}, {l.amountPaid, inv.AmountPaid.Neg()}, {l.balanceDue, inv.BalanceDue},
	}
	for _, ck := range checks {
		if got := amounts(t, text, ck.label, c, 1)[0]; got != ck.want {
			t.Errorf("%s: PDF says %v, invoice %v", ck.label, got, ck.want)
		}
	}
	for _, rt := range inv.TaxByRate {
		got := amounts(t, text, l.rateRow(rt.Rate), c, 2)
		if got[0] != rt.Base || got[1] != rt.Tax {
			t.Errorf("%d%%: PDF says base %v tax %v, invoice %v %v", rt.Rate, got[0], got[1], rt.Base, rt.Tax)
		}
	}
	if len(inv.TaxByRate) == 0 && !strings.Contains(text, l.untaxedLegend) {
		t.Error("an invoice without tax does not say so")
	}
}

// rowLine is the first line of item row n.
func rowLine(t *testing.T, text string, n int) string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, fmt.Sprint(n)+" ") {
			return l
		}
	}
	t.Fatalf("no row %d in:\n%s", n, text)
	return ""
}

func TestMissingGlyph(t *testing.T) {
	for _, tc := range []struct {
		field string
		r     rune
		set   func(*api.Invoice, string)
	}{
		{"buyer.name", '🙂', func(inv *api.Invoice, s string) { inv.Buyer.Name += s }},
		{"lines[2].description", '𠮷', func(inv *api.Invoice, s string) { inv.Lines[2].Description += s }}, // JIS X 0213 plane 2, not in IPAex
		{"seller.address", 'ก', func(inv *api.Invoice, s string) { inv.Seller.Address += s }},             // Thai
		{"number", '\a', func(inv *api.Invoice, s string) { inv.Number += s }},
	} {
		inv, opts := sampleJA()
		tc.set(&inv, string(tc.r))
		_, err := Render(inv, opts)
		var mg *MissingGlyphError
		if !errors.As(err, &mg) || !errors.Is(err, ErrMissingGlyph) {
			t.Fatalf("%s with %U: err = %v, want a MissingGlyphError", tc.field, tc.r, err)
		}
		if mg.Rune != tc.r || mg.Field != tc.field {
			t.Errorf("error names %U in %s, want %U in %s", mg.Rune, mg.Field, tc.r, tc.field)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%U", tc.r)) {
			t.Errorf("message %q does not name %U", err, tc.r)
		}

		// With OnMissing the invoice renders, the character drawn as 〓,
		// and the call names it.
		type miss struct {
			field string
			r     rune
		}
		var got []miss
		opts.OnMissing = func(field string, r rune) { got = append(got, miss{field, r}) }
		pdf, err := Render(inv, opts)
		if err != nil {
			t.Fatalf("%s with %U and OnMissing: %v", tc.field, tc.r, err)
		}
		if len(got) != 1 || got[0] != (miss{tc.field, tc.r}) {
			t.Errorf("OnMissing got %+v, want %U in %s", got, tc.r, tc.field)
		}
		if text := allText(extractPages(t, pdf)); !strings.Contains(text, string(MissingMark)) {
			t.Errorf("%s: no %c in the text:\n%s", tc.field, MissingMark, text)
		}
	}
}

// TestUnusualCharacters: characters beyond the BMP that the font has, and
// two characters IPAexGothic draws with one glyph, survive extraction.
func TestUnusualCharacters(t *testing.T) {
	f, err := font()
	if err != nil {
		t.Fatal(err)
	}
	var beyond rune
	for r := range f.cmap {
		if r > 0xFFFF && (beyond == 0 || r < beyond) {
			beyond = r
		}
	}
	if beyond == 0 {
		t.Fatal("the font has no characters beyond the BMP")
	}
	inv, opts := sampleJA()
	inv.Buyer.Name = "吉" + string(beyond) + " 花子"
	inv.Lines[0].Description = "受付時間 9:00〜18:00（平日）～ 髙﨑 ①㈱"
	text := allText(extractPages(t, mustRender(t, inv, opts)))
	for _, want := range []string{inv.Buyer.Name + " 様", "9:00〜18:00（平日）～", "髙﨑", "①㈱"} {
		if !strings.Contains(squeeze(text), squeeze(want)) {
			t.Errorf("no %q (%+q) in:\n%s", want, want, text)
		}
	}
	// The document information too: the seller's name is the Author, the
	// buyer's company is in the Subject.
	inv.Seller.Name = "吉" + string(beyond) + "ホスティング"
	inv.Buyer.Company = string(beyond) + "商店"
	info, err := pdfapi.PDFInfo(bytes.NewReader(mustRender(t, inv, opts)), "unusual.pdf", nil, false, pdftext.Config())
	if err != nil {
		t.Fatal(err)
	}
	if info.Author != inv.Seller.Name || !strings.HasPrefix(info.Subject, inv.Buyer.Company) {
		t.Errorf("metadata: author %q (%+q), subject %q", info.Author, info.Author, info.Subject)
	}
}

func TestLongInvoicePages(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			inv := longInvoice(lang, 200)
			l := labelsFor(lang)
			pages := extractPages(t, mustRender(t, inv, Options{}))
			n := len(pages)
			if n < 5 || n > 10 {
				t.Fatalf("200 lines on %d pages", n)
			}
			header := strings.Join([]string{l.colNo, l.colDesc, l.colQty, l.colUnit, l.colRate, l.colAmount}, " ")
			next := 1 // the next row number expected
			for i, p := range pages {
				text := strings.Join(p, "\n")
				if want := fmt.Sprintf("%d / %d", i+1, n); !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, want) }) {
					t.Errorf("page %d has no page number %q", i+1, want)
				}
				if i > 0 {
					if cont := l.titleFor + " " + inv.Number + l.continued; !strings.HasPrefix(p[0], cont) {
						t.Errorf("page %d starts with %q, want the continuation header %q", i+1, p[0], cont)
					}
				}
				if !slices.Contains(p, header) && next <= 200 {
					t.Errorf("page %d has no table header %q", i+1, header)
				}
				// Rows continue in order, none lost or repeated.
				for _, ln := range p {
					var k int
					if _, err := fmt.Sscanf(ln, "%d ", &k); err == nil && strings.Contains(ln, fmt.Sprintf("#%03d", k)) {
						if k != next {
							t.Fatalf("page %d: row %d, want %d", i+1, k, next)
						}
						next++
					}
				}
				if i == n-1 && !strings.Contains(text, l.balanceDue) {
					t.Errorf("the last page has no totals")
				}
			}
			if next != 201 {
				t.Errorf("found rows 1..%d, want 1..200", next-1)
			}
			text := allText(pages)
			if got := amounts(t, text, l.total, inv.Currency, 1)[0]; got != inv.Total {
				t.Errorf("total %v, want %v", got, inv.Total)
			}
		})
	}
}

// TestRowTallerThanAPage: a description longer than a page continues on the
// next page instead of being cut off or looping.
func TestRowTallerThanAPage(t *testing.T) {
	inv, _ := sampleEN()
	var words []string
	for i := range 700 {
		words = append(words, fmt.Sprintf("w%03d", i))
	}
	inv.Lines[1].Description = strings.Join(words, " ")
	pages := extractPages(t, mustRender(t, inv, Options{}))
	if len(pages) < 2 {
		t.Fatalf("%d pages", len(pages))
	}
	got := regexp.MustCompile(`w\d{3}`).FindAllString(allText(pages), -1)
	if !slices.Equal(got, words) {
		t.Errorf("the long description came out as %d words, want %d in order", len(got), len(words))
	}
}

func TestDeterministic(t *testing.T) {
	inv, opts := sampleJA()
	first := mustRender(t, inv, opts)
	// Same instant in another zone, rendered concurrently: same bytes.
	inv2 := inv
	inv2.IssuedAt = inv.IssuedAt.In(time.FixedZone("EST", -5*3600))
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Go(func() {
			in := inv
			if i%2 == 1 {
				in = inv2
			}
			results[i], _ = Render(in, opts)
		})
	}
	wg.Wait()
	for i, b := range results {
		if !bytes.Equal(b, first) {
			t.Fatalf("render %d differs from the first", i)
		}
	}
	long1, long2 := mustRender(t, longInvoice("ja", 200), Options{}), mustRender(t, longInvoice("ja", 200), Options{})
	if !bytes.Equal(long1, long2) {
		t.Fatal("long invoice renders differ")
	}
}

func TestMetadata(t *testing.T) {
	inv, opts := sampleJA()
	info, err := pdfapi.PDFInfo(bytes.NewReader(mustRender(t, inv, opts)), "ja.pdf", nil, false, pdftext.Config())
	if err != nil {
		t.Fatal(err)
	}
	if info.Title != "請求書 INV-2026-000123" || info.Author != "Billfold Hosting 株式会社" ||
		info.Subject != "株式会社やまだ商店 御中 ご請求金額 ¥42,366" || info.Creator != "Billfold" {
		t.Errorf("metadata: title %q author %q subject %q creator %q", info.Title, info.Author, info.Subject, info.Creator)
	}
	if !strings.Contains(info.CreationDate, "20261125103000+09'00'") {
		t.Errorf("creation date %q, want the issue time in Tokyo", info.CreationDate)
	}
	en, _ := sampleEN()
	info, err = pdfapi.PDFInfo(bytes.NewReader(mustRender(t, en, Options{})), "en.pdf", nil, false, pdftext.Config())
	if err != nil {
		t.Fatal(err)
	}
	if info.Title != "Invoice INV-2026-000123" || info.Subject != "Smith Consulting LLC — invoice total $296.78" ||
		!strings.Contains(info.CreationDate, "20261125013000+00'00'") {
		t.Errorf("metadata: title %q subject %q created %q", info.Title, info.Subject, info.CreationDate)
	}
}

func TestDatesPerLanguage(t *testing.T) {
	at := time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC) // 01:00 on the 26th in Tokyo
	if got := jaLabels.date(at); got != "2026年11月26日" {
		t.Errorf("ja: %q", got)
	}
	if got := enLabels.date(at); got != "25 Nov 2026" {
		t.Errorf("en: %q", got)
	}
	for lang, ja := range map[string]bool{"ja": true, "ja-JP": true, "JA_jp": true, "en": false, "": false, "de": false, "jav": false} {
		if isJapanese(lang) != ja {
			t.Errorf("isJapanese(%q) = %v", lang, !ja)
		}
	}
}

func TestBankInstructions(t *testing.T) {
	const title = "お振込先"
	has := func(inv api.Invoice, opts Options) bool {
		return strings.Contains(allText(extractPages(t, mustRender(t, inv, opts))), title)
	}
	inv, opts := sampleJA()
	if !has(inv, opts) {
		t.Error("unpaid bank-transfer invoice without instructions")
	}
	paid := inv
	paid.Status = billing.InvoicePaid
	if has(paid, opts) {
		t.Error("paid invoice shows transfer instructions")
	}
	card := inv
	card.Gateway = "card"
	if has(card, opts) {
		t.Error("card invoice shows transfer instructions")
	}
	// No Options.Bank: the instructions of the waiting payment are used.
	pending := inv
	pending.Gateway = ""
	pending.Payments = []api.Payment{{Gateway: bankTransfer, State: billing.PaymentAwaitingAction,
		NextAction: api.NextAction{Type: api.ActionInstructions, Instructions: opts.Bank}}}
	text := allText(extractPages(t, mustRender(t, pending, Options{})))
	if !strings.Contains(text, "振込参照番号 BF-7Q2K-93XD") || !strings.Contains(text, "お振込金額 ¥41,366") {
		t.Errorf("instructions from the pending payment missing:\n%s", text)
	}
}

// TestWidthsMatchGopdf: the layout's own text measure equals gopdf's, so
// that in plain gopdf output too right-aligned amounts end exactly at the
// column edge.
func TestWidthsMatchGopdf(t *testing.T) {
	f, _ := font()
	samples := []string{"¥1,234,567", "€98,765.43", "請求書番号 INV-2026-000123", "オフィス用コーヒー定期便（軽減税率対象）", "Wj ※ 〒 ①"}
	fonts, err := gopdfFonts()
	if err != nil {
		t.Fatal(err)
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontFromFontContainer(assets.FontName, fonts); err != nil {
		t.Fatal(err)
	}
	for _, size := range []float64{7.5, 8.5, 13} {
		if err := pdf.SetFont(assets.FontName, "", size); err != nil {
			t.Fatal(err)
		}
		for _, s := range samples {
			want, err := pdf.MeasureTextWidth(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.width(s, size); got-want > 1e-9 || want-got > 1e-9 {
				t.Errorf("width(%q, %v) = %v, gopdf %v", s, size, got, want)
			}
		}
	}
}

func TestWrap(t *testing.T) {
	f, _ := font()
	const size = 10.0
	jp := "お支払いは、請求書記載の口座へお振込みください。「振込手数料」はお客様のご負担となります。"
	for _, w := range []float64{55, 80, 123, 200} {
		ls := f.wrap(jp, w, size)
		if strings.Join(ls, "") != jp {
			t.Errorf("w=%v: wrapping lost text: %q", w, ls)
		}
		for _, l := range ls {
			if f.width(l, size) > w {
				t.Errorf("w=%v: line %q is %v wide", w, l, f.width(l, size))
			}
			if r := []rune(l)[0]; strings.ContainsRune("、。」", r) {
				t.Errorf("w=%v: line starts with %q (kinsoku)", w, r)
			}
			if r := []rune(l)[len([]rune(l))-1]; r == '「' {
				t.Errorf("w=%v: line ends with %q (kinsoku)", w, r)
			}
		}
	}
	// Latin wraps at spaces; numbers keep their counters (11月).
	latin := "Managed TLS certificate, wildcard *.example.com, including domain validation"
	for _, w := range []float64{85, 150, 250} {
		got := f.wrap(latin, w, size)
		if strings.Join(got, " ") != latin {
			t.Errorf("latin wrap at %v split a word or lost a space: %q", w, got)
		}
		for _, l := range got {
			if f.width(l, size) > w {
				t.Errorf("latin wrap at %v: %q too wide", w, l)
			}
		}
	}
	if got := f.wrap("VPS 2026年11月分", 62, size); !slices.Equal(got, []string{"VPS 2026年", "11月分"}) {
		t.Errorf("number wrap: %q", got)
	}
	// Narrower than one glyph: one glyph per line, and it returns (gopdf's
	// SplitText loops forever here).
	done := make(chan []string, 1)
	go func() { done <- f.wrap("請求書 abc", 0.5, size) }()
	select {
	case got := <-done:
		if want := []string{"請", "求", "書", "a", "b", "c"}; !slices.Equal(got, want) {
			t.Errorf("narrow wrap: %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wrap does not return for a width narrower than a glyph")
	}
	if got := f.wrap("line one\nline two", 500, size); !slices.Equal(got, []string{"line one", "line two"}) {
		t.Errorf("newline: %q", got)
	}
}

// TestFontAsset: the bundled font is a TrueType-outline font with the
// glyphs invoices need, and its licence comes with it.
func TestFontAsset(t *testing.T) {
	if !bytes.HasPrefix(assets.JapaneseFont, []byte{0, 1, 0, 0}) {
		t.Fatal("assets.JapaneseFont is not a TrueType (glyf) font")
	}
	f, err := font()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "¥€$￥※〒①㈱髙﨑〜～ー・、。「」（）あいうえおアイウエオ請求書登録番号消費税軽減税率振込銀行支店口座名義株式会社御中様0123456789ABCxyz%,.-" {
		if !f.has(r) {
			t.Errorf("the font has no glyph for %q %U", r, r)
		}
	}
	if !strings.Contains(assets.FontLicense, "IPA Font License Agreement v1.0") || !strings.Contains(assets.FontLicense, "IPAフォントライセンスv1.0") {
		t.Error("assets.FontLicense is not the IPA Font License")
	}
}

// TestEdgeCases: odd but possible invoices render, validate and keep their
// text.
func TestEdgeCases(t *testing.T) {
	huge := makeInvoice("en", billing.USD, billing.InvoiceRefunded, []lineSpec{{"Dedicated cluster", 9_000_000, 99_999_999, 10}})
	multi, _ := sampleJA()
	multi.Status = billing.InvoiceDraft
	multi.Lines[0].Description = "一行目\r\n二行目\tタブ\n三行目"
	multi.Seller.Address = "〒100-0005\n東京都千代田区丸の内1-1-1\nビルフォールドビル 12階"
	empty := makeInvoice("ja", billing.JPY, billing.InvoiceUnpaid, nil)
	empty.Buyer = api.Party{}
	empty.Seller.RegistrationNumber = ""
	for name, inv := range map[string]api.Invoice{"huge": huge, "multiline": multi, "empty": empty} {
		t.Run(name, func(t *testing.T) {
			text := allText(extractPages(t, mustRender(t, inv, Options{})))
			for _, l := range inv.Lines {
				if !strings.Contains(text, billing.Format(l.Amount)) {
					t.Errorf("amount %s missing:\n%s", billing.Format(l.Amount), text)
				}
			}
			if got := amounts(t, text, labelsFor(inv.Language).balanceDue, inv.Currency, 1)[0]; got != inv.BalanceDue {
				t.Errorf("balance %v, want %v", got, inv.BalanceDue)
			}
		})
	}
	text := allText(extractPages(t, mustRender(t, multi, Options{})))
	for _, want := range []string{"一行目", "二行目 タブ", "三行目", "下書き", "ビルフォールドビル 12階"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if !strings.Contains(allText(extractPages(t, mustRender(t, huge, Options{}))), "REFUNDED") {
		t.Error("no REFUNDED stamp")
	}
}

// TestPlainGopdfSameText: plain gopdf output (Options.PlainGopdf) reads
// exactly as Billfold's own, page by page and line by line, so after a
// gopdf upgrade that breaks nothing in it, switching to it is safe.
func TestPlainGopdfSameText(t *testing.T) {
	all := cases()
	all["ja-200-lines"] = func() (api.Invoice, Options) { return longInvoice("ja", 200), Options{} }
	for name, mk := range all {
		t.Run(name, func(t *testing.T) {
			inv, opts := mk()
			own := mustRender(t, inv, opts)
			opts.PlainGopdf = true
			plain := mustRender(t, inv, opts)
			if bytes.Equal(plain, own) {
				t.Fatal("PlainGopdf gives Billfold's own output")
			}
			if got, want := extractPages(t, plain), extractPages(t, own); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("plain gopdf output reads\n%s\nBillfold's\n%s", allText(got), allText(want))
			}
		})
	}
}

// TestRenderAllocations: a render allocates no compressor state of its
// own. gopdf allocated a fresh zlib writer (~1.2 MB) for the font on every
// render, 1.3 MB in all per one-page invoice, which set the pace of the
// garbage collector; Billfold's writer reuses its compressors.
func TestRenderAllocations(t *testing.T) {
	inv, opts := sampleJA()
	mustRender(t, inv, opts) // the font is parsed, a compressor is pooled
	const n = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		if _, err := Render(inv, opts); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 512<<10 {
		t.Errorf("a render allocates %d KB, want at most 512 KB", per>>10)
	}
}

// TestKinsokuInPDF: wrapped Japanese text in the PDF never begins a line
// with a closing bracket or punctuation nor ends one with an opening
// bracket, also where spaces stand inside the brackets (the wrapping
// before textwrap broke at those spaces: "…参照番号（" | "）を入力…").
func TestKinsokuInPDF(t *testing.T) {
	inv, opts := sampleJA()
	for pad := 45; pad <= 52; pad++ {
		bank := *opts.Bank
		bank.Note = strings.Repeat("お", pad) + "参照番号（ BF-7Q2K-93XD ）を入力してください。ご不明な点は「お問い合わせ」まで。"
		for _, l := range extractPages(t, mustRender(t, inv, Options{Bank: &bank}))[0] {
			rs := []rune(l)
			if strings.ContainsRune("、。，．）」』】？！", rs[0]) || strings.ContainsRune("（「『【", rs[len(rs)-1]) {
				t.Errorf("pad %d: line %q breaks against kinsoku", pad, l)
			}
		}
	}
}
