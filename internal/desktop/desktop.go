// Package desktop wires the Billfold app together: Fyne app and theme,
// language, demo server or sign-in, the API client, the keyring, PDFs.
package desktop

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	_ "embed"

	"billfold/api"
	"billfold/apiclient"
	"billfold/internal/appinfo"
	"billfold/internal/demo"
	"billfold/internal/invoicepdf"
	"billfold/internal/opener"
	"billfold/internal/secrets"
	"billfold/internal/session"
	"billfold/ui"
)

// icon is the window's icon: 128 px, 8-bit RGBA, which decodes to the
// *image.NRGBA that GLFW hands to X as it is. The packages' 512 px, 16-bit
// Icon.png cost 12 ms of the main thread as the window was created (PNG
// decoding, a pixel-by-pixel conversion and 1 MB sent to the X server);
// the desktop entry's icon, not this one, is what launchers show.
//
//go:embed icon.png
var icon []byte

// Options are the command-line choices.
type Options struct {
	Demo      bool
	DemoReset bool
	Log       io.Writer
}

// Run starts the app and returns when its last window closes.
func Run(o Options) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if o.Log != nil {
		log = slog.New(slog.NewTextHandler(o.Log, nil))
	}
	launched := time.Now()
	startedUp := holdGC()
	defer startedUp()
	// The demo server, its database and the sign-in run while the window
	// is created (most of start-up under Xvfb is OpenGL setting the window
	// up), not after it; demoGo says when they may begin.
	demoGo := make(chan struct{})
	var demoStarted <-chan demoStart
	if o.Demo {
		demoStarted = startDemoAsync(o.DemoReset, log, demoGo)
	}
	fa := app.NewWithID(appinfo.ID)
	atExit := takeStopHook(fa.Lifecycle()) // run after fa.Run: see stophook.go
	defer atExit()
	fa.Lifecycle().SetOnStarted(func() {
		log.Info("window shown", "ms_since_launch", time.Since(launched).Milliseconds())
	})
	trimCtx, stopTrimming := context.WithCancel(context.Background())
	defer stopTrimming()
	go trimMemory(trimCtx)
	fa.SetIcon(fyne.NewStaticResource("icon.png", icon))
	prefs := fa.Preferences()
	if err := ui.LoadTranslations(prefs.String(ui.PrefLanguage)); err != nil {
		return err
	}
	fa.Settings().SetTheme(ui.NewTheme(prefs.StringWithFallback(ui.PrefTheme, "system")))
	// The fonts load while the window is created; nothing may measure or
	// draw text until they are loaded (ui.WarmFonts says why), so the sign-in
	// window is built, and Fyne's loop, which draws and runs fyne.Do, starts
	// only once fontsLoaded is closed.
	fontsLoaded := ui.WarmFonts()
	if o.Demo {
		go startAfter(demoGo, fontsLoaded, runtime.NumCPU())
	}

	store := secrets.NewKeyring(secrets.KeyringOptions{Service: "billfold"})
	profiles := secrets.NewProfiles(fa.Storage().RootURI().Path(), store)
	opts, err := session.ClientOptions()
	if err != nil {
		return err
	}
	opts.Language = ui.Language() // the server answers in the UI's language

	accounts := session.New(profiles, store, opts)
	runner := ui.NewRunner(log, ui.Hooks{})
	deps := func(s *session.Session, isDemo bool, signOut func(), win fyne.Window) ui.Deps {
		return ui.Deps{App: fa, Window: win, Backend: s.Client, Staff: s.Client, Accounts: accounts, User: s.User, Demo: isDemo, RenderPDF: renderPDF,
			Archive: archiver{client: s.Client}, Runner: runner, Browser: opener.System{Fallback: fa.OpenURL},
			SignOut: signOut, Log: log, DrawBeforeData: true}
	}
	var showSignIn func()
	showSignIn = func() {
		w := ui.SignIn(fa, accounts, runner, func(s *session.Session) {
			main := ui.New(deps(s, false, showSignIn, nil))
			main.Window().Show()
			fitScreen(main.Window())
		})
		w.CenterOnScreen()
		w.Show()
		fitScreen(w)
	}

	if o.Demo {
		// One window, the main one, shown at once and filled in when the
		// session is ready: before it maps on later starts, a moment after
		// on the first (the demo database is seeded meanwhile); a start
		// slow enough to notice says what is happening.
		win := fa.NewWindow("Billfold")
		win.Resize(fyne.NewSize(1024, 640))
		win.SetMaster()
		win.Show()
		fitScreen(win)
		var srv *demo.Server
		defer func() {
			if srv != nil {
				srv.Stop()
			}
		}()
		var openDemo func(s *session.Session) ui.Shell
		// showStarting says the demo is starting; startingDone stops that
		// screen's spinner once something replaces it.
		startingDone := func() {}
		showStarting := func() {
			var screen fyne.CanvasObject
			screen, startingDone = ui.Starting()
			win.SetContent(screen)
		}
		// restartDemo signs in again on the running demo server after the
		// user signed out of the demo and chose to start it again, in the
		// window that said the demo ended.
		restartDemo := func() {
			showStarting()
			running, language := srv, ui.Language()
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
				defer cancel()
				s, err := demoSignIn(ctx, running, apiclient.Options{Language: language})
				fyne.Do(func() {
					startingDone()
					if err != nil {
						ui.StartFailed(win, err)
						return
					}
					openDemo(s)
				})
			}()
		}
		openDemo = func(s *session.Session) ui.Shell {
			d := deps(s, true, fa.Quit, win)
			d.RestartDemo = restartDemo
			return ui.New(d)
		}
		ready := false
		time.AfterFunc(startingNotice, func() {
			fyne.Do(func() {
				if !ready {
					showStarting()
				}
			})
		})
		go func() {
			r := <-demoStarted
			if r.err == nil {
				// The demo signed in before the translations were loaded.
				r.err = r.session.Client.SetLanguage(opts.Language)
			}
			fyne.Do(func() {
				defer startedUp()
				ready = true
				startingDone()
				if r.err != nil {
					ui.StartFailed(win, r.err)
					return
				}
				srv = r.srv
				main := openDemo(r.session)
				log.Info("main window content", "ms_since_launch", time.Since(launched).Milliseconds())
				if tour != nil {
					tour(tourStart{app: fa, main: main, server: srv.URL, accounts: accounts, runner: runner,
						open: func(s *session.Session) ui.Shell { return ui.New(deps(s, true, func() {}, nil)) }})
				}
			})
		}()
	} else {
		<-fontsLoaded
		showSignIn()
		startedUp()
	}
	<-fontsLoaded
	fa.Run()
	return nil
}

// startingNotice is how long the demo window may stay empty before it says
// that the demo is starting.
const startingNotice = time.Second

type demoStart struct {
	srv     *demo.Server
	session *session.Session
	err     error
}

// startDemoAsync starts the demo (startDemo) in a goroutine once begin is
// closed.
func startDemoAsync(reset bool, log *slog.Logger, begin <-chan struct{}) <-chan demoStart {
	started := make(chan demoStart, 1)
	go func() {
		<-begin
		srv, s, err := startDemo(reset, log)
		started <- demoStart{srv, s, err}
	}()
	return started
}

// startAfter closes begin, which lets the demo start: at once when the
// machine has a core for each of start-up's three CPU-bound jobs (the
// window's OpenGL set-up on the main thread, the fonts, the demo data),
// else once the fonts have loaded. On two cores, running all three at once
// slowed the window down by what they took from it: a first start (which
// seeds the demo database, ~15 ms of CPU) showed its content after a median
// of 114 ms from launch with the demo beside the fonts and 104 ms with it
// after them; later starts 104 and 101 ms (fifteen starts each).
func startAfter(begin chan<- struct{}, fontsLoaded <-chan struct{}, cpus int) {
	if cpus <= 2 {
		<-fontsLoaded
	}
	close(begin)
}

// tour, when set, walks the demo through every screen for
// scripts/screens.sh. Only test and tour builds have it (tour.go).
var tour func(tourStart)

// tourStart is what the tour starts from: the demo's main window, and
// what it takes to open the windows of other accounts.
type tourStart struct {
	app      fyne.App
	main     ui.Shell
	server   string // the demo server's address
	accounts ui.Accounts
	runner   *ui.Runner
	open     func(*session.Session) ui.Shell // a main window for another account
}

// startDemo starts the in-process server and signs in as the demo customer.
func startDemo(reset bool, log *slog.Logger) (*demo.Server, *session.Session, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	dir, err := demo.DefaultDir()
	if err != nil {
		return nil, nil, err
	}
	// BILLFOLD_DEMO_INVOICES adds that many invoices to fresh demo data,
	// to measure the app with a large account (scripts/smoke.sh does).
	extra, _ := strconv.Atoi(os.Getenv("BILLFOLD_DEMO_INVOICES"))
	srv, err := demo.Start(ctx, dir, reset, log, extra)
	if err != nil {
		return nil, nil, err
	}
	s, err := demoSignIn(ctx, srv, apiclient.Options{})
	if err != nil {
		srv.Stop()
		return nil, nil, err
	}
	return srv, s, nil
}

// demoSignIn signs in as the demo customer on the running demo server.
func demoSignIn(ctx context.Context, srv *demo.Server, opts apiclient.Options) (*session.Session, error) {
	c, err := apiclient.New(srv.URL, opts)
	if err != nil {
		return nil, err
	}
	u, err := c.SignIn(ctx, demo.Account.Email, demo.Account.Password)
	if err != nil {
		return nil, fmt.Errorf("demo sign-in: %w", err)
	}
	fmt.Fprintf(os.Stderr, "billfold: demo server on %s, signed in as %s\n", srv.URL, u.Email)
	return &session.Session{Client: c, User: u}, nil
}

// renderPDF draws an invoice with the renderer the archive uses too; it
// prints bank-transfer instructions on unpaid bank-transfer invoices.
func renderPDF(inv api.Invoice) ([]byte, error) {
	return invoicepdf.Render(inv, invoicepdf.Options{})
}
