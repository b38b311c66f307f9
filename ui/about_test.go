package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"billfold/billing"
	"billfold/internal/appinfo"
	"billfold/internal/server/servertest"
)

// About is the last section of both shells and says which build this is
// and where it keeps its settings and archive, in the UI language; the
// archive folder follows Settings.
func TestAboutShowsVersionAndFolders(t *testing.T) {
	for language, title := range map[string]string{"en": "About", "ja": "アプリ情報"} {
		t.Run(language, func(t *testing.T) { // one app at a time: the cleanup waits for all work
			f := start(t, billing.JPY, language)
			moved := filepath.Join(t.TempDir(), "Invoices")
			f.rec.onUI(func() {
				last := len(f.shell.sections) - 1
				if f.shell.sections[last].name != title {
					t.Fatalf("last section %q, want %q", f.shell.sections[last].name, title)
				}
				f.shell.nav.Select(last)
				text := dump(f.shell.win.Content())
				for _, want := range []string{appinfo.Version(), appinfo.ID,
					filepath.FromSlash(f.shell.app.Storage().RootURI().Path()), f.shell.archiveDir()} {
					if !strings.Contains(text, want) {
						t.Errorf("About lacks %q:\n%s", want, text)
					}
				}
				f.shell.app.Preferences().SetString(PrefArchiveDir, moved)
				f.shell.nav.Select(0)
				f.shell.nav.Select(last)
				if !strings.Contains(dump(f.shell.win.Content()), moved) {
					t.Errorf("About does not show the archive folder Settings chose, %s", moved)
				}
			})
		})
	}
}

func TestStaffShellEndsWithAbout(t *testing.T) {
	s, rec := startStaff(t, servertest.New(t, servertest.Backends(t)[0]), nil)
	rec.onUI(func() {
		if name := s.sections[len(s.sections)-1].name; name != "About" {
			t.Fatalf("the staff sidebar ends with %q, want About", name)
		}
	})
}
