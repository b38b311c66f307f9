package ui

import (
	"context"
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

// settingsScreen is the Settings section: language, theme, archive
// folder, and the accounts remembered on this computer.
type settingsScreen struct {
	env      *env
	accounts Accounts // nil: no saved accounts to list
	language *widget.Select
	theme    *widget.Select
	folder   *widget.Label
	profiles *fyne.Container
	root     fyne.CanvasObject
}

var (
	langCodes = []string{"", "en", "ja"}
	// languageNames are the UI's languages, each in its own words.
	languageNames = map[string]string{"en": "English", "ja": "日本語"}
	themeCodes    = []string{"system", "light", "dark"}
)

func newSettingsScreen(e *env, accounts Accounts) *settingsScreen {
	s := &settingsScreen{env: e, accounts: accounts}
	s.build()
	return s
}

func (s *settingsScreen) build() {
	prefs := s.env.app.Preferences()
	s.language = widget.NewSelect([]string{lang.L("System"), languageNames["en"], languageNames["ja"]}, nil)
	s.language.SetSelectedIndex(max(0, slices.Index(langCodes, prefs.String(PrefLanguage))))
	s.language.OnChanged = func(string) { s.onLanguage() }

	s.theme = widget.NewSelect([]string{lang.L("System"), lang.L("Light"), lang.L("Dark")}, nil)
	s.theme.SetSelectedIndex(max(0, slices.Index(themeCodes, prefs.StringWithFallback(PrefTheme, "system"))))
	// Set after the initial selection: applying a theme re-parses the
	// font (tens of MB and most of a second), so only a real change may.
	s.theme.OnChanged = func(string) { s.onTheme() }

	s.folder = widget.NewLabel(s.env.archiveDir())
	s.folder.Truncation = fyne.TextTruncateEllipsis
	choose := newButton(lang.L("Choose…"), theme.FolderOpenIcon(), s.onChooseFolder)

	account := newWrapped(s.env.user.Name + " <" + s.env.user.Email + ">")
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Language"), s.language),
		widget.NewFormItem(lang.L("Theme"), s.theme),
		widget.NewFormItem(lang.L("Archive folder"), container.NewBorder(nil, nil, nil, choose, s.folder)),
		widget.NewFormItem(lang.L("Signed in as"), account),
	)
	cards := []fyne.CanvasObject{widget.NewCard(lang.L("Settings"), "", form)}
	if s.accounts != nil {
		s.profiles = container.NewVBox()
		cards = append(cards, widget.NewCard(lang.L("Saved accounts"), "", container.NewVBox(
			newWrapped(lang.L("Sign-ins remembered on this computer. Passwords are never stored; a remembered sign-in lives in the system keyring.")),
			s.profiles)))
	}
	// Built whole, not added to: Add lays the box out at once, which
	// measured every text of the screen while the app started (7 ms of
	// the main goroutine), long before anyone opens Settings.
	s.root = container.NewVScroll(capWidth(readableWidth, container.NewVBox(cards...)))
}

func (s *settingsScreen) object() fyne.CanvasObject { return s.root }

func (s *settingsScreen) focusTarget() fyne.Focusable { return s.language }

// refresh lists the saved accounts (profiles.json is a file: read off the
// UI goroutine).
func (s *settingsScreen) refresh() {
	if s.accounts == nil {
		return
	}
	run(s.env.run, s.env.ctx, TaskProfiles, nil, func(context.Context) ([]secrets.Profile, error) { return s.accounts.Profiles() },
		s.showProfiles)
}

func (s *settingsScreen) showProfiles(list []secrets.Profile, err error) {
	s.profiles.RemoveAll()
	if err != nil {
		s.profiles.Add(widget.NewLabel(describe(err)))
		return
	}
	if len(list) == 0 {
		s.profiles.Add(widget.NewLabel(lang.L("No saved accounts.")))
	}
	for _, p := range list {
		forget := newButton(lang.L("Forget"), theme.DeleteIcon(), func() { s.onForget(p) })
		forget.Importance = widget.LowImportance
		label := widget.NewLabel(profileLabel(p))
		label.Truncation = fyne.TextTruncateEllipsis
		s.profiles.Add(container.NewBorder(nil, nil, nil, forget, label))
	}
}

// onLanguage switches the window to the chosen language at once.
func (s *settingsScreen) onLanguage() {
	prefs := s.env.app.Preferences()
	code := langCodes[s.language.SelectedIndex()]
	if code != prefs.String(PrefLanguage) {
		prefs.SetString(PrefLanguage, code)
		s.env.switchLanguage(code)
	}
}

func (s *settingsScreen) onTheme() {
	code := themeCodes[s.theme.SelectedIndex()]
	s.env.app.Preferences().SetString(PrefTheme, code)
	s.env.app.Settings().SetTheme(NewTheme(code))
}

func (s *settingsScreen) onChooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.env.app.Preferences().SetString(PrefArchiveDir, u.Path())
		s.folder.SetText(u.Path())
	}, s.env.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// onForget deletes a saved account and its remembered sign-in from the
// keyring.
func (s *settingsScreen) onForget(p secrets.Profile) {
	run(s.env.run, s.env.ctx, TaskForget, nil, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.accounts.Forget(ctx, p.ID)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.env.showError(lang.L("Could not forget the account"), err)
		}
		s.refresh()
	})
}
