package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
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

func (s testStore) Sync(ctx context.Context, progress func(done, total int)) (archive.SyncResult, error) {
	return s.Archive.Sync(ctx, s.c, archive.SyncOptions{Progress: progress})
}

func TestArchiveSyncSearchVerify(t *testing.T) {
	f := start(t, billing.JPY, "en")
	if _, err := f.client.AddFunds(context.Background(), apiclient.NewIdempotencyKey(),
		api.AddFundsRequest{Amount: billing.New(7_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"}); err != nil {
		t.Fatal(err)
	}
	var s *archiveScreen
	searched := f.rec.mark("archive-search")
	onUI(func() {
		f.app.deps.App.Preferences().SetString(PrefArchiveDir, t.TempDir())
		f.app.deps.Archive = testArchiver{c: f.client}
		f.app.archive = newArchiveScreen(f.app)
		s = f.app.archive
	})
	f.rec.wait(t, "archive-search", searched)
	synced := f.rec.mark("archive-sync")
	searched = f.rec.mark("archive-search")
	onUI(s.onSync)
	f.rec.wait(t, "archive-sync", synced)
	f.rec.wait(t, "archive-search", searched)
	onUI(func() {
		if len(s.entries) != 1 || s.entries[0].Total.Amount != 7_000 || !strings.Contains(s.status.Text, "1 new") {
			t.Fatalf("after sync: %d entries, status %q", len(s.entries), s.status.Text)
		}
	})
	searched = f.rec.mark("archive-search")
	onUI(func() {
		s.min.SetText("8000")
		s.onSearch()
	})
	f.rec.wait(t, "archive-search", searched)
	onUI(func() {
		if len(s.entries) != 0 {
			t.Fatalf("amount filter: %d entries", len(s.entries))
		}
	})
	verified := f.rec.mark("archive-verify")
	onUI(s.onVerify)
	f.rec.wait(t, "archive-verify", verified)
	onUI(func() {
		if !strings.Contains(s.status.Text, "nothing was altered") {
			t.Fatalf("verify: %q", s.status.Text)
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
