package invoicepdf

import (
	"billfold/billing"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteSamples writes sample PDFs for a person to look at:
//
//	INVOICEPDF_SAMPLES=/tmp/invoicepdf go test -run TestWriteSamples ./internal/invoicepdf/
//	pdftoppm -png -r 80 /tmp/invoicepdf/ja.pdf /tmp/invoicepdf/ja
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
