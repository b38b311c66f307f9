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

// signInWindow opens the sign-in window and waits for its saved accounts;
// signed receives the session it starts.
func signInWindow(t *testing.T, rec *recorder, accounts Accounts) (s *signInScreen, signed chan *session.Session) {
	t.Helper()
	signed = make(chan *session.Session, 1)
	listed := rec.mark(TaskProfiles)
	rec.onUI(func() {
		s = newSignInScreen(test.NewTempApp(t), accounts, rec.runner, func(ses *session.Session) { signed <- ses })
		s.refresh()
	})
	rec.wait(t, TaskProfiles, listed)
	return s, signed
}

// After a restart the account remembered last is chosen and resumes its
// sign-in; one whose sign-in was not kept asks for its password; "New
// account" starts afresh. "Remember me" unchecked leaves no account behind.
func TestSignInChoosesTheRememberedAccount(t *testing.T) {
	if err := LoadTranslations("en"); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	t.Cleanup(rec.runner.Wait)
	env := servertest.New(t, servertest.Backends(t)[0])
	older, last := env.NewCustomer(billing.EUR), env.NewCustomer(billing.JPY)
	store := secrets.NewMemory()
	accounts := session.New(secrets.NewProfiles(t.TempDir(), store), store, apiclient.Options{})
	ctx := context.Background()
	for _, c := range []servertest.Customer{older, last} {
		if _, err := accounts.SignIn(ctx, env.URL, c.Email, c.Password, true); err != nil {
			t.Fatal(err)
		}
	}

	resumed := rec.mark(TaskSignIn)
	s, signed := signInWindow(t, rec, accounts)
	rec.wait(t, TaskSignIn, resumed)
	var ses *session.Session
	select {
	case ses = <-signed:
	default:
		rec.onUI(func() { t.Fatalf("not signed in; account %q, status %q", s.profile.Selected, s.status.Text) })
	}
	if ses.User.Email != last.Email {
		t.Fatalf("resumed %s, want the account used last, %s", ses.User.Email, last.Email)
	}
	rec.onUI(func() {
		if !strings.Contains(s.profile.Selected, last.Email) {
			t.Errorf("account chosen: %q", s.profile.Selected)
		}
	})

	// Signed out: the token is gone, the account stays listed.
	if err := ses.Client.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	resumed = rec.mark(TaskSignIn)
	s, signed = signInWindow(t, rec, accounts)
	rec.wait(t, TaskSignIn, resumed)
	rec.onUI(func() {
		if !strings.Contains(s.profile.Selected, last.Email) || s.email.Text != last.Email || s.server.Text != env.URL ||
			s.status.Text != "Enter the password for this account." || len(signed) != 0 {
			t.Errorf("after sign-out: account %q, e-mail %q, server %q, status %q", s.profile.Selected, s.email.Text, s.server.Text, s.status.Text)
		}
		s.profile.SetSelected("New account")
		if s.email.Text != "" || s.server.Text != "" {
			t.Errorf("new account: e-mail %q, server %q", s.email.Text, s.server.Text)
		}
		// A sign-in not remembered keeps nothing of the account.
		s.server.SetText(env.URL)
		s.email.SetText(last.Email)
		s.password.SetText(last.Password)
		s.remember.SetChecked(false)
		resumed = rec.mark(TaskSignIn)
		test.Tap(s.submit)
	})
	rec.wait(t, TaskSignIn, resumed)
	if ses := <-signed; ses.Profile.ID != "" {
		t.Fatalf("a profile for a sign-in not remembered: %+v", ses.Profile)
	}
	list, err := accounts.Profiles()
	if err != nil || len(list) != 1 || list[0].Email != older.Email {
		t.Fatalf("profiles after a sign-in not remembered: %+v %v", list, err)
	}
}
