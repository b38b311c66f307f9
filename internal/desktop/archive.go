package desktop

import (
	"context"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
	"billfold/ui"
)

// archiver opens archive folders that sync through the signed-in client.
type archiver struct {
	client *apiclient.Client
	user   api.User
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

// Sync archives the account's invoices; for staff, every customer's.
func (s archiveStore) Sync(ctx context.Context, progress func(done, total int)) (archive.SyncResult, error) {
	opts := archive.SyncOptions{Progress: progress}
	if s.a.user.Role == billing.RoleStaff {
		list, err := s.a.client.StaffCustomers(ctx, "")
		if err != nil {
			return archive.SyncResult{}, err
		}
		for _, c := range list.Items {
			opts.Customers = append(opts.Customers, c.ID)
		}
	}
	return s.Archive.Sync(ctx, s.a.client, opts)
}
