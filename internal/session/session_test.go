package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/secrets"
	"billfold/internal/server/servertest"
)

// "Remember me" unchecked keeps nothing about the account on this
// computer: no profile (so no e-mail address), no token; and it forgets
// what an earlier remembered sign-in of the same account saved.
func TestSignInWithoutRememberKeepsNothing(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	dir := t.TempDir()
	store := secrets.NewMemory()
	accounts := New(secrets.NewProfiles(dir, store), store, apiclient.Options{})
	ctx := context.Background()

	s, err := accounts.SignIn(ctx, env.URL, cust.Email, cust.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Profile.ID != "" {
		t.Errorf("a profile for a sign-in not remembered: %+v", s.Profile)
	}
	if list, err := accounts.Profiles(); err != nil || len(list) != 0 {
		t.Fatalf("profiles after a sign-in not remembered: %+v %v", list, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "profiles.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("profiles.json written: %v", err)
	}
	// The session still refreshes (in memory) and signs out.
	if _, err := s.Client.Summary(ctx); err != nil {
		t.Fatal(err)
	}

	remembered, err := accounts.SignIn(ctx, env.URL, cust.Email, cust.Password, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, remembered.Profile.ID); err != nil {
		t.Fatalf("remembered sign-in: no token: %v", err)
	}
	if _, err := accounts.SignIn(ctx, env.URL, cust.Email, cust.Password, false); err != nil {
		t.Fatal(err)
	}
	if list, err := accounts.Profiles(); err != nil || len(list) != 0 {
		t.Fatalf("the earlier profile stayed after a sign-in not remembered: %+v %v", list, err)
	}
	if _, err := store.Get(ctx, remembered.Profile.ID); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("the earlier token stayed: %v", err)
	}
}
