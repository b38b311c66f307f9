package archive_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/anchor"
	"billfold/internal/archive"
)

// memSource is an archive.InvoiceSource in memory: the archive's tests of
// listing and versioning need no server and no HTTP.
type memSource struct {
	mu    sync.Mutex
	owner archive.Owner
	// lists are the invoices of each customer id ("" = the account's own)
	// in listing order; a page's cursor is the index of its first item.
	lists map[string][]json.RawMessage
	// fail, when set, can fail a page request.
	fail func(customerID, cursor string) error
	// next, when set, gives a page's NextCursor instead.
	next func(cursor string) string
	// limits are the page sizes asked for.
	limits []int
	// key signs the invoices put and the heads asked for, as a server's.
	key ed25519.PrivateKey
	// heads are the signed heads handed out.
	heads int
}

func newMemSource(email string) *memSource {
	_, key, _ := ed25519.GenerateKey(nil)
	return &memSource{owner: archive.Owner{Server: "mem:", Email: email, UserID: "usr_" + email},
		lists: map[string][]json.RawMessage{}, key: key}
}

func (m *memSource) SigningKey(context.Context) (ed25519.PublicKey, error) {
	return m.key.Public().(ed25519.PublicKey), nil
}

func (m *memSource) SignHead(_ context.Context, seq int64, head string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.heads++
	h := api.ArchiveHead{Account: m.owner.UserID, Seq: seq, Head: head, SignedAt: time.Now().UTC(), KeyID: anchor.KeyID(m.key.Public().(ed25519.PublicKey))}
	return signed(m.key, anchor.ArchiveHead, &h, &h.Signature), nil
}

// signed returns v's JSON with its signature (*sig) set by key as kind.
func signed(key ed25519.PrivateKey, kind anchor.Kind, v any, sig *string) []byte {
	s, err := anchor.SignValue(key, kind, v)
	if err != nil {
		panic(err)
	}
	*sig = s
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}

func (m *memSource) Account(context.Context) (archive.Owner, error) { return m.owner, nil }

func (m *memSource) InvoicePage(ctx context.Context, customerID, cursor string, limit int) (archive.InvoicePage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limits = append(m.limits, limit)
	if m.fail != nil {
		if err := m.fail(customerID, cursor); err != nil {
			return archive.InvoicePage{}, err
		}
	}
	list, ok := m.lists[customerID]
	if !ok {
		return archive.InvoicePage{}, errors.New("not found")
	}
	start, _ := strconv.Atoi(cursor)
	end := min(start+limit, len(list))
	p := archive.InvoicePage{Items: list[start:end]}
	switch {
	case m.next != nil:
		p.NextCursor = m.next(cursor)
	case end < len(list):
		p.NextCursor = strconv.Itoa(end)
	}
	return p, nil
}

// put adds or replaces (by id) an invoice of customerID; the account's
// own ("") are made out to the owner.
func (m *memSource) put(customerID string, inv api.Invoice) json.RawMessage {
	if customerID == "" && inv.CustomerID == "" {
		inv.CustomerID = m.owner.UserID
	}
	raw := signed(m.key, anchor.Invoice, &inv, &inv.Signature)
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, old := range m.lists[customerID] {
		var head struct{ ID string }
		if json.Unmarshal(old, &head) == nil && head.ID == inv.ID {
			m.lists[customerID][i] = raw
			return raw
		}
	}
	m.lists[customerID] = append(m.lists[customerID], raw)
	return raw
}

// memInvoice is an unpaid JPY invoice of one line at 10 %, totals as the
// server computes them.
func memInvoice(customerID string, n int, issued time.Time, desc string, unit int64) api.Invoice {
	amount := billing.New(unit, billing.JPY)
	t := billing.TaxBreakdown([]billing.Line{{Amount: unit, Rate: 10}}, billing.JPY)
	return api.Invoice{
		ID: "inv_" + customerID + "_" + strconv.Itoa(n), Number: "INV-" + strconv.Itoa(issued.Year()) + "-" + strconv.Itoa(n),
		CustomerID: customerID, Kind: billing.KindService, Status: billing.InvoiceUnpaid, Currency: billing.JPY,
		IssuedAt: issued, DueAt: issued.AddDate(0, 0, 30), Language: "ja",
		Seller:    api.Seller{Name: "Billfold Hosting 株式会社", Address: "東京都千代田区丸の内1-1-1", RegistrationNumber: "T1234567890123"},
		Buyer:     api.Party{Name: "山田 太郎", Company: "株式会社やまだ商店"},
		Lines:     []api.InvoiceLine{{Description: desc, Quantity: 1, UnitPrice: amount, Amount: amount, TaxRate: 10}},
		TaxByRate: t.ByRate, Subtotal: t.Subtotal, Tax: t.Tax, Total: t.Total,
		CreditApplied: billing.Zero(billing.JPY), AmountPaid: billing.Zero(billing.JPY), BalanceDue: t.Total,
		Payments: []api.Payment{},
	}
}

// TestSyncFromSource archives from an in-memory source over several pages
// of the size asked for, then archives a changed invoice as a new version
// and a new one, leaving the rest alone.
func TestSyncFromSource(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("taro@example.jp")
	raws := map[string]json.RawMessage{}
	for i := range 5 {
		inv := memInvoice("", i+1, time.Date(2026, time.Month(i+1), 10, 1, 0, 0, 0, time.UTC), "VPS スタンダード", int64(1000*(i+1)))
		raws[inv.ID] = src.put("", inv)
	}
	ar := openArchive(t, t.TempDir())
	res, err := ar.Sync(ctx, src, archive.SyncOptions{PageSize: 2, Workers: 2})
	if err != nil || res.Listed != 5 || res.New != 5 {
		t.Fatalf("first sync: %+v, %v", res, err)
	}
	if want := []int{2, 2, 2}; !slices.Equal(src.limits, want) {
		t.Errorf("page sizes asked for: %v, want %v", src.limits, want)
	}
	es, err := ar.Search(ctx, archive.Query{})
	if err != nil || len(es) != 5 {
		t.Fatalf("search: %d, %v", len(es), err)
	}
	for _, e := range es {
		b, err := os.ReadFile(e.JSONPath)
		if err != nil || !bytes.Equal(b, raws[e.ID]) {
			t.Errorf("%s: the archived JSON is not the source's document (%v)", e.Number, err)
		}
		if pdf, err := os.ReadFile(e.PDFPath); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("%s: no PDF (%v)", e.Number, err)
		}
	}

	// The second invoice is paid; a sixth is issued.
	paid := memInvoice("", 2, time.Date(2026, 2, 10, 1, 0, 0, 0, time.UTC), "VPS スタンダード", 2000)
	at := paid.IssuedAt.AddDate(0, 0, 3)
	paid.Status, paid.PaidAt, paid.AmountPaid, paid.BalanceDue = billing.InvoicePaid, &at, paid.Total, billing.Zero(billing.JPY)
	src.put("", paid)
	src.put("", memInvoice("", 6, time.Date(2026, 6, 10, 1, 0, 0, 0, time.UTC), "専用サーバー", 50000))
	res, err = ar.Sync(ctx, src, archive.SyncOptions{})
	if err != nil || res.Listed != 6 || res.New != 1 || res.Changed != 1 || res.Unchanged != 4 {
		t.Fatalf("second sync: %+v, %v", res, err)
	}
	es, err = ar.Search(ctx, archive.Query{Status: billing.InvoicePaid})
	if err != nil || len(es) != 1 || es[0].ID != paid.ID || es[0].Version != 2 || !strings.HasSuffix(es[0].JSONPath, ".v2.json") {
		t.Fatalf("the paid invoice: %+v, %v", es, err)
	}
	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() || rep.Files != 14 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

// TestSyncStaffCustomers lists each chosen customer; an invoice a listing
// repeats (a page boundary that moved) is archived once.
func TestSyncStaffCustomers(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("staff@example.jp")
	issued := time.Date(2026, 4, 1, 1, 0, 0, 0, time.UTC)
	a1 := src.put("cus_a", memInvoice("cus_a", 1, issued, "VPS", 1000))
	src.put("cus_a", memInvoice("cus_a", 2, issued, "VPS", 2000))
	src.lists["cus_a"] = append(src.lists["cus_a"], a1) // listed twice
	src.put("cus_b", memInvoice("cus_b", 1, issued, "Backups", 500))
	src.put("", memInvoice("", 1, issued, "not the staff member's to archive", 1))
	ar := openArchive(t, t.TempDir())
	res, err := ar.Sync(ctx, src, archive.SyncOptions{Customers: []string{"cus_a", "cus_b"}, PageSize: 1})
	if err != nil || res.Listed != 3 || res.New != 3 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	for customer, n := range map[string]int{"cus_a": 2, "cus_b": 1} {
		if es, err := ar.Search(ctx, archive.Query{CustomerID: customer}); err != nil || len(es) != n {
			t.Errorf("customer %s: %d invoices, want %d (%v)", customer, len(es), n, err)
		}
	}
}

// TestSyncListingFails: a listing that fails part of the way archives
// nothing (the listing comes before any file is written), and the next
// sync archives everything.
func TestSyncListingFails(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("taro@example.jp")
	for i := range 5 {
		src.put("", memInvoice("", i+1, time.Date(2026, 3, i+1, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	}
	down := errors.New("connection reset")
	src.fail = func(_, cursor string) error {
		if cursor != "" {
			return down
		}
		return nil
	}
	ar := openArchive(t, t.TempDir())
	res, err := ar.Sync(ctx, src, archive.SyncOptions{PageSize: 2})
	if !errors.Is(err, down) || !strings.Contains(err.Error(), "list invoices") || res.New != 0 {
		t.Fatalf("failing listing: %+v, %v", res, err)
	}
	if es, _ := ar.Search(ctx, archive.Query{}); len(es) != 0 {
		t.Fatalf("%d invoices archived from a failed listing", len(es))
	}
	src.fail = nil
	if res, err := ar.Sync(ctx, src, archive.SyncOptions{PageSize: 2}); err != nil || res.New != 5 {
		t.Fatalf("next sync: %+v, %v", res, err)
	}
}

// TestSyncBadSource: a listing whose cursors go round in a circle ends
// when one comes again, an item without an id fails the sync, and a source
// that cannot say who is signed in archives nothing.
func TestSyncBadSource(t *testing.T) {
	ctx := context.Background()
	src := newMemSource("taro@example.jp")
	src.put("", memInvoice("", 1, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	src.put("", memInvoice("", 2, time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), "VPS", 1000))
	ar := openArchive(t, t.TempDir())
	for name, next := range map[string]func(string) string{
		"a cursor that does not move": func(string) string { return "1" },
		"two cursors in turn": func(c string) string {
			if c == "1" {
				return "0"
			}
			return "1"
		},
	} {
		src.next = next
		done := make(chan error, 1)
		go func() {
			res, err := ar.Sync(ctx, src, archive.SyncOptions{PageSize: 1})
			if err == nil && res.Listed != 2 {
				err = fmt.Errorf("listed %d, want 2", res.Listed)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s: Sync keeps listing", name)
		}
	}

	src.next = nil
	src.lists[""] = append(src.lists[""], json.RawMessage(`{"number":"INV-X"}`))
	if _, err := ar.Sync(ctx, src, archive.SyncOptions{}); err == nil || !strings.Contains(err.Error(), "without an id") {
		t.Fatalf("an item without an id: %v", err)
	}

	ar2 := openArchive(t, t.TempDir())
	if _, err := ar2.Sync(ctx, failingAccount{src}, archive.SyncOptions{}); err == nil || !strings.Contains(err.Error(), "who is signed in") {
		t.Fatalf("no account: %v", err)
	}
	if _, ok, err := ar2.Owner(ctx); ok || err != nil {
		t.Fatalf("a folder claimed without an account (%v)", err)
	}
}

type failingAccount struct{ *memSource }

func (failingAccount) Account(context.Context) (archive.Owner, error) {
	return archive.Owner{}, errors.New("session expired")
}
