package desktop

import (
	"context"

	"billfold/apiclient"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
	"billfold/ui"
)

// archiver opens archive folders that sync through the signed-in client.
type archiver struct {
	client *apiclient.Client
}

func (a archiver) Open(dir string) (ui.ArchiveStore, error) {
	ar, err := archive.Open(dir)
	if err != nil {
		return nil, err
	}
	return archiveStore{Archive: ar, a: a}, nil
}

type archiveStore struct {
	*archive.Archive
	a archiver
}

// Sync archives the account's invoices; for staff, those of the chosen
// customers.
func (s archiveStore) Sync(ctx context.Context, customers []string, progress func(done, total int)) (archive.SyncResult, error) {
	return s.Archive.Sync(ctx, apisource.New(s.a.client), archive.SyncOptions{Customers: customers, Progress: progress})
}
