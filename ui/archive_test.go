package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// testArchiver is what internal/desktop wires, for a customer.
type testArchiver struct{ c *apiclient.Client }

func (a testArchiver) Open(dir string) (ArchiveStore, error) {
	ar, err := archive.Open(dir)
	if err != nil {
		return nil, err
	}
	return testStore{Archive: ar, c: a.c}, nil
}

type testStore struct {
	*archive.Archive
	c *apiclient.Client
}

func (s testStore) Sync(ctx context.Context, customers []string, progress func(done, total int)) (archive.SyncResult, error) {
	return s.Archive.Sync(ctx, apisource.New(s.c), archive.SyncOptions{Customers: customers, Progress: progress})
}

func TestArchiveSyncSearchVerify(t *testing.T) {
	f := start(t, billing.JPY, "en")
	inv := f.addFunds(t, billing.New(7_000, billing.JPY), "card")
	s := f.openArchive(t)
	synced, searched := f.rec.mark(TaskArchiveSync), f.rec.mark(TaskArchiveSearch)
	f.rec.onUI(s.onSync)
	f.rec.wait(t, TaskArchiveSync, synced)
	f.rec.wait(t, TaskArchiveSearch, searched)
	f.rec.onUI(func() {
		if len(s.entries) != 1 || s.entries[0].Total.Amount != 7_000 || !strings.Contains(s.status.Text, "1 new") {
			t.Fatalf("after sync: %d entries, status %q", len(s.entries), s.status.Text)
		}
	})
	searched = f.rec.mark(TaskArchiveSearch)
	f.rec.onUI(func() {
		s.min.SetText("8000")
		s.onSearch()
	})
	f.rec.wait(t, TaskArchiveSearch, searched)
	f.rec.onUI(func() {
		if len(s.entries) != 0 {
			t.Fatalf("amount filter: %d entries", len(s.entries))
		}
	})
	verified := f.rec.mark(TaskArchiveVerify)
	f.rec.onUI(s.onVerify)
	f.rec.wait(t, TaskArchiveVerify, verified)
	f.rec.onUI(func() {
		if !strings.Contains(s.status.Text, "nothing was altered") {
			t.Fatalf("verify: %q", s.status.Text)
		}
	})

	// Cancelled, the invoice gets a second version; both stay readable.
	if _, err := f.client.CancelInvoice(context.Background(), apiclient.NewIdempotencyKey(), inv.ID); err != nil {
		t.Fatal(err)
	}
	synced = f.rec.mark(TaskArchiveSync)
	searched = f.rec.mark(TaskArchiveSearch)
	f.rec.onUI(func() {
		s.min.SetText("")
		s.onSync()
	})
	f.rec.wait(t, TaskArchiveSync, synced)
	f.rec.wait(t, TaskArchiveSearch, searched)
	listed := f.rec.mark(TaskVersions)
	f.rec.onUI(func() {
		if len(s.entries) != 1 || s.entries[0].Version != 2 || !strings.Contains(s.status.Text, "1 changed") {
			t.Fatalf("after cancelling: %+v, status %q", s.entries, s.status.Text)
		}
		s.table.Select(widget.TableCellID{Row: 0, Col: 0})
		s.onVersions()
	})
	f.rec.wait(t, TaskVersions, listed)
	f.rec.onUI(func() {
		text := dump(f.shell.win.Canvas().Overlays().Top())
		if !strings.Contains(text, "v1 · Unpaid") || !strings.Contains(text, "v2 · Cancelled") {
			t.Fatalf("versions dialog:\n%s", text)
		}
	})
}

func TestArchiveOfAnotherAccountIsExplained(t *testing.T) {
	err := fmt.Errorf("sync: %w", &archive.OwnerError{
		Have: archive.Owner{Server: "https://billing.example.jp", Email: "yamada@example.jp"},
		Want: archive.Owner{Server: "https://billing.example.jp", Email: "smith@example.com"}})
	if got := describe(err); got != "This folder keeps the invoices of yamada@example.jp on https://billing.example.jp. Choose another folder." {
		t.Fatalf("describe: %q", got)
	}
}

// TestStaffArchivesChosenCustomers: staff choose the customers the archive
// keeps (none chosen: Sync asks for them), sync them, and search totals
// within a currency.
func TestStaffArchivesChosenCustomers(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	ctx := context.Background()
	yen, usd, other := env.NewCustomer(billing.JPY), env.NewCustomer(billing.USD), env.NewCustomer(billing.JPY)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []servertest.Customer{yen, usd, other} {
		if _, err := env.Server.IssueServiceInvoice(ctx, c.ID, at, at.AddDate(0, 0, 14),
			[]server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 5_000, TaxRate: 10}}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	a, rec := startStaff(t, env, func(sc *apiclient.Client, d *Deps) {
		d.App.Preferences().SetString(PrefArchiveDir, dir)
		d.Archive = testArchiver{c: sc}
	})
	var s *archiveScreen
	rec.onUI(func() { s = a.archive.get() })
	scope := s.scope.(*chosenCustomers)
	searched := rec.mark(TaskArchiveSearch)
	rec.onUI(s.refresh)
	rec.wait(t, TaskArchiveSearch, searched)

	// Nothing chosen: Sync opens the chooser instead.
	found := rec.mark(TaskChooser)
	rec.onUI(s.onSync)
	rec.wait(t, TaskChooser, found)
	rec.onUI(func() {
		if s.cancel != nil || !strings.Contains(s.status.Text, "Choose the customers") {
			t.Fatalf("sync with no customers chosen: syncing %v, status %q", s.cancel != nil, s.status.Text)
		}
	})

	// Choose two of the three customers.
	var ch *customerChooser
	rec.onUI(func() { ch = newCustomerChooser(a.env, scope.staff, nil) })
	for _, c := range []servertest.Customer{yen, usd} {
		found = rec.mark(TaskChooser)
		rec.onUI(func() {
			ch.search.SetText(c.Email)
			ch.find()
		})
		rec.wait(t, TaskChooser, found)
		rec.onUI(func() {
			if len(ch.pages.items) != 1 || ch.pages.items[0].ID != c.ID {
				t.Fatalf("search %q: %+v", c.Email, ch.pages.items)
			}
			ch.onToggle(0)
		})
	}
	synced, searched := rec.mark(TaskArchiveSync), rec.mark(TaskArchiveSearch)
	rec.onUI(func() {
		scope.setChosen(ch.chosen)
		s.onSync()
	})
	rec.wait(t, TaskArchiveSync, synced)
	rec.wait(t, TaskArchiveSearch, searched)
	rec.onUI(func() {
		if len(s.entries) != 2 || !strings.Contains(s.status.Text, "2 new") {
			t.Fatalf("after sync: %d entries, status %q", len(s.entries), s.status.Text)
		}
		for _, e := range s.entries {
			if e.CustomerID != yen.ID && e.CustomerID != usd.ID {
				t.Errorf("archived a customer nobody chose: %s", e.CustomerID)
			}
		}
	})

	// A total range needs a currency, then finds within it: 5,500 is ¥5,500
	// and $55.00.
	rec.onUI(func() {
		s.min.SetText("5000")
		s.onSearch()
		if !strings.Contains(s.status.Text, "Choose the currency") {
			t.Fatalf("a total range without a currency: status %q", s.status.Text)
		}
	})
	searched = rec.mark(TaskArchiveSearch)
	rec.onUI(func() {
		scope.cur.SetSelected("USD")
		s.min.SetText("50")
		s.onSearch()
	})
	rec.wait(t, TaskArchiveSearch, searched)
	rec.onUI(func() {
		if len(s.entries) != 1 || s.entries[0].CustomerID != usd.ID || s.entries[0].Total.Amount != 5_500 {
			t.Fatalf("USD totals from $50: %+v", s.entries)
		}
	})
}

func TestFileURL(t *testing.T) {
	if got := fileURL("/home/taro/請求書/INV 1.pdf").String(); got != "file:///home/taro/%E8%AB%8B%E6%B1%82%E6%9B%B8/INV%201.pdf" {
		t.Errorf("fileURL: %s", got)
	}
}

// openArchive opens an archive screen on a new folder for f's account, as
// the sidebar's Archive does, and waits for its first (empty) search.
func (f *fixture) openArchive(t *testing.T) *archiveScreen {
	t.Helper()
	var s *archiveScreen
	searched := f.rec.mark(TaskArchiveSearch)
	f.rec.onUI(func() {
		f.browser.Preferences().SetString(PrefArchiveDir, t.TempDir())
		s = newArchiveScreen(f.shell.env, testArchiver{c: f.client}, ownInvoices{cur: billing.JPY})
		s.refresh()
	})
	f.rec.wait(t, TaskArchiveSearch, searched)
	return s
}
