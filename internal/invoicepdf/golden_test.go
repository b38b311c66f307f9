package invoicepdf

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"billfold/api"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compares the text of rendered invoices, page by page and line
// by line as a reader extracts it, with testdata/golden/*.txt. It compares
// content, not bytes: the compressed streams change with the Go toolchain's
// compress/flate, the text does not. After an intended layout change, run
//
//	go test ./internal/invoicepdf/ -run TestGolden -update
//
// and review the diff of testdata/golden.
func TestGolden(t *testing.T) {
	golden := map[string]func() (api.Invoice, Options){
		"ja-unpaid-bank-jpy": sampleJA,
		"en-paid-usd":        sampleEN,
		"en-cancelled-eur":   cases()["en-cancelled-eur"],
		"ja-deposit":         cases()["ja-deposit"],
		"ja-200-lines":       func() (api.Invoice, Options) { return longInvoice("ja", 200), Options{} },
	}
	for name, mk := range golden {
		t.Run(name, func(t *testing.T) {
			inv, opts := mk()
			var sb strings.Builder
			for i, page := range extractPages(t, mustRender(t, inv, opts)) {
				fmt.Fprintf(&sb, "--- page %d ---\n", i+1)
				for _, l := range page {
					sb.WriteString(l)
					sb.WriteByte('\n')
				}
			}
			got := sb.String()
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered text (run with -update after an intended change):\n%s", path, diff(string(want), got))
			}
		})
	}
}

// diff lists the lines that differ, with their numbers.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var sb strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			fmt.Fprintf(&sb, "line %d:\n  want %q\n  got  %q\n", i+1, a, b)
		}
	}
	return sb.String()
}
