package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/secrets"
	"billfold/internal/server"
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

// retryTime is when a rate-limited sign-in may be tried again: a time of
// day to the second, or with its date when that is tomorrow (a test run
// shortly before midnight).
var retryTime = regexp.MustCompile(`\b\d{2}:\d{2}:\d{2}\b|(\d{4}|\d{1,2}日) \d{2}:\d{2}\b`)

// The sign-in window says why a sign-in failed, in the UI's language: the
// server's reason, or what stood between the app and the server.
func TestSignInSaysWhyItFailed(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) {
		o.LoginInterval, o.LoginBurst = time.Hour, 2 // a new customer signs in once; the third attempt is refused for an hour
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(untrusted.Close)

	for _, language := range []string{"en", "ja"} {
		t.Run(language, func(t *testing.T) {
			if err := LoadTranslations(language); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = LoadTranslations("en") })
			cust := env.NewCustomer(billing.JPY) // one per language: the limit counts per e-mail address
			rec := newRecorder()
			t.Cleanup(rec.runner.Wait)
			store := secrets.NewMemory()
			s, _ := signInWindow(t, rec, session.New(secrets.NewProfiles(t.TempDir(), store), store, apiclient.Options{}))
			for _, tc := range []struct {
				name, server, password string
				want                   map[string]string // language → what the status says
			}{
				{"wrong password", env.URL, "wrong password", map[string]string{
					"en": "Wrong e-mail address or password.", "ja": "メールアドレスまたはパスワードが正しくありません。"}},
				{"rate limited", env.URL, cust.Password, map[string]string{
					"en": "Too many attempts. Try again after ", "ja": "試行回数が多すぎます。"}},
				{"unreachable", closed.URL, cust.Password, map[string]string{
					"en": "Can't reach the billing server.", "ja": "請求サーバーに接続できません。"}},
				{"untrusted certificate", untrusted.URL, cust.Password, map[string]string{
					"en": "The billing server's certificate is not trusted.", "ja": "請求サーバーの証明書が信頼できません。"}},
				{"not an address", "billing.example.jp", cust.Password, map[string]string{
					"en": "Check the server address", "ja": "サーバーのアドレスを確認してください"}},
			} {
				tried := rec.mark(TaskSignIn)
				rec.onUI(func() {
					s.server.SetText(tc.server)
					s.email.SetText(cust.Email)
					s.password.SetText(tc.password)
					test.Tap(s.submit)
				})
				rec.wait(t, TaskSignIn, tried)
				rec.onUI(func() {
					if !strings.Contains(s.status.Text, tc.want[language]) {
						t.Errorf("%s: status %q, want %q", tc.name, s.status.Text, tc.want[language])
					}
					if tc.name == "rate limited" && !retryTime.MatchString(s.status.Text) {
						t.Errorf("rate limited: %q does not say when to try again", s.status.Text)
					}
				})
			}
		})
	}
}

// Outside sign-in, a session the server no longer accepts is said as such,
// not as "offline".
func TestAnEndedSessionIsNotCalledOffline(t *testing.T) {
	f := start(t, billing.JPY, "en")
	if err := f.client.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	refreshed := f.rec.mark(TaskSummary)
	f.rec.onUI(f.shell.onRefresh)
	f.rec.wait(t, TaskSummary, refreshed)
	f.rec.onUI(func() {
		if text := f.shell.credit.note.Text; text != "Your session has ended. Sign in again." {
			t.Fatalf("header says %q", text)
		}
	})
}
