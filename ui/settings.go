package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/internal/secrets"
)

// Preference keys (plain UI state; never secrets).
const (
	PrefLanguage   = "language"    // "", "en", "ja"
	PrefTheme      = "theme"       // "system", "light", "dark"
	PrefArchiveDir = "archive_dir" // folder for PDFs and the archive
)

type settingsScreen struct {
	app  *App
	root fyne.CanvasObject
}

func newSettingsScreen(a *App) *settingsScreen {
	s := &settingsScreen{app: a}
	prefs := a.deps.App.Preferences()

	langNames := []string{lang.L("System"), "English", "日本語"}
	langCodes := []string{"", "en", "ja"}
	restart := widget.NewLabel("")
	restart.Hide()
	language := widget.NewSelect(langNames, func(sel string) {
		code := langCodes[slices.Index(langNames, sel)]
		if code != prefs.String(PrefLanguage) {
			prefs.SetString(PrefLanguage, code)
			restart.SetText(lang.L("The new language applies the next time Billfold starts."))
			restart.Show()
		}
	})
	language.SetSelected(langNames[max(0, slices.Index(langCodes, prefs.String(PrefLanguage)))])

	themeNames := []string{lang.L("System"), lang.L("Light"), lang.L("Dark")}
	themeCodes := []string{"system", "light", "dark"}
	themeSel := widget.NewSelect(themeNames, nil)
	themeSel.SetSelected(themeNames[max(0, slices.Index(themeCodes, prefs.StringWithFallback(PrefTheme, "system")))])
	// Set after the initial selection: applying a theme re-parses the
	// font (tens of MB and most of a second), so only a real change may.
	themeSel.OnChanged = func(sel string) {
		code := themeCodes[slices.Index(themeNames, sel)]
		prefs.SetString(PrefTheme, code)
		if a.deps.Font != nil {
			a.deps.App.Settings().SetTheme(NewTheme(a.deps.Font, code))
		}
	}

	folder := widget.NewLabel(a.archiveDir())
	folder.Truncation = fyne.TextTruncateEllipsis
	choose := widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			prefs.SetString(PrefArchiveDir, u.Path())
			folder.SetText(u.Path())
		}, a.win)
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})

	account := widget.NewLabel(a.deps.User.Name + " <" + a.deps.User.Email + ">")
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Language"), container.NewVBox(language, restart)),
		widget.NewFormItem(lang.L("Theme"), themeSel),
		widget.NewFormItem(lang.L("Archive folder"), container.NewBorder(nil, nil, nil, choose, folder)),
		widget.NewFormItem(lang.L("Signed in as"), account),
	)
	s.root = container.NewVBox(widget.NewCard(lang.L("Settings"), "", form))
	if a.deps.Accounts != nil {
		s.root.(*fyne.Container).Add(s.profilesCard())
	}
	return s
}

// profilesCard lists saved accounts; Forget deletes one and its
// remembered sign-in from the keyring.
func (s *settingsScreen) profilesCard() fyne.CanvasObject {
	box := container.NewVBox()
	var load func()
	load = func() {
		run(s.app.ctx, nil, func(context.Context) ([]secrets.Profile, error) { return s.app.deps.Accounts.Profiles() },
			func(list []secrets.Profile, err error) {
				box.RemoveAll()
				if err != nil {
					box.Add(widget.NewLabel(describe(err)))
					return
				}
				if len(list) == 0 {
					box.Add(widget.NewLabel(lang.L("No saved accounts.")))
				}
				for _, p := range list {
					forget := widget.NewButtonWithIcon(lang.L("Forget"), theme.DeleteIcon(), func() {
						run(s.app.ctx, nil, func(ctx context.Context) (struct{}, error) {
							return struct{}{}, s.app.deps.Accounts.Forget(ctx, p.ID)
						}, func(_ struct{}, err error) {
							if err != nil {
								s.app.showError(lang.L("Could not forget the account"), err)
							}
							load()
						})
					})
					forget.Importance = widget.LowImportance
					label := widget.NewLabel(profileLabel(p))
					label.Truncation = fyne.TextTruncateEllipsis
					box.Add(container.NewBorder(nil, nil, nil, forget, label))
				}
				s.app.deps.Hooks.updated("profiles")
			})
	}
	load()
	return widget.NewCard(lang.L("Saved accounts"), lang.L("Sign-ins remembered on this computer. Passwords are never stored; a remembered sign-in lives in the system keyring."), box)
}

func (s *settingsScreen) object() fyne.CanvasObject { return s.root }

// archiveDir is where PDFs are saved by default.
func (a *App) archiveDir() string {
	if d := a.deps.App.Preferences().String(PrefArchiveDir); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "Documents", "Billfold")
}
