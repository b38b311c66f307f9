package archive_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billfold/internal/archive"
)

// TestSyncOddInvoiceNumbers: invoice numbers and ids that are empty, dots,
// a path or 5,000 characters long become visible, bounded file names inside
// their year's folder; the archive keeps the numbers as sent, and a later
// sync still works.
func TestSyncOddInvoiceNumbers(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("odd@example.jp")
	issued := time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC)
	long := strings.Repeat("9", 5000)
	cases := []struct{ id, number string }{
		{"..", "."}, {".", ".."}, {"...", ""}, {"inv_dots", ".."}, {"inv_path", "../../etc/passwd"},
		{"inv_long", long}, {"inv_long2", long + "1"}, {"inv_con", "CON"}, {"inv_ok", "INV-2026-1"},
	}
	for i, c := range cases {
		inv := memInvoice("", i+1, issued, "VPS", 1000)
		inv.ID, inv.Number = c.id, c.number
		src.put("", inv)
	}
	dir := t.TempDir()
	ar := openArchive(t, dir)
	res, err := ar.Sync(ctx, src, archive.SyncOptions{})
	if err != nil || res.New != len(cases) {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	es, err := ar.Search(ctx, archive.Query{})
	if err != nil || len(es) != len(cases) {
		t.Fatalf("search: %d entries, %v", len(es), err)
	}
	for _, e := range es {
		rel, err := filepath.Rel(dir, e.PDFPath)
		if err != nil || strings.HasPrefix(rel, "..") || path.Dir(filepath.ToSlash(rel)) != "2026" {
			t.Errorf("%.20q: PDF at %s, outside its year's folder", e.Number, e.PDFPath)
		}
		name := filepath.Base(e.PDFPath)
		if strings.HasPrefix(name, ".") || len(name) > 100 || strings.EqualFold(strings.TrimSuffix(name, ".pdf"), "CON") {
			t.Errorf("%.20q: file name %q is hidden, too long or reserved", e.Number, name)
		}
	}
	numbers := map[string]bool{}
	for _, e := range es {
		numbers[e.Number] = true
	}
	if !numbers[long] || !numbers[long+"1"] || !numbers["."] {
		t.Error("the index does not keep the numbers as sent")
	}
	rep, err := ar.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	// A later sync with a changed long-numbered invoice archives its v2.
	inv := memInvoice("", 99, issued, "VPS", 2000)
	inv.ID, inv.Number = "inv_long", long
	src.put("", inv)
	if res, err := ar.Sync(ctx, src, archive.SyncOptions{}); err != nil || res.Changed != 1 {
		t.Fatalf("second sync: %+v, %v", res, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "2026"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("hidden file %s", e.Name())
		}
	}
}
