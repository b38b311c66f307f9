package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/secrets"
	"billfold/internal/server/servertest"
	"billfold/internal/session"
)

func TestSignInRemembersAndResumes(t *testing.T) {
	if err := LoadTranslations("en"); err != nil {
		t.Fatal(err)
	}
	fa := test.NewTempApp(t)
	rec := newRecorder()
	t.Cleanup(rec.runner.Wait)
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.EUR)
	store := secrets.NewMemory()
	accounts := session.New(secrets.NewProfiles(t.TempDir(), store), store, apiclient.Options{})
	got := make(chan *session.Session, 1)
	var entries []*widget.Entry
	var submit *button
	var w fyne.Window
	rec.onUI(func() {
		w = SignIn(fa, accounts, rec.runner, func(s *session.Session) { got <- s })
		for _, o := range test.LaidOutObjects(w.Content()) {
			switch x := o.(type) {
			case *widget.Entry:
				entries = append(entries, x)
			case *button:
				if x.Text == "Sign in" {
					submit = x
				}
			}
		}
	})
	rec.wait(t, TaskProfiles, 0)
	if len(entries) < 3 || submit == nil {
		t.Fatalf("form: %d entries, submit %v", len(entries), submit)
	}
	rec.onUI(func() {
		entries[0].SetText(env.URL)
		entries[1].SetText(cust.Email)
		entries[2].SetText("wrong password")
		test.Tap(submit)
	})
	rec.wait(t, TaskSignIn, 0)
	rec.onUI(func() {
		// The server's reason, not "Your session has ended".
		if text := dump(w.Content()); !strings.Contains(text, "Wrong e-mail address or password.") {
			t.Fatalf("after a wrong password:\n%s", text)
		}
		entries[2].SetText(cust.Password)
		test.Tap(submit)
	})
	s := <-got
	if s.User.Email != cust.Email || s.Profile.ID == "" {
		t.Fatalf("session: %+v", s)
	}
	// "Remember me" kept the refresh token in the store, and it resumes.
	if _, err := store.Get(context.Background(), s.Profile.ID); err != nil {
		t.Fatalf("no remembered token: %v", err)
	}
	again, err := accounts.Resume(context.Background(), s.Profile)
	if err != nil || again.User.ID != s.User.ID {
		t.Fatalf("resume: %v", err)
	}
	// Signing out forgets it.
	if err := accounts.SignOut(context.Background(), again); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(context.Background(), s.Profile.ID); err == nil {
		t.Fatal("token still stored after sign-out")
	}
}
