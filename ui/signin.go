package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
func SignIn(fa fyne.App, accounts Accounts, hooks *Hooks, done func(*session.Session)) fyne.Window {
	w := fa.NewWindow(lang.L("Sign in to Billfold"))
	server := widget.NewEntry()
	server.SetPlaceHolder("https://billing.example.jp")
	email := widget.NewEntry()
	email.SetPlaceHolder("you@example.jp")
	password := widget.NewPasswordEntry()
	remember := widget.NewCheck(lang.L("Remember me on this computer"), nil)
	remember.SetChecked(true)
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.Importance = widget.DangerImportance
	progress := widget.NewProgressBarInfinite()
	progress.Hide()
	var profiles []secrets.Profile
	profileSel := widget.NewSelect(nil, nil)
	profileSel.PlaceHolder = lang.L("New account")
	submit := widget.NewButtonWithIcon(lang.L("Sign in"), theme.LoginIcon(), nil)
	submit.Importance = widget.HighImportance

	busy := func(on bool) {
		if on {
			progress.Show()
			submit.Disable()
			return
		}
		progress.Hide()
		submit.Enable()
	}
	finish := func(s *session.Session, err error) {
		busy(false)
		if err != nil {
			status.SetText(describe(err))
			hooks.updated("signin-error")
			return
		}
		if s.KeyringWarning != nil {
			status.SetText(lang.L("Signed in, but the system keyring is not available: you will need to enter your password next time."))
		}
		w.Close()
		done(s)
	}
	profileSel.OnChanged = func(name string) {
		for _, p := range profiles {
			if profileLabel(p) == name {
				server.SetText(p.ServerURL)
				email.SetText(p.Email)
				password.SetText("")
				busy(true)
				status.SetText("")
				run(context.Background(), nil, func(ctx context.Context) (*session.Session, error) {
					ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
					defer cancel()
					return accounts.Resume(ctx, p)
				}, func(s *session.Session, err error) {
					if errors.Is(err, secrets.ErrNotFound) {
						busy(false)
						status.SetText(lang.L("Enter the password for this account."))
						w.Canvas().Focus(password)
						return
					}
					finish(s, err)
				})
			}
		}
	}
	submit.OnTapped = func() {
		if strings.TrimSpace(server.Text) == "" || strings.TrimSpace(email.Text) == "" || password.Text == "" {
			status.SetText(lang.L("Enter the server address, your e-mail address and your password."))
			return
		}
		busy(true)
		status.SetText("")
		srv, mail, pw, keep := strings.TrimSpace(server.Text), email.Text, password.Text, remember.Checked
		password.SetText("") // the password lives only as long as the request
		run(context.Background(), nil, func(ctx context.Context) (*session.Session, error) {
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			return accounts.SignIn(ctx, srv, mail, pw, keep)
		}, finish)
	}
	password.OnSubmitted = func(string) { submit.OnTapped() }

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Account"), profileSel),
		widget.NewFormItem(lang.L("Server"), server),
		widget.NewFormItem(lang.L("E-mail"), email),
		widget.NewFormItem(lang.L("Password"), password),
		widget.NewFormItem("", remember),
	)
	title := widget.NewLabelWithStyle("Billfold", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	w.SetContent(container.NewPadded(container.NewVBox(title, form, container.NewHBox(spacer(), submit), progress, status)))
	w.Resize(fyne.NewSize(520, 380))

	// profiles.json is a file: read it off the UI goroutine.
	run(context.Background(), nil, func(context.Context) ([]secrets.Profile, error) { return accounts.Profiles() },
		func(list []secrets.Profile, err error) {
			if err != nil {
				status.SetText(fmt.Sprint(err))
				return
			}
			profiles = list
			var names []string
			for _, p := range list {
				names = append(names, profileLabel(p))
			}
			profileSel.Options = names
			profileSel.Refresh()
			if len(list) > 0 {
				server.SetText(list[0].ServerURL)
				email.SetText(list[0].Email)
			}
			hooks.updated("profiles")
		})
	return w
}

func profileLabel(p secrets.Profile) string {
	return fmt.Sprintf("%s — %s (%s)", p.DisplayName, p.Email, p.ServerURL)
}
