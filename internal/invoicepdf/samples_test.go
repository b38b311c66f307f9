package invoicepdf

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
)

// TestWriteSamples writes sample PDFs for a person to look at:
//
//	INVOICEPDF_SAMPLES=/tmp/invoicepdf go test -run TestWriteSamples ./internal/invoicepdf/
//	pdftoppm -png -r 80 /tmp/invoicepdf/ja.pdf /tmp/invoicepdf/ja
//
// ja-wrapped.pdf has long Japanese lines full of brackets and punctuation,
// to look at the line breaking.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("INVOICEPDF_SAMPLES")
	if dir == "" {
		t.Skip("set INVOICEPDF_SAMPLES to a directory to write sample PDFs")
	}
	ja, jaOpts := sampleJA()
	en, enOpts := sampleEN()
	samples := map[string]func() ([]byte, error){
		"ja.pdf":      func() ([]byte, error) { return Render(ja, jaOpts) },
		"en.pdf":      func() ([]byte, error) { return Render(en, enOpts) },
		"ja-long.pdf": func() ([]byte, error) { return Render(longInvoice("ja", 200), Options{}) },
	}
	wrapped, wrappedOpts := sampleJA()
	wrapped.Lines[0].Description = "VPS スタンダードプラン（2 vCPU / 4 GB、SSD 100 GB、東京リージョン「tokyo-2」）の月額利用料。" +
		"11月1日〜11月30日分、日割りなし。詳細は「ご利用明細」をご覧ください！"
	wrapped.Lines[2].Description = "自動バックアップ（毎日・7世代保存）、スナップショット取得代行【手動・月4回まで】、リストア作業（1回）を含みます。"
	bank := *wrappedOpts.Bank
	bank.Note = "お振込みの際は、振込名義の前に参照番号（ BF-7Q2K-93XD ）を必ずご入力ください。参照番号がない場合、ご入金の確認にお時間をいただくことがあります（通常3営業日）。" +
		"ご不明な点は「お問い合わせフォーム」または【サポート窓口：平日9時〜18時】までご連絡ください。"
	wrappedOpts.Bank = &bank
	samples["ja-wrapped.pdf"] = func() ([]byte, error) { return Render(wrapped, wrappedOpts) }
	huge := makeInvoice("en", billing.USD, billing.InvoiceRefunded, []lineSpec{{"Dedicated cluster", 9_000_000, 99_999_999, 10}})
	samples["en-huge.pdf"] = func() ([]byte, error) { return Render(huge, Options{}) }
	for name, mk := range cases() {
		samples[name+".pdf"] = func() ([]byte, error) { inv, opts := mk(); return Render(inv, opts) }
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, render := range samples {
		b, err := render()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sampleJSON is the Japanese sample as the server would send it: the bank
// details in the waiting transfer's instructions instead of Options.
// renderrate renders it (testdata/sample-ja.json).
func sampleJSON() api.Invoice {
	inv, opts := sampleJA()
	created := inv.IssuedAt.Add(time.Hour)
	inv.Payments = []api.Payment{{ID: "pay_01HZXTESTBANK", InvoiceID: inv.ID, Gateway: bankTransfer,
		State: billing.PaymentAwaitingAction, Amount: inv.BalanceDue, CreatedAt: created, UpdatedAt: created,
		NextAction: api.NextAction{Type: api.ActionInstructions, Instructions: opts.Bank}}}
	return inv
}

// TestSampleJSON: testdata/sample-ja.json is sampleJSON, and it renders
// the same text as the sample with the bank details given as Options.
// Rewrite it with -update.
func TestSampleJSON(t *testing.T) {
	want, err := json.MarshalIndent(sampleJSON(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "sample-ja.json")
	if *update {
		if err := os.WriteFile(path, append(want, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var inv api.Invoice
	if err := json.Unmarshal(got, &inv); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), want) {
		t.Errorf("%s is not sampleJSON (run with -update)", path)
	}
	ja, opts := sampleJA()
	if a, b := allText(extractPages(t, mustRender(t, inv, Options{}))), allText(extractPages(t, mustRender(t, ja, opts))); a != b {
		t.Errorf("%s renders\n%s\nthe sample\n%s", path, a, b)
	}
}
