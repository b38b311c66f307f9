package ui

import (
	"net/url"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"billfold/internal/appinfo"
)

// website is the project's home, linked from About.
var website = &url.URL{Scheme: "https", Host: "github.com", Path: "/billfold/billfold"}

// aboutScreen is the About section, last in every shell's sidebar: which
// build is running and where it keeps things, as support asks for them.
// Every value is selectable, to copy.
type aboutScreen struct {
	env     *env
	archive *widget.Label
	site    *widget.Hyperlink
	root    fyne.CanvasObject
}

func newAboutScreen(e *env) *aboutScreen {
	value := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Selectable = true
		l.Wrapping = fyne.TextWrapBreak
		return l
	}
	archive := value(e.archiveDir())
	site := widget.NewHyperlink(website.Host+website.Path, website)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Version"), value(appinfo.Version()+" ("+runtime.GOOS+"/"+runtime.GOARCH+", "+runtime.Version()+")")),
		widget.NewFormItem(lang.L("Application ID"), value(appinfo.ID)),
		widget.NewFormItem(lang.L("Settings folder"), value(filepath.FromSlash(e.app.Storage().RootURI().Path()))),
		widget.NewFormItem(lang.L("Archive folder"), archive),
		widget.NewFormItem(lang.L("Saved sign-ins"), value(lang.L("the system keyring, service “billfold”"))),
		widget.NewFormItem(lang.L("Website"), site),
	)
	notice := newWrapped(lang.L("Billfold includes open-source software and the IPAexGothic font (IPA Font License). Their licences are installed with Billfold."))
	return &aboutScreen{env: e, archive: archive, site: site, root: container.NewVScroll(capWidth(readableWidth, container.NewVBox(widget.NewCard("Billfold", lang.L("Desktop billing client"), form), notice)))}
}

func (s *aboutScreen) object() fyne.CanvasObject { return s.root }

// focusTarget is the website link, the one control on the screen.
func (s *aboutScreen) focusTarget() fyne.Focusable { return s.site }

// refresh shows the archive folder as Settings last set it; the rest is
// fixed for the run.
func (s *aboutScreen) refresh() { s.archive.SetText(s.env.archiveDir()) }
