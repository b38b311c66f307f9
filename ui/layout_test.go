package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/secrets"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
	"billfold/internal/session"
)

// smallScreen is the smallest screen Billfold is made for.
var smallScreen = fyne.NewSize(800, 600)

// Every screen fits a 800×600 screen: at every step of the tour, in
// English and in Japanese, the window's minimum size (what its content
// needs, plus the window's padding) is at most 800×600. Fyne grows a
// window to its content's minimum and never shrinks it back, so one screen
// over the limit pushes the window past a small screen for good.
func TestEveryScreenFitsSmallScreens(t *testing.T) {
	for _, language := range []string{"en", "ja"} {
		t.Run(language, func(t *testing.T) {
			fits := func(t *testing.T, name string, w fyne.Window) {
				t.Helper()
				if got := windowMinSize(w); got.Width > smallScreen.Width || got.Height > smallScreen.Height {
					t.Errorf("%s needs a window of at least %v×%v, more than %v×%v", name, got.Width, got.Height, smallScreen.Width, smallScreen.Height)
				}
				for _, size := range []fyne.Size{smallScreen, defaultWindow} {
					w.Resize(size)
					for _, o := range placedObjects(w) {
						if _, ok := o.(*container.Split); ok {
							t.Errorf("%s: a split's divider shows", name)
						}
						if c, ok := o.(*columnTable); ok && c.columnsWidth() > c.Size().Width+0.5 {
							t.Errorf("%s: a table's columns take %v of its %v: it scrolls sideways", name, c.columnsWidth(), c.Size().Width)
						}
						if l, ok := o.(*widget.Label); ok && cutOff(l) {
							t.Errorf("%s at %v×%v: %q is cut off: it needs %v wide and has %v", name, size.Width, size.Height, l.Text, l.MinSize().Width, l.Size().Width)
						}
					}
				}
				w.Resize(smallScreen)
			}
			t.Run("customer", func(t *testing.T) {
				f := startTour(t, language)
				steps := Tour(f.shell)
				f.rec.onUI(func() {
					// The screenshot tour calls Tour on its own goroutine,
					// where nothing may be built: its steps build.
					if isBuilt(f.shell.billing.addFunds) || isBuilt(f.shell.billing.transactions) {
						t.Error("Tour built a screen that was not shown yet")
					}
				})
				f.walk(t, steps, func(name string) { fits(t, name, f.shell.win) })
			})
			t.Run("staff", func(t *testing.T) {
				env := servertest.New(t, servertest.Backends(t)[0])
				p := waitingTransfer(t, env)
				s, rec := startStaffIn(t, env, language, func(sc *apiclient.Client, d *Deps) {
					d.Archive = testArchiver{c: sc}
					d.Accounts = savedAccounts{}
					uploadStatement(t, sc, p)
				})
				rec.wait(t, TaskCustomers, 0)
				walkTour(t, rec, Tour(s), func(name string) { fits(t, name, s.win) })
			})
			t.Run("sign-in", func(t *testing.T) {
				if err := LoadTranslations(language); err != nil {
					t.Fatal(err)
				}
				fa := test.NewTempApp(t)
				fa.Settings().SetTheme(NewTheme("light"))
				rec := newRecorder()
				t.Cleanup(rec.runner.Wait)
				var w fyne.Window
				rec.onUI(func() { w = SignIn(fa, savedAccounts{}, rec.runner, func(*session.Session) {}) })
				rec.wait(t, TaskProfiles, 0)
				rec.onUI(func() { fits(t, "sign-in", w) })
			})
		})
	}
}

// cutOff is whether a label that neither wraps nor truncates has been given
// less width than its text needs: the end of its text is not drawn.
func cutOff(l *widget.Label) bool {
	return l.Wrapping == fyne.TextWrapOff && l.Truncation == fyne.TextTruncateOff && l.Size().Width > 0 &&
		l.Size().Width+0.5 < l.MinSize().Width
}

// placedObjects lays the window's content out (as placeOf does) and lists
// what shows.
func placedObjects(w fyne.Window) []fyne.CanvasObject {
	for range 2 {
		shown(w.Content())
	}
	return shown(w.Content())
}

// windowMinSize is the smallest the window can be: its content's minimum
// plus the padding around it, as the desktop driver computes it.
func windowMinSize(w fyne.Window) fyne.Size {
	s := w.Content().MinSize()
	if w.Padded() {
		s = s.AddWidthHeight(2*theme.Padding(), 2*theme.Padding())
	}
	return s
}

// startTour opens the app for a Japanese-yen customer with what every
// screen can show: invoices paid and unpaid (one with a long line), credit
// to apply, a voucher and a staff adjustment with a long reason in the
// ledger, an archive folder and a saved account.
func startTour(t *testing.T, language string) *fixture {
	t.Helper()
	f := startWith(t, billing.JPY, language, func(f *fixture, d *Deps) {
		f.browser.Preferences().SetString(PrefArchiveDir, t.TempDir())
		d.Archive = testArchiver{c: f.client}
		d.Accounts = savedAccounts{}
	})
	ctx := context.Background()
	f.paidInvoice(t)
	now := time.Now()
	if _, err := f.env.Server.IssueServiceInvoice(ctx, f.user.ID, now, now.Add(14*24*time.Hour), []server.ServiceLine{
		{Description: "VPS スタンダード 4GB（月額）東京リージョン・自動バックアップ付き・IPv4 アドレス 2 個", Quantity: 1, UnitPrice: 3_300, TaxRate: 10},
		{Description: "オフィス用飲料水 定期便（軽減税率対象）", Quantity: 2, UnitPrice: 1_080, TaxRate: 8},
	}); err != nil {
		t.Fatal(err)
	}
	adjust(t, f, billing.New(2_000, billing.JPY), "障害のお詫び（2026年5月12日 東京リージョンのネットワーク障害による 3 時間の停止）")
	loaded := f.rec.mark(TaskInvoices)
	f.rec.onUI(f.shell.acct.loadInvoices)
	f.rec.wait(t, TaskInvoices, loaded)
	return f
}

// paidInvoice is a service invoice of ¥1,100 paid from ¥5,000 of credit
// that a voucher gave.
func (f *fixture) paidInvoice(t *testing.T) api.Invoice {
	t.Helper()
	f.voucherCredit(t, "PAID5000", 5_000)
	ctx := context.Background()
	inv := f.serviceInvoice(t, 1_000)
	res, err := f.client.ApplyCredit(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.ApplyCreditRequest{Amount: inv.BalanceDue})
	if err != nil {
		t.Fatal(err)
	}
	return res.Invoice
}

// walk takes the steps of the tour and calls at with each named one on the
// UI goroutine, once it is on screen.
func (f *fixture) walk(t *testing.T, steps []TourStep, at func(name string)) {
	t.Helper()
	walkTour(t, f.rec, steps, at)
}

func walkTour(t *testing.T, rec *recorder, steps []TourStep, at func(name string)) {
	t.Helper()
	for _, s := range steps {
		var skip bool
		if rec.onUI(func() { skip = s.Skipped() }); skip {
			continue
		}
		rec.onUI(s.Do)
		rec.until(t, "tour step "+s.Name, s.Ready)
		if s.Name != "" {
			rec.onUI(func() { at(s.Name) })
		}
	}
}

// waitingTransfer gives env a customer with a bank transfer waiting for
// staff to confirm it.
func waitingTransfer(t *testing.T, env *servertest.Env) api.Payment {
	t.Helper()
	cust := env.NewCustomer(billing.JPY)
	ctx := context.Background()
	cc, err := apiclient.New(env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.SignIn(ctx, cust.Email, cust.Password); err != nil {
		t.Fatal(err)
	}
	inv, err := cc.AddFunds(ctx, apiclient.NewIdempotencyKey(), api.AddFundsRequest{Amount: billing.New(8_000, billing.JPY), Gateway: "bank_transfer", PolicyVersion: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := cc.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "bank_transfer"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// uploadStatement has staff upload the bank's statement of a day with two
// deposits: one pays p, the other matches nothing.
func uploadStatement(t *testing.T, sc *apiclient.Client, p api.Payment) {
	t.Helper()
	file, err := os.ReadFile(zenginFile(t,
		bankstatement.Line{Amount: p.Amount, Remitter: strings.ReplaceAll(p.NextAction.Instructions.Reference, "-", "")},
		bankstatement.Line{Amount: billing.New(4_000, billing.JPY), Remitter: "ﾀﾞﾚｶ"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.StaffUploadStatement(context.Background(), file); err != nil {
		t.Fatal(err)
	}
}

// savedAccounts is a computer with one saved account, for Settings and
// the sign-in window.
type savedAccounts struct{ Accounts }

func (savedAccounts) Profiles() ([]secrets.Profile, error) {
	return []secrets.Profile{{ID: "p1", DisplayName: "株式会社やまだ商店 経理部 山田 太郎", Email: "keiri-yamada@yamada-shoten.example.jp",
		ServerURL: "https://billing.yamada-shoten.example.jp"}}, nil
}

// Resume finds no remembered sign-in: the window asks for the password,
// the longest form it shows.
func (savedAccounts) Resume(context.Context, secrets.Profile) (*session.Session, error) {
	return nil, secrets.ErrNotFound
}

// The guide's main action shows without scrolling on the default window
// (1024×640), in both languages: the acknowledgement and "+ Add Funds".
func TestAddFundsShowsItsActionWithoutScrolling(t *testing.T) {
	for _, language := range []string{"en", "ja"} {
		t.Run(language, func(t *testing.T) {
			f := start(t, billing.JPY, language)
			af := f.addFundsTab()
			f.rec.onUI(func() {
				f.shell.win.Resize(fyne.NewSize(1024, 640))
				f.shell.billing.selectTab(1)
				for name, o := range map[string]fyne.CanvasObject{"the acknowledgement": af.accept, "+ Add Funds": af.submit} {
					r, clip := placeOf(f.shell.win, o)
					t.Log(name, r, clip)
					if !clip.contains(r) {
						t.Errorf("%s is at %v, outside what the window shows (%v)", name, r, clip)
					}
				}
			})
		})
	}
}

// rect is an area of the window's content.
type rect struct{ pos, size fyne.Size }

func (r rect) contains(o rect) bool {
	return o.pos.Width >= r.pos.Width && o.pos.Height >= r.pos.Height &&
		o.pos.Width+o.size.Width <= r.pos.Width+r.size.Width && o.pos.Height+o.size.Height <= r.pos.Height+r.size.Height
}

func (r rect) intersect(o rect) rect {
	x, y := max(r.pos.Width, o.pos.Width), max(r.pos.Height, o.pos.Height)
	x2 := min(r.pos.Width+r.size.Width, o.pos.Width+o.size.Width)
	y2 := min(r.pos.Height+r.size.Height, o.pos.Height+o.size.Height)
	return rect{fyne.NewSize(x, y), fyne.NewSize(max(0, x2-x), max(0, y2-y))}
}

// placeOf is where target is in the window's content, and the part of
// the content that shows there: the window, cut by every scroll target is
// in at the scroll's current offset. The content is laid out first, a few
// times over, as the canvas does while wrapped labels find their height.
func placeOf(w fyne.Window, target fyne.CanvasObject) (at, visible rect) {
	content := w.Content()
	for range 3 {
		shown(content)
	}
	var walk func(o fyne.CanvasObject, pos fyne.Size, clip rect) bool
	walk = func(o fyne.CanvasObject, pos fyne.Size, clip rect) bool {
		if !o.Visible() {
			return false
		}
		pos = pos.Add(fyne.NewSize(o.Position().X, o.Position().Y))
		here := rect{pos, o.Size()}
		if o == target {
			at, visible = here, clip
			return true
		}
		var children []fyne.CanvasObject
		switch c := o.(type) {
		case *fyne.Container:
			children = c.Objects
		case fyne.Widget:
			children = test.WidgetRenderer(c).Objects()
			if _, ok := c.(*container.Scroll); ok {
				clip = clip.intersect(here)
			}
		}
		for _, child := range children {
			if walk(child, pos, clip) {
				return true
			}
		}
		return false
	}
	origin := fyne.NewSize(content.Position().X, content.Position().Y)
	walk(content, fyne.Size{}, rect{origin, content.Size()})
	return at, visible
}

// The sidebar shows each entry's name whole, in both languages (the list
// took the width of a placeholder: "このアプリについて" was cut).
func TestSidebarShowsEveryNameWhole(t *testing.T) {
	for _, language := range []string{"en", "ja"} {
		t.Run(language, func(t *testing.T) {
			f := start(t, billing.JPY, language)
			f.rec.onUI(func() {
				f.shell.win.Resize(smallScreen)
				names := 0
				for _, o := range shown(f.shell.nav) {
					if l, ok := o.(*widget.Label); ok {
						names++
						if r, clip := placeOf(f.shell.win, l); !clip.contains(r) {
							t.Errorf("%q is cut: at %v in a list showing %v", l.Text, r, clip)
						}
					}
				}
				if names != len(f.shell.sections) {
					t.Fatalf("%d names shown of %d sections", names, len(f.shell.sections))
				}
			})
		})
	}
}

// The staff's list of customers shows each row's name and address beside
// the customer's credit, cut short rather than drawn over it.
func TestCustomerRowsKeepTheirCreditClear(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	waitingTransfer(t, env)
	s, rec := startStaffIn(t, env, "en", nil)
	rec.wait(t, TaskCustomers, 0)
	rec.onUI(func() {
		s.win.Resize(smallScreen)
		placedObjects(s.win)
		rows := 0
		for _, o := range shown(s.customers.results) {
			if l, ok := o.(*widget.Label); ok && l.Text != "" {
				rows++
				if l.MinSize().Width > l.Size().Width {
					t.Errorf("%q is drawn %v wide in %v", l.Text, l.MinSize().Width, l.Size().Width)
				}
			}
		}
		if rows == 0 {
			t.Fatal("no customer rows")
		}
	})
}

// The staff's Customers screen at 1024×640 stacks the list above the
// customer, and both fill the screen: the list shows its customers, no
// more rows than it has, and the customer's account the rest (each was one
// row tall, and the screen below them blank; then the list took two
// fifths of the height, empty rows above the customer).
func TestCustomersScreenFillsAStackedWindow(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	for range 3 {
		env.NewCustomer(billing.JPY)
	}
	s, rec := startStaff(t, env, nil)
	rec.wait(t, TaskCustomers, 0)
	rec.onUI(func() { s.customers.results.Select(0) })
	rec.wait(t, TaskCustomer, 0)
	rec.onUI(func() {
		s.win.Resize(fyne.NewSize(1920, 1080)) // lays the screen out again with the customer in it
		s.win.Resize(fyne.NewSize(1024, 640))
		list, panel := s.customers.results, s.customers.panel.object()
		row := list.MinSize().Height // a list's minimum is one row's
		rows := (list.Size().Height + theme.Padding()) / (row + theme.Padding())
		if rows < 2.99 || rows > 3.01 || panel.Size().Height < 300 {
			t.Fatalf("list %v tall (%.2f rows of 3 customers), customer %v tall, in a %v window",
				list.Size().Height, rows, panel.Size().Height, s.win.Canvas().Size())
		}
	})
}

// An invoice line's description keeps a readable width: where the item
// column would be narrower than stackBelow it takes a line of its own,
// full width, above the line's numbers; where it has room, the line is
// one row. (In the staff's 800×600 window it wrapped a word a line.)
func TestInvoiceLinesStackWhenNarrow(t *testing.T) {
	test.NewTempApp(t)
	desc := newWrapped("アカウントクレジットのチャージ（前受金・不課税）")
	amount := widget.NewLabel("¥10,000")
	cells := []fyne.CanvasObject{desc, widget.NewLabel("1"), widget.NewLabel("¥10,000"), widget.NewLabel("none"), amount}
	grid := container.New(&gridLayout{cols: lineColumns, flex: 0, stackBelow: 10 * theme.TextSize()}, cells...)
	numbers := 4 * theme.Padding()
	for _, c := range cells[1:] {
		numbers += c.MinSize().Width
	}

	grid.Resize(fyne.NewSize(numbers+400, 300))
	if desc.Position().Y != amount.Position().Y || desc.Size().Width < 400 {
		t.Errorf("with room: description at %v, %v wide; amount at %v", desc.Position(), desc.Size().Width, amount.Position())
	}

	width := numbers + 60
	grid.Resize(fyne.NewSize(width, 300))
	switch {
	case desc.Size().Width != width:
		t.Errorf("narrow: description %v wide in %v", desc.Size().Width, width)
	case amount.Position().Y < desc.Position().Y+desc.Size().Height:
		t.Errorf("narrow: amount at %v, over the description (%v tall)", amount.Position(), desc.Size().Height)
	case amount.Position().X+amount.Size().Width != width:
		t.Errorf("narrow: amount ends at %v, not at the right edge %v", amount.Position().X+amount.Size().Width, width)
	case grid.MinSize().Height < desc.Size().Height+amount.MinSize().Height:
		t.Errorf("narrow: minimum height %v, under the description and the numbers", grid.MinSize().Height)
	}
}
