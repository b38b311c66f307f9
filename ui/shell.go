package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/billing"
)

// Deps is what the UI is built from; main wires the real parts, tests the
// real server in-process.
type Deps struct {
	App fyne.App
	// Window is the window to build the app in (a language switch builds
	// the shell anew in the one it has); nil opens a new one.
	Window fyne.Window
	// Backend serves a customer's screens, and signs any account out.
	Backend Backend
	// Staff serves the Customers section of staff accounts.
	Staff StaffBackend
	// Archive is the offline archive; nil hides the Archive section.
	Archive Archiver
	// Accounts lists and forgets saved profiles in Settings; nil hides them.
	Accounts Accounts
	User     api.User
	Demo     bool
	// RenderPDF renders an invoice to PDF bytes; nil disables Download PDF.
	RenderPDF func(api.Invoice) ([]byte, error)
	// SignOut is called after the session ended (to show sign-in again).
	SignOut func()
	// RestartDemo starts the demo again after the user signed out of it
	// and chose to; with Demo only.
	RestartDemo func()
	// Browser opens web pages and files; nil uses the Fyne app's OpenURL.
	Browser Browser
	// Runner runs the background work; nil makes one without hooks.
	Runner *Runner
	// Log receives timings and background errors; nil discards them.
	Log *slog.Logger
	// DrawBeforeData has the window draw its first frame before the data
	// its screens load is put in (frame.holdUntilDrawn). Only a driver
	// that draws can do that; tests leave it off.
	DrawBeforeData bool
}

// Browser opens a web page or a file in the desktop's default application
// and returns once it knows whether that worked (internal/opener).
type Browser interface {
	Open(ctx context.Context, u *url.URL) error
}

// appBrowser opens addresses with the Fyne app's OpenURL.
type appBrowser struct{ app fyne.App }

func (b appBrowser) Open(_ context.Context, u *url.URL) error { return b.app.OpenURL(u) }

// Shell is the main window of a signed-in account: a customer's or a
// staff member's, each its own type.
type Shell interface {
	Window() fyne.Window
	// Close stops background work and closes the window.
	Close()
}

// defaultWindow is the main window's size when it opens: it fits a
// 1280×800 screen with room for a panel, and every screen's main action
// shows in it without scrolling.
var defaultWindow = fyne.NewSize(1024, 640)

// New builds the main window for the signed-in account and starts loading
// what it shows.
func New(d Deps) Shell { return open(d) }

// shell is a Shell and the frame it is built on.
type shell interface {
	Shell
	base() *frame
}

// open builds the shell of d's account and starts it.
func open(d Deps) shell {
	if d.User.Role == billing.RoleStaff {
		s := newStaffShell(d)
		s.start()
		return s
	}
	s := newCustomerShell(d)
	s.start()
	return s
}

// screen is the one shape of every section and tab: a constructor builds
// its widgets and starts nothing; refresh is called each time the screen
// is shown and loads what is missing or out of date.
type screen interface {
	object() fyne.CanvasObject
	refresh()
	// focusTarget is where the keyboard starts when a shortcut shows the
	// screen (its first field, its list); nil leaves the focus alone.
	focusTarget() fyne.Focusable
}

// env is what every screen may use of its surroundings: the runner for
// background work, the window for dialogs, the Fyne app for the
// clipboard, the browser, notifications and preferences, and the context
// that ends when the window closes.
type env struct {
	ctx     context.Context
	run     *Runner
	app     fyne.App
	browser Browser
	win     fyne.Window
	user    api.User
	log     *slog.Logger
	// onMenu updates the main menu's greyed items; nil before it exists.
	onMenu func()
	// switchLanguage shows the window in another language ("" the
	// system's).
	switchLanguage func(code string)
}

// menuChanged tells the window that what its menu offers may have
// changed (an invoice opened or closed, paid).
func (e *env) menuChanged() {
	if e.onMenu != nil {
		e.onMenu()
	}
}

// dropTip hides the window's tooltip: a screen that goes takes its
// controls' tooltips with it (Fyne keeps the focus on a control that left
// the window, and its tooltip would stay over the next screen).
func (e *env) dropTip() {
	if l, ok := e.win.Canvas().Content().(*tipLayer); ok {
		l.hide()
	}
}

// focus gives f the keyboard focus, if f is on the window, without
// showing its tooltip: a screen that opens focuses its main control, and
// the tooltip would lie over what the screen has just put there (an
// invoice's title under Back to invoices, the Apply Credit heading under
// Pay Now). Tab still shows the tooltip of the control it reaches.
func (e *env) focus(f fyne.Focusable) {
	if f == nil || !f.(fyne.CanvasObject).Visible() {
		return
	}
	if l, ok := e.win.Canvas().Content().(*tipLayer); ok {
		l.quiet = true
		defer func() { l.quiet = false }()
	}
	e.win.Canvas().Focus(f)
}

// openURL opens u in the system browser or the file's application, off
// the UI goroutine. It takes a parsed URL, not a string, so that what a
// caller vetted (a payment page through Backend.CheckRedirectURL) is
// exactly what opens. When the desktop could not open it, failed is told
// why; a nil failed shows a dialog that says so, with the address to copy.
func (e *env) openURL(u *url.URL, failed func(error)) {
	run(e.run, e.ctx, TaskOpenURL, nil, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, e.browser.Open(ctx, u)
	}, func(_ struct{}, err error) {
		switch {
		case err == nil || errors.Is(err, context.Canceled):
		case failed != nil:
			failed(err)
		default:
			e.showOpenFailed(u, err)
		}
	})
}

// showOpenFailed says that u could not be opened, and why, and offers the
// address (a file's path) to copy.
func (e *env) showOpenFailed(u *url.URL, err error) {
	d := dialog.NewCustom(lang.L("Could not open it"), lang.L("Close"),
		container.NewVBox(newWrapped(describe(err)), newCopyField(e.app, address(u))), e.win)
	d.Resize(fyne.NewSize(min(e.win.Canvas().Size().Width, 520), 0))
	d.Show()
}

// address is what a person pastes elsewhere to open u: a file's path, a
// web page's URL.
func address(u *url.URL) string {
	if u.Scheme != "file" {
		return u.String()
	}
	p := u.Path
	if len(p) > 2 && p[0] == '/' && p[2] == ':' { // /C:/Users/… (fileURL)
		p = p[1:]
	}
	return filepath.FromSlash(p)
}

// newCopyField shows text to select, with a Copy button that says when it
// copied.
func newCopyField(app fyne.App, text string) *copyField {
	f := &copyField{app: app, text: widget.NewLabel(text)}
	f.text.Selectable = true
	f.text.Wrapping = fyne.TextWrapBreak // an address has no words to wrap at
	f.button = newButton(lang.L("Copy"), theme.ContentCopyIcon(), f.onCopy)
	f.ExtendBaseWidget(f)
	return f
}

// copyField is an address or code shown in full with a Copy button.
type copyField struct {
	widget.BaseWidget
	app    fyne.App
	text   *widget.Label
	button *button
}

func (f *copyField) set(text string) {
	if f.text.Text != text {
		f.text.SetText(text)
		f.button.SetText(lang.L("Copy"))
	}
}

func (f *copyField) onCopy() {
	f.app.Clipboard().SetContent(f.text.Text)
	f.button.SetText(lang.L("Copied"))
}

func (f *copyField) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, f.button, f.text))
}

func (e *env) showError(title string, err error) {
	showMessageDialog(title, describe(err), e.win)
}

// archiveDir is where PDFs are saved by default and the archive lives.
func (e *env) archiveDir() string {
	if d := e.app.Preferences().String(PrefArchiveDir); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "Documents", "Billfold")
}

// archiveFolder is the account's own folder inside the archive folder.
func (e *env) archiveFolder() string {
	name := strings.NewReplacer("/", "_", "\\", "_", ":", "_").Replace(e.user.Email)
	return filepath.Join(e.archiveDir(), name)
}

// section is one entry of the sidebar.
type section struct {
	name   string
	icon   fyne.Resource
	screen screen
}

// frame is the window both shells share: a header (the account's name, the
// demo badge, and what the shell puts on the right), a sidebar of
// sections, the shown section, and Sign out.
type frame struct {
	*env
	deps     Deps     // what the shell was built from, to build it again
	stops    []func() // what the shell ends when it stops
	cancel   context.CancelFunc
	signOut  func() error // ends the session on the server
	onSigned func()       // after signing out: show sign-in again
	demo     bool
	restart  func() // start the demo again
	closed   bool
	sections []section
	content  *fyne.Container
	nav      *navList
	shown    screen
	tips     *tipLayer
	commands []*command // of the main menu
	mainMenu *fyne.MainMenu
	seen     focusSeen // where followFocus last showed the focus
	// firstFrame tells the runner that the window has been drawn; nil
	// unless Deps.DrawBeforeData.
	firstFrame fyne.CanvasObject
}

func newFrame(d Deps) *frame {
	ctx, cancel := context.WithCancel(context.Background())
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Runner == nil {
		d.Runner = NewRunner(d.Log, Hooks{})
	}
	win := d.Window
	if win == nil {
		win = d.App.NewWindow("Billfold")
		win.Resize(defaultWindow)
	}
	win.SetOnClosed(cancel)
	if d.Browser == nil {
		d.Browser = appBrowser{d.App}
	}
	f := &frame{env: &env{ctx: ctx, run: d.Runner, app: d.App, browser: d.Browser, win: win, user: d.User, log: d.Log},
		deps: d, cancel: cancel, onSigned: d.SignOut, demo: d.Demo, restart: d.RestartDemo}
	f.onMenu = f.updateMenu
	f.env.switchLanguage = f.onLanguage
	if d.Backend != nil {
		f.signOut = func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return d.Backend.SignOut(ctx)
		}
	}
	if d.DrawBeforeData {
		// Before any screen is made: a screen may start loading as it is
		// made (Billing shows its Invoices tab, which fetches the list).
		f.firstFrame = f.holdUntilDrawn()
	}
	return f
}

// Window is the main window.
func (f *frame) Window() fyne.Window { return f.win }

// build lays out the window around the sections; right is the header's
// right-hand side.
func (f *frame) build(right fyne.CanvasObject, sections []section) {
	f.sections = append(sections, section{lang.L("About"), theme.InfoIcon(), newLater(func() *aboutScreen { return newAboutScreen(f.env) })})
	name := widget.NewLabelWithStyle(f.user.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	demoBadge := newBadge(lang.L("Demo"))
	if !f.demo {
		demoBadge.Hide()
	}
	header := container.NewBorder(nil, nil,
		widget.NewIcon(theme.AccountIcon()), right, newLeading(name, demoBadge)) // a long name must not widen the window

	f.content = container.NewStack()
	// The list is as wide as its template: the longest name, so that no
	// entry is cut ("このアプリについて" was).
	longest, widest := "", float32(0)
	for _, sec := range f.sections {
		if w := fyne.MeasureText(sec.name, theme.TextSize(), fyne.TextStyle{}).Width; w > widest {
			longest, widest = sec.name, w
		}
	}
	f.nav = newNavList(func() int { return len(f.sections) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.DocumentIcon()), widget.NewLabel(longest))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(f.sections[i].icon)
			row.Objects[1].(*widget.Label).SetText(f.sections[i].name)
		})
	f.nav.OnSelected = func(i widget.ListItemID) { f.show(f.sections[i].screen) }
	signOut := newButton(lang.L("Sign out"), theme.LogoutIcon(), f.onSignOut)
	signOut.Importance = widget.LowImportance
	// A fixed sidebar, not a split: its entries are short, and a divider
	// that moves nothing useful only invites dragging. The sidebar comes
	// before the screen in the Tab order, as it reads.
	side := container.NewHBox(container.NewBorder(nil, signOut, nil, nil, f.nav), widget.NewSeparator())
	body := container.New(layout.NewBorderLayout(nil, nil, side, nil), side, f.content)
	var window fyne.CanvasObject = headed(container.NewVBox(container.NewPadded(header), widget.NewSeparator()), body)
	if f.firstFrame != nil {
		window = container.NewStack(window, f.firstFrame)
	}
	f.tips = newTipLayer(window, f.after)
	f.win.SetContent(f.tips)
	f.followFocus()
}

// after runs f on the UI goroutine once d has passed, unless the window
// closed meanwhile.
func (f *frame) after(d time.Duration, fn func()) {
	ctx := f.ctx
	f.run.spawn(func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
			f.run.do(func() {
				if ctx.Err() == nil {
					fn()
				}
			})
		}
	})
}

// headed is container.NewBorder(top, nil, nil, nil, body) with top first
// in the Tab order, as it reads: NewBorder puts its edges after the body.
func headed(top, body fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewBorderLayout(top, nil, nil, nil), top, body)
}

// showSection shows section i as the sidebar would, and moves the
// keyboard focus into it (a shortcut chose it).
func (f *frame) showSection(i int) {
	if i < 0 || i >= len(f.sections) {
		return
	}
	f.nav.Select(i)
	f.focus(f.sections[i].screen.focusTarget())
}

// sectionCommands are the View menu's items that show the sections from
// the from-th on, with Ctrl+digit shortcuts counting from digit.
func (f *frame) sectionCommands(from, digit int) []*command {
	var cmds []*command
	for i := from; i < len(f.sections); i++ {
		cmds = append(cmds, &command{name: f.sections[i].name, key: ctrl(digitKey(digit + i - from)), run: func() { f.showSection(i) }})
	}
	return cmds
}

// digitKey is the key of digit n (1–9).
func digitKey(n int) fyne.KeyName { return fyne.KeyName(string(rune('0' + n))) }

// fileMenu is the File menu both shells share: what the shell puts first,
// then Sign out and Quit.
func (f *frame) fileMenu(first ...*command) menu {
	cmds := append(first, nil,
		&command{name: lang.L("Sign out"), run: f.onSignOut},
		&command{name: lang.L("Quit"), key: ctrl(fyne.KeyQ), run: f.app.Quit, quit: true})
	if len(first) == 0 {
		cmds = cmds[1:]
	}
	return menu{name: lang.L("File"), commands: cmds}
}

// leaver is a screen with something to stop while another is shown: an
// animation nobody sees still redraws the window. Showing it again
// refreshes it, which starts what it shows again.
type leaver interface{ leave() }

// show puts a section's screen in the window and lets it load.
func (f *frame) show(s screen) {
	f.dropTip()
	if l, ok := f.shown.(leaver); ok && f.shown != s {
		l.leave()
	}
	f.shown = s
	f.content.Objects = []fyne.CanvasObject{s.object()}
	f.content.Refresh()
	s.refresh()
	f.menuChanged()
}

// archiveSection is the Archive section, built when it is first shown;
// the shell's stop closes the archive it opened.
func (f *frame) archiveSection(build func() *archiveScreen) *later[*archiveScreen] {
	a := newLater(build)
	f.stops = append(f.stops, func() {
		if s, ok := a.ifBuilt(); ok {
			s.close()
		}
	})
	return a
}

// start shows the first section.
func (f *frame) start() { f.nav.Select(0) }

func (f *frame) base() *frame { return f }

// stop ends the shell's background work; the window stays.
func (f *frame) stop() {
	f.cancel()
	for _, s := range f.stops {
		s()
	}
}

// Close stops background work and closes the window, once.
func (f *frame) Close() {
	if f.closed {
		return
	}
	f.closed = true
	f.stop()
	f.win.Close()
}

// onLanguage shows the window in the language code: the translations
// change, the server is asked to answer in it, and the shell is built
// anew in the same window (widgets take their texts when they are built),
// on the section that was shown.
func (f *frame) onLanguage(code string) {
	if err := LoadTranslations(code); err != nil {
		f.showError(lang.L("Could not change the language"), err)
		return
	}
	if f.deps.Backend != nil {
		if err := f.deps.Backend.SetLanguage(Language()); err != nil {
			f.log.Warn("language for the server", "err", err)
		}
	}
	shown := slices.IndexFunc(f.sections, func(s section) bool { return s.screen == f.shown })
	f.stop()
	d := f.deps
	d.Window = f.win
	open(d).base().showSection(shown)
}

func (f *frame) onSignOut() {
	run(f.run, context.Background(), TaskSignOut, nil, func(context.Context) (struct{}, error) {
		if f.signOut == nil {
			return struct{}{}, nil
		}
		return struct{}{}, f.signOut()
	}, func(struct{}, error) { // the local session ends either way
		if f.demo {
			// The demo's window is the app's: it says that the demo ended,
			// and can start it again in place.
			f.stop()
			f.win.SetMainMenu(nil)
			showDemoEnded(f.win, f.app.Quit, f.restart)
			return
		}
		// The next window shows before this one closes: the app ends with
		// its last window.
		if f.onSigned != nil {
			f.onSigned()
		}
		f.Close()
	})
}

// save writes a file the save dialog handed over and closes it; it
// returns the file's name for the screen to say. Off the UI goroutine.
func save(w fyne.URIWriteCloser, write func(io.Writer) error) (string, error) {
	err := write(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return w.URI().Name(), err
}

func spacer() fyne.CanvasObject { return layout.NewSpacer() }
