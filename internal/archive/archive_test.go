package archive_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
	"billfold/internal/invoicepdf"
	"billfold/internal/server/servertest"
)

// TestStaffSyncSearchVersionsExport archives two customers' invoices with a
// staff session, searches by every criterion and by combinations, pays an
// invoice and checks that the next sync adds a version and overwrites
// nothing, and exports CSV.
func TestStaffSyncSearchVersionsExport(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	staff := env.NewStaff()
	yamada := newAccount(t, env, "山田 太郎", "株式会社山田商店", billing.JPY)
	acme := newAccount(t, env, "Jane Doe", "ACME Corp", billing.USD)

	// Totals include 10 % tax.
	y2025 := issue(t, env, yamada.ID, time.Date(2025, 3, 10, 10, 0, 0, 0, jst), "VPS 1GB", 1000)       // ¥1,100
	y2026a := issue(t, env, yamada.ID, time.Date(2026, 1, 1, 0, 30, 0, 0, jst), "VPS 8GB", 20000)      // ¥22,000, 2025-12-31 in UTC
	y2026b := issue(t, env, yamada.ID, time.Date(2026, 6, 1, 9, 0, 0, 0, jst), "専用サーバー", 50000)        // ¥55,000
	a2026 := issue(t, env, acme.ID, time.Date(2026, 2, 14, 12, 0, 0, 0, time.UTC), "Backups", 2500)    // $27.50
	a2024 := issue(t, env, acme.ID, time.Date(2024, 12, 31, 23, 0, 0, 0, time.UTC), "Domain", 4000000) // $44,000.00

	staffClient := signIn(t, env, staff.Email, staff.Password)
	ar := openArchive(t, t.TempDir())
	var calls [][2]int
	res, err := ar.Sync(ctx, apisource.New(staffClient), archive.SyncOptions{Customers: []string{yamada.ID, acme.ID},
		Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Listed != 5 || res.New != 5 || res.Changed != 0 || res.Unchanged != 0 {
		t.Fatalf("first sync: %+v", res)
	}
	if last := calls[len(calls)-1]; last != [2]int{5, 5} || calls[0] != [2]int{0, 5} {
		t.Fatalf("progress calls %v", calls)
	}

	// The layout: <year>/<number>.pdf and .json, the year as printed.
	all, err := ar.Search(ctx, archive.Query{})
	if err != nil || len(all) != 5 {
		t.Fatalf("search all: %d, %v", len(all), err)
	}
	for _, e := range all {
		if e.Version != 1 || filepath.Base(e.PDFPath) != safe(e.Number)+".pdf" || filepath.Base(e.JSONPath) != safe(e.Number)+".json" ||
			filepath.Base(filepath.Dir(e.PDFPath)) != e.IssueDate[:4] {
			t.Errorf("entry %+v", e)
		}
		pdf, err := os.ReadFile(e.PDFPath)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("%s: not a PDF (%v)", e.PDFPath, err)
		}
		raw, err := os.ReadFile(e.JSONPath)
		if err != nil || !json.Valid(raw) {
			t.Errorf("%s: not JSON (%v)", e.JSONPath, err)
		}
	}
	byID := map[string]archive.Entry{}
	for _, e := range all {
		byID[e.ID] = e
	}
	if d := byID[y2026a].IssueDate; d != "2026-01-01" {
		t.Errorf("Japanese invoice issued 2026-01-01 00:30 JST has issue date %s", d)
	}
	// The JSON is the server's own document, byte for byte.
	raw, _ := os.ReadFile(byID[y2026b].JSONPath)
	direct, err := yamada.Client.RawInvoice(ctx, y2026b)
	if err != nil || !bytes.Equal(raw, direct) {
		t.Fatalf("archived JSON differs from GET /v1/invoices/{id} (%v)", err)
	}

	search := func(name string, q archive.Query, want ...string) {
		t.Helper()
		got, err := ar.Search(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids := numbers(got)
		if len(ids) != len(want) {
			t.Errorf("%s: %d results, want %d", name, len(ids), len(want))
		}
		for _, w := range want {
			if !ids[w] {
				t.Errorf("%s: %s missing", name, w)
			}
		}
	}
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	search("year 2026", archive.Query{From: d("2026-01-01"), To: d("2026-12-31")}, y2026a, y2026b, a2026)
	search("one day", archive.Query{From: d("2026-06-01"), To: d("2026-06-01")}, y2026b)
	search("from only", archive.Query{From: d("2026-02-14")}, y2026b, a2026)
	search("to only", archive.Query{To: d("2025-03-10")}, y2025, a2024)
	search("amount range", archive.Query{MinTotal: ptr(1100), MaxTotal: ptr(22000)}, y2025, y2026a, a2026)
	search("min amount", archive.Query{MinTotal: ptr(55000)}, y2026b, a2024)
	search("counterparty kanji", archive.Query{Counterparty: "山田商店"}, y2025, y2026a, y2026b)
	search("counterparty buyer name", archive.Query{Counterparty: "太郎"}, y2025, y2026a, y2026b)
	search("counterparty case", archive.Query{Counterparty: "acme"}, a2026, a2024)
	search("counterparty full width", archive.Query{Counterparty: "ＡＣＭＥ ｃｏｒｐ"}, a2026, a2024)
	search("counterparty seller", archive.Query{Counterparty: "billfold hosting"}, y2025, y2026a, y2026b, a2026, a2024)
	search("counterparty none", archive.Query{Counterparty: "佐藤"})
	search("status unpaid", archive.Query{Status: billing.InvoiceUnpaid}, y2025, y2026a, y2026b, a2026, a2024)
	search("currency", archive.Query{Currency: billing.USD}, a2026, a2024)
	search("customer", archive.Query{CustomerID: acme.ID}, a2026, a2024)

	// Pay one invoice: the next sync archives a second version.
	payWithCredit(t, env, staff.Token, yamada, y2026a)
	v1 := byID[y2026a]
	v1PDF, _ := os.ReadFile(v1.PDFPath)
	v1JSON, _ := os.ReadFile(v1.JSONPath)
	res, err = ar.Sync(ctx, apisource.New(staffClient), archive.SyncOptions{Customers: []string{yamada.ID, acme.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Listed != 5 || res.New != 0 || res.Changed != 1 || res.Unchanged != 4 {
		t.Fatalf("second sync: %+v", res)
	}
	vs, err := ar.Versions(ctx, y2026a)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions: %+v, %v", vs, err)
	}
	if vs[0].Status != billing.InvoiceUnpaid || vs[1].Status != billing.InvoicePaid ||
		filepath.Base(vs[1].PDFPath) != safe(v1.Number)+".v2.pdf" || filepath.Base(vs[1].JSONPath) != safe(v1.Number)+".v2.json" {
		t.Fatalf("versions: %+v", vs)
	}
	if now, _ := os.ReadFile(v1.PDFPath); !bytes.Equal(now, v1PDF) {
		t.Error("version 1's PDF was overwritten")
	}
	if now, _ := os.ReadFile(v1.JSONPath); !bytes.Equal(now, v1JSON) {
		t.Error("version 1's JSON was overwritten")
	}
	var paid struct {
		Status string `json:"status"`
	}
	v2JSON, _ := os.ReadFile(vs[1].JSONPath)
	if err := json.Unmarshal(v2JSON, &paid); err != nil || paid.Status != "paid" {
		t.Errorf("v2 JSON status %q (%v)", paid.Status, err)
	}

	search("status paid", archive.Query{Status: billing.InvoicePaid}, y2026a)
	search("status unpaid after payment", archive.Query{Status: billing.InvoiceUnpaid}, y2025, y2026b, a2026, a2024)
	search("date+counterparty", archive.Query{From: d("2026-01-01"), Counterparty: "山田"}, y2026a, y2026b)
	search("date+counterparty+status", archive.Query{From: d("2026-01-01"), Counterparty: "山田", Status: billing.InvoiceUnpaid}, y2026b)
	search("amount+status", archive.Query{MinTotal: ptr(20000), Status: billing.InvoiceUnpaid}, y2026b, a2024)
	search("date+amount", archive.Query{From: d("2025-01-01"), To: d("2026-12-31"), MinTotal: ptr(2000), MaxTotal: ptr(30000)}, y2026a, a2026)
	search("all four", archive.Query{From: d("2025-12-01"), To: d("2026-03-01"), MinTotal: ptr(10000), MaxTotal: ptr(50000),
		Counterparty: "株式会社山田", Status: billing.InvoicePaid}, y2026a)
	search("all four, none", archive.Query{From: d("2025-12-01"), To: d("2026-03-01"), MinTotal: ptr(10000), MaxTotal: ptr(50000),
		Counterparty: "acme", Status: billing.InvoicePaid})

	// A third sync finds nothing to do.
	if res, err := ar.Sync(ctx, apisource.New(staffClient), archive.SyncOptions{Customers: []string{yamada.ID, acme.ID}}); err != nil || res.Unchanged != 5 {
		t.Fatalf("third sync: %+v, %v", res, err)
	}

	rep, err := ar.Verify(ctx)
	if err != nil || !rep.OK() || rep.Files != 12 || rep.Records != 6 || len(rep.Untracked) != 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}

	// CSV export of a search.
	res2, _ := ar.Search(ctx, archive.Query{From: d("2024-01-01")})
	var buf bytes.Buffer
	if err := archive.ExportCSV(&buf, res2, archive.CSVOptions{ForSpreadsheet: true}); err != nil {
		t.Fatal(err)
	}
	// For a spreadsheet: a UTF-8 byte order mark; CRLF line ends always.
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeffnumber,")) || !bytes.Contains(buf.Bytes(), []byte("pdf_sha256\r\n")) {
		t.Fatalf("csv starts %q", buf.Bytes()[:min(buf.Len(), 80)])
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 6 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	if strings.Join(rows[0], ",") != strings.Join(archive.CSVHeader, ",") {
		t.Errorf("header %v", rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		got[r[col["number"]]] = r
	}
	check := func(id, total, cur, status, buyer string) {
		t.Helper()
		r := got[byID[id].Number]
		if r == nil || r[col["total"]] != total || r[col["currency"]] != cur || r[col["status"]] != status || r[col["buyer_company"]] != buyer {
			t.Errorf("csv row for %s: %v", id, r)
		}
	}
	check(y2026a, "22000", "JPY", "paid", "株式会社山田商店")
	check(a2026, "27.50", "USD", "unpaid", "ACME Corp")
	check(a2024, "44000.00", "USD", "unpaid", "ACME Corp")
	if r := got[byID[y2026a].Number]; r[col["version"]] != "2" || !strings.HasSuffix(r[col["pdf"]], ".v2.pdf") {
		t.Errorf("csv version columns: %v", r)
	}
}

// safe mirrors the archive's file naming of invoice numbers.
func safe(number string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, number)
}

// TestCustomerSyncAndOffline archives with a customer session and then
// searches, lists versions and verifies with no server at all.
func TestCustomerSyncAndOffline(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "Ann Lee", "", billing.EUR)
	for i := range 7 {
		issue(t, env, acc.ID, time.Date(2026, time.Month(i+1), 5, 8, 0, 0, 0, time.UTC), "Hosting", int64(1000*(i+1)))
	}
	dir := t.TempDir()
	ar, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := archive.Open(dir); err != archive.ErrLocked {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{PageSize: 3, Workers: 2})
	if err != nil || res.New != 7 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	ar.Close()

	// Offline: a closed server and a reopened archive.
	env.Server.Close()
	ar = openArchive(t, dir)
	es, err := ar.Search(ctx, archive.Query{MinTotal: ptr(3300), MaxTotal: ptr(5500), Status: billing.InvoiceUnpaid})
	if err != nil || len(es) != 3 {
		t.Fatalf("offline search: %d, %v", len(es), err)
	}
	if es[0].IssueDate != "2026-05-05" || es[2].IssueDate != "2026-03-05" {
		t.Errorf("order: %s … %s, want newest first", es[0].IssueDate, es[2].IssueDate)
	}
	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() || rep.Files != 14 {
		t.Fatalf("offline verify: %+v, %v", rep, err)
	}
	log, err := ar.AuditLog(ctx)
	if err != nil || len(log) != 7 || log[0].Prev != archive.Genesis || log[1].Prev != log[0].Hash {
		t.Fatalf("audit log: %d records, %v", len(log), err)
	}
}

// TestSyncCancel stops a sync through its context: what was written is
// committed, nothing is partial, and the next sync completes.
func TestSyncCancel(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "山田 花子", "", billing.JPY)
	if err := env.Server.SeedBulkInvoices(context.Background(), acc.Email, 120); err != nil {
		t.Fatal(err)
	}
	ar := openArchive(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{BatchSize: 5, Progress: func(done, total int) {
		if done >= 10 {
			cancel()
		}
	}})
	if err == nil || ctx.Err() == nil {
		t.Fatalf("cancelled sync: %+v, %v", res, err)
	}
	if res.New >= 120 {
		t.Logf("the sync finished before the cancellation took effect: %+v", res)
	}
	// Nothing altered; the chain head was not signed yet.
	if rep, err := ar.Verify(context.Background()); err != nil {
		t.Fatalf("verify after cancel: %v", err)
	} else if _, only := problems(rep, archive.Unanchored); !only || rep.Anchored != 0 {
		t.Fatalf("verify after cancel: %+v", rep)
	}
	res2, err := ar.Sync(context.Background(), apisource.New(acc.Client), archive.SyncOptions{})
	if err != nil || res2.New+res.New != 120 || res2.Listed != 120 {
		t.Fatalf("resumed sync: %+v after %+v, %v", res2, res, err)
	}
	if rep, err := ar.Verify(context.Background()); err != nil || !rep.OK() || rep.Files != 240 || len(rep.Untracked) != 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

// TestCharacterTheFontLacks: an invoice with an emoji is archived all the
// same — its JSON exact, its PDF with a mark — and the sync says so.
func TestCharacterTheFontLacks(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "Ann Lee", "Lee Ltd", billing.EUR)
	id := issue(t, env, acc.ID, time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), "Support 🙂", 1500)
	issue(t, env, acc.ID, time.Date(2026, 7, 2, 9, 0, 0, 0, time.UTC), "Hosting", 1500)
	ar := openArchive(t, t.TempDir())
	res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{})
	if err != nil || res.New != 2 || len(res.Failed) != 0 || len(res.Marked) != 1 || res.Marked[0].InvoiceID != id {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	if !errors.Is(res.Marked[0].Err, invoicepdf.ErrMissingGlyph) || !strings.Contains(res.Marked[0].Err.Error(), "U+1F642") {
		t.Errorf("the mark's reason: %v", res.Marked[0].Err)
	}
	raw, err := acc.Client.RawInvoice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := ar.Search(ctx, archive.Query{})
	for _, e := range es {
		if e.ID != id {
			continue
		}
		if b, err := os.ReadFile(e.JSONPath); err != nil || !bytes.Equal(b, raw) {
			t.Errorf("the archived JSON is not the server's (%v)", err)
		}
	}
	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

// TestOneAccountPerFolder: the folder's account syncs into it from any
// address of its server (the desktop demo's server gets a new port on
// every start); another account is refused, and nothing of it is written.
func TestOneAccountPerFolder(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "Ann Lee", "", billing.EUR)
	other := newAccount(t, env, "Bob Ray", "", billing.EUR)
	issue(t, env, acc.ID, time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), "Hosting", 1500)
	issue(t, env, other.ID, time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), "Hosting", 2500)
	ar := openArchive(t, t.TempDir())
	if _, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := apiclient.New(strings.Replace(env.URL, "127.0.0.1", "localhost", 1), apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := elsewhere.SignIn(ctx, acc.Email, acc.Password); err != nil {
		t.Fatal(err)
	}
	if res, err := ar.Sync(ctx, apisource.New(elsewhere), archive.SyncOptions{}); err != nil || res.Unchanged != 1 {
		t.Fatalf("the same account at another address: %+v, %v", res, err)
	}
	_, err = ar.Sync(ctx, apisource.New(other.Client), archive.SyncOptions{})
	var owner *archive.OwnerError
	if !errors.As(err, &owner) || owner.Have.Email != acc.Email || owner.Want.Email != other.Email {
		t.Fatalf("another account's sync: %v", err)
	}
	if es, _ := ar.Search(ctx, archive.Query{}); len(es) != 1 {
		t.Fatalf("%d invoices archived, want the owner's 1", len(es))
	}
	if err := ar.CheckOwner(ctx, archive.Owner{Email: strings.ToUpper(acc.Email)}); err != nil {
		t.Fatalf("checked by e-mail alone: %v", err)
	}
}
