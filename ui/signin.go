package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/apiclient"
	"billfold/internal/secrets"
	"billfold/internal/session"
)

// Accounts is what the sign-in window needs (internal/session provides it).
type Accounts interface {
	Profiles() ([]secrets.Profile, error)
	SignIn(ctx context.Context, serverURL, email, password string, remember bool) (*session.Session, error)
	Resume(ctx context.Context, p secrets.Profile) (*session.Session, error)
	Forget(ctx context.Context, profileID string) error
}

// SignIn shows the sign-in window; done receives the session on the UI
// goroutine. A profile with a remembered sign-in resumes without a password.
func SignIn(fa fyne.App, accounts Accounts, r *Runner, done func(*session.Session)) fyne.Window {
	s := newSignInScreen(fa, accounts, r, done)
	s.refresh()
	return s.win
}

// signInScreen is the sign-in window: a saved account to resume, or a
// server address, e-mail and password.
type signInScreen struct {
	run      *Runner
	accounts Accounts
	done     func(*session.Session)
	win      fyne.Window
	profiles []secrets.Profile

	profile  *widget.Select
	server   *widget.Entry
	email    *widget.Entry
	password *widget.Entry
	remember *widget.Check
	submit   *button
	progress *spinner
	status   *wrapLabel
}

func newSignInScreen(fa fyne.App, accounts Accounts, r *Runner, done func(*session.Session)) *signInScreen {
	s := &signInScreen{run: r, accounts: accounts, done: done, win: fa.NewWindow(lang.L("Sign in to Billfold"))}
	s.build()
	return s
}

func (s *signInScreen) build() {
	s.server = widget.NewEntry()
	s.server.SetPlaceHolder("https://billing.example.jp")
	s.email = widget.NewEntry()
	s.email.SetPlaceHolder("you@example.jp")
	s.password = widget.NewPasswordEntry()
	s.password.OnSubmitted = func(string) { s.onSubmit() }
	// Enter in a field goes on to the next empty one, or signs in.
	s.server.OnSubmitted = func(string) { s.onEnter() }
	s.email.OnSubmitted = func(string) { s.onEnter() }
	s.remember = widget.NewCheck(lang.L("Remember me on this computer"), nil)
	s.remember.SetChecked(true)
	s.status = newWrapped("")
	s.status.Importance = widget.DangerImportance
	s.progress = newSpinner()
	s.progress.Hide()
	s.profile = widget.NewSelect(nil, s.onProfile)
	s.profile.PlaceHolder = lang.L("New account")
	s.submit = newButton(lang.L("Sign in"), theme.LoginIcon(), s.onSubmit)
	s.submit.Importance = widget.HighImportance

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Account"), s.profile),
		widget.NewFormItem(lang.L("Server"), s.server),
		widget.NewFormItem(lang.L("E-mail"), s.email),
		widget.NewFormItem(lang.L("Password"), s.password),
		widget.NewFormItem("", s.remember),
	)
	title := widget.NewLabelWithStyle("Billfold", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.win.SetContent(container.NewPadded(container.NewVBox(title, form, container.NewHBox(spacer(), s.submit), s.progress, s.status)))
	s.win.Resize(fyne.NewSize(520, 380))
}

// refresh lists the saved profiles (profiles.json is a file: read off the
// UI goroutine).
func (s *signInScreen) refresh() {
	run(s.run, context.Background(), TaskProfiles, nil, func(context.Context) ([]secrets.Profile, error) { return s.accounts.Profiles() },
		func(list []secrets.Profile, err error) {
			if err != nil {
				s.status.SetText(fmt.Sprint(err))
				return
			}
			s.profiles = list
			var names []string
			for _, p := range list {
				names = append(names, profileLabel(p))
			}
			if len(list) == 0 {
				return // a new account: the form as it is
			}
			s.profile.Options = append(names, lang.L("New account"))
			s.profile.Refresh()
			// The account used last is the one most likely wanted: chosen,
			// it resumes its remembered sign-in, or asks for its password.
			s.profile.SetSelected(names[0])
		})
}

func (s *signInScreen) busy(on bool) {
	if on {
		s.progress.Show()
		s.submit.Disable()
		return
	}
	s.progress.Hide()
	s.submit.Enable()
}

// onProfile resumes a saved account's remembered sign-in.
func (s *signInScreen) onProfile(name string) {
	i := slices.IndexFunc(s.profiles, func(p secrets.Profile) bool { return profileLabel(p) == name })
	if i < 0 { // "New account"
		s.server.SetText("")
		s.email.SetText("")
		s.password.SetText("")
		s.status.SetText("")
		s.win.Canvas().Focus(s.server)
		return
	}
	p := s.profiles[i]
	s.server.SetText(p.ServerURL)
	s.email.SetText(p.Email)
	s.password.SetText("")
	s.busy(true)
	s.status.SetText("")
	run(s.run, context.Background(), TaskSignIn, nil, func(ctx context.Context) (*session.Session, error) {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		return s.accounts.Resume(ctx, p)
	}, func(ses *session.Session, err error) {
		if needsPassword(err) {
			s.busy(false)
			s.status.SetText(lang.L("Enter the password for this account."))
			s.win.Canvas().Focus(s.password)
			return
		}
		s.finish(ses, err)
	})
}

// onEnter moves to the first empty field, or signs in when none is.
func (s *signInScreen) onEnter() {
	for _, e := range []*widget.Entry{s.server, s.email, s.password} {
		if strings.TrimSpace(e.Text) == "" {
			s.win.Canvas().Focus(e)
			return
		}
	}
	s.onSubmit()
}

func (s *signInScreen) onSubmit() {
	if strings.TrimSpace(s.server.Text) == "" || strings.TrimSpace(s.email.Text) == "" || s.password.Text == "" {
		s.status.SetText(lang.L("Enter the server address, your e-mail address and your password."))
		return
	}
	s.busy(true)
	s.status.SetText("")
	srv, mail, pw, keep := strings.TrimSpace(s.server.Text), s.email.Text, s.password.Text, s.remember.Checked
	s.password.SetText("") // the password lives only as long as the request
	run(s.run, context.Background(), TaskSignIn, nil, func(ctx context.Context) (*session.Session, error) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return s.accounts.SignIn(ctx, srv, mail, pw, keep)
	}, s.finish)
}

func (s *signInScreen) finish(ses *session.Session, err error) {
	s.busy(false)
	if err != nil {
		s.status.SetText(describe(err))
		return
	}
	if ses.KeyringWarning != nil {
		s.status.SetText(lang.L("Signed in, but the system keyring is not available: you will need to enter your password next time."))
	}
	s.win.Close()
	s.done(ses)
}

// needsPassword reports whether resuming a remembered sign-in failed for
// want of one: none is stored, the keyring cannot be read, or the server
// no longer accepts it.
func needsPassword(err error) bool {
	if e, ok := apiclient.AsError(err); ok && e.IsUnauthorized() {
		return true
	}
	return errors.Is(err, secrets.ErrNotFound) || errors.Is(err, secrets.ErrUnavailable)
}

func profileLabel(p secrets.Profile) string {
	return fmt.Sprintf("%s — %s (%s)", p.DisplayName, p.Email, p.ServerURL)
}
