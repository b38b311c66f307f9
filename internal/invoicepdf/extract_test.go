package invoicepdf

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"billfold/internal/invoicepdf/pdftext"
)

// Text extraction for the tests is pdftext's, which knows nothing about
// how the renderer encodes text. (When poppler's pdftotext is installed,
// TestPdftotext cross-checks with an independent extractor.)

// validate checks b with pdfcpu in strict mode.
func validate(t testing.TB, b []byte) {
	t.Helper()
	if err := pdftext.Validate(b); err != nil {
		t.Fatal(err)
	}
}

// extractPages returns each page's text lines, top to bottom.
func extractPages(t testing.TB, b []byte) [][]string {
	t.Helper()
	pages, err := pdftext.Pages(b)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// allText is every line of every page, one per line.
func allText(pages [][]string) string { return pdftext.Join(pages) }

// squeeze drops white space, so that text wrapped over several lines can be
// looked for.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// TestPdftotext checks the Japanese sample with poppler's extractor, which
// shares no code with the one above. Skipped when pdftotext is missing
// (apt-get install poppler-utils).
func TestPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	inv, opts := sampleJA()
	b := mustRender(t, inv, opts)
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := squeeze(string(out))
	for _, want := range []string{"請求書", "適格請求書", "登録番号", "T1234567890123", "株式会社やまだ商店", "山田太郎様",
		"※は軽減税率対象", "10%対象", "8%対象", "¥42,366", "¥3,498", "¥288", "みずなみ銀行", "カ）ビルフォールドホスティング",
		"オフィス用コーヒー定期便（軽減税率対象）", "1/1"} {
		if !strings.Contains(text, squeeze(want)) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, out)
		}
	}
}
