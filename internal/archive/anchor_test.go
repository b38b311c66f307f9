package archive_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/internal/anchor"
	"billfold/internal/archive"
	"billfold/internal/invoicepdf"
)

// anchoredArchive syncs three invoices from a signing in-memory source,
// the first with a total of ¥104,234.
func anchoredArchive(t *testing.T) (*memSource, string, []archive.Entry) {
	t.Helper()
	ctx := context.Background()
	src := newMemSource("anchor@example.jp")
	for i, unit := range []int64{94759, 2000, 3000} {
		src.put("", memInvoice("", i+1, time.Date(2026, time.Month(i+1), 10, 1, 0, 0, 0, time.UTC), "VPS スタンダード", unit))
	}
	dir := t.TempDir()
	ar, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	if res, err := ar.Sync(ctx, src, archive.SyncOptions{}); err != nil || res.New != 3 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	rep, err := ar.Verify(ctx)
	if err != nil || !rep.OK() || rep.Anchored != 3 || rep.KeyID != anchor.KeyID(src.key.Public().(ed25519.PublicKey)) {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	es, err := ar.Search(ctx, archive.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return src, dir, es
}

// rehash is the attacker who can write the folder: after changing files,
// it recomputes every file's SHA-256 and reseals both copies of the audit
// chain and the index, consistently, as verify checks them.
func rehash(t *testing.T, dir string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, archive.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tr := range []string{"audit_no_update", "versions_no_update"} {
		if _, err := db.Exec(`DROP TRIGGER ` + tr); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(`SELECT line FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var recs []archive.AuditRecord
	for rows.Next() {
		var line string
		var r archive.AuditRecord
		if err := rows.Scan(&line); err != nil || json.Unmarshal([]byte(line), &r) != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	rows.Close()
	sum := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	prev := archive.Genesis
	var file []byte
	for _, r := range recs {
		r.JSONSHA256, r.PDFSHA256, r.Prev, r.Hash = sum(r.JSONPath), sum(r.PDFPath), prev, ""
		b, _ := json.Marshal(r)
		h := sha256.Sum256(b)
		r.Hash = hex.EncodeToString(h[:])
		line, _ := json.Marshal(r)
		if _, err := db.Exec(`UPDATE audit SET hash = ?, line = ? WHERE seq = ?`, r.Hash, string(line), r.Seq); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE versions SET json_sha256 = ?, pdf_sha256 = ? WHERE audit_seq = ?`, r.JSONSHA256, r.PDFSHA256, r.Seq); err != nil {
			t.Fatal(err)
		}
		file = append(append(file, line...), '\n')
		prev = r.Hash
	}
	if err := os.WriteFile(filepath.Join(dir, archive.AuditFile), file, 0o644); err != nil {
		t.Fatal(err)
	}
}

// overwrite replaces a read-only archived file.
func overwrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o444); err != nil {
		t.Fatal(err)
	}
}

// verifyFinds opens dir, verifies, and fails unless a problem of kind
// names path.
func verifyFinds(t *testing.T, dir, path string, kind archive.ProblemKind) archive.Report {
	t.Helper()
	ar := openArchive(t, dir)
	defer ar.Close()
	rep, err := ar.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if p.Path == path && p.Kind == kind {
			return rep
		}
	}
	t.Fatalf("verify does not report %s %s: OK=%v %v", kind, path, rep.OK(), rep.Problems)
	return rep
}

func relTo(dir, p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }

// TestVerifyCatchesRehashedJSON: an invoice's JSON changed and the whole
// audit chain re-hashed to match (both copies, and the index) used to
// pass verify; the server's signature and the signed chain head catch it.
func TestVerifyCatchesRehashedJSON(t *testing.T) {
	_, dir, es := anchoredArchive(t)
	data, _ := os.ReadFile(es[0].JSONPath)
	forged := strings.Replace(string(data), "VPS スタンダード", "VPS プレミアム", 1)
	if forged == string(data) {
		t.Fatal("nothing to change")
	}
	overwrite(t, es[0].JSONPath, []byte(forged))
	rehash(t, dir)
	rep := verifyFinds(t, dir, relTo(dir, es[0].JSONPath), archive.BadSignature)
	for _, p := range rep.Problems {
		if p.Kind == archive.BrokenChain && strings.Contains(p.Detail, "the chain was rewritten") {
			return
		}
	}
	t.Fatalf("the rewritten chain does not contradict the signed head: %v", rep.Problems)
}

// TestVerifyReadsPDFTotals: a PDF printing ¥4,234 beside a JSON (signed,
// untouched) saying ¥104,234, its hashes recomputed, fails verify.
func TestVerifyReadsPDFTotals(t *testing.T) {
	_, dir, es := anchoredArchive(t)
	var e archive.Entry
	for _, x := range es {
		if x.Total.Amount == 104234 {
			e = x
		}
	}
	if e.ID == "" {
		t.Fatalf("no ¥104,234 invoice in %+v", es)
	}
	inv := readInvoice(t, e.JSONPath)
	inv.Total.Amount -= 100000
	inv.BalanceDue.Amount -= 100000
	pdf, err := invoicepdf.Render(inv, invoicepdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	overwrite(t, e.PDFPath, pdf)
	rehash(t, dir)
	rep := verifyFinds(t, dir, relTo(dir, e.PDFPath), archive.PDFMismatch)
	for _, p := range rep.Problems {
		if p.Kind == archive.PDFMismatch && !strings.Contains(p.Detail, "¥4,234") {
			t.Errorf("the finding does not say what the PDF prints: %s", p)
		}
	}
}

// TestVerifyFailsOnUntrackedInvoiceFile: a forged PDF dropped in an
// invoice folder fails verify (it used to be listed, with success).
func TestVerifyFailsOnUntrackedInvoiceFile(t *testing.T) {
	_, dir, es := anchoredArchive(t)
	data, _ := os.ReadFile(es[0].PDFPath)
	forged := filepath.Join(filepath.Dir(es[0].PDFPath), "INV-2026-99.pdf")
	if err := os.WriteFile(forged, data, 0o444); err != nil {
		t.Fatal(err)
	}
	verifyFinds(t, dir, relTo(dir, forged), archive.UntrackedFile)
}

// TestServerKeyPinned: the first sync pins the server's key; a source
// presenting another key is refused loudly and nothing is archived; an
// invoice the key did not sign is not archived.
func TestServerKeyPinned(t *testing.T) {
	ctx := context.Background()
	src, dir, _ := anchoredArchive(t)
	ar := openArchive(t, dir)
	pinned, ok, err := ar.ServerKey(ctx)
	if err != nil || !ok || !pinned.PublicKey.Equal(src.key.Public().(ed25519.PublicKey)) {
		t.Fatalf("pinned key %+v, %v, %v", pinned, ok, err)
	}
	old := src.key
	_, src.key, _ = ed25519.GenerateKey(nil)
	src.put("", memInvoice("", 4, time.Date(2026, 4, 10, 1, 0, 0, 0, time.UTC), "VPS", 4000))
	res, err := ar.Sync(ctx, src, archive.SyncOptions{})
	var kc *archive.KeyChangedError
	if !errors.As(err, &kc) || kc.Pinned != pinned.KeyID || res.New != 0 || !strings.Contains(err.Error(), "REFUSED") {
		t.Fatalf("a changed key: %+v, %v", res, err)
	}
	// Back to the pinned key: the invoice signed by the other one is refused.
	src.key = old
	src.put("", memInvoice("", 5, time.Date(2026, 5, 10, 1, 0, 0, 0, time.UTC), "VPS", 5000))
	res, err = ar.Sync(ctx, src, archive.SyncOptions{})
	if err == nil || res.New != 1 || len(res.Failed) != 1 || !errors.Is(res.Failed[0].Err, anchor.ErrBadSignature) {
		t.Fatalf("an invoice signed by another key: %+v, %v", res, err)
	}
	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() || rep.Anchored != rep.Records {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

func readInvoice(t *testing.T, path string) api.Invoice {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var inv api.Invoice
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	return inv
}
