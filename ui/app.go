package ui

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// Deps is what the UI is built from; main wires the real parts, tests the
// real server in-process.
type Deps struct {
	App     fyne.App
	Backend Backend
	// Archive is the offline archive; nil hides the Archive section.
	Archive Archiver
	// Accounts lists and forgets saved profiles in Settings; nil hides them.
	Accounts Accounts
	// Staff serves the Customers section of staff accounts.
	Staff StaffBackend
	User  api.User
	Demo  bool
	// SavePDF renders an invoice to PDF bytes; nil hides Download PDF.
	RenderPDF func(api.Invoice) ([]byte, error)
	// SignOut is called after the session ended (to show sign-in again).
	SignOut func()
	Hooks   *Hooks
	// Font is the bundled TTF, for theme changes in Settings.
	Font []byte
	// Log receives timings and background errors; nil discards them.
	Log *slog.Logger
}

// App is the main window: header with Available Credit, a sidebar of
// sections and the section's content.
type App struct {
	deps   Deps
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc

	config    *api.Config // nil until loaded
	summary   *api.Summary
	updatedAt time.Time
	offline   bool

	accountName *widget.Label
	credit      *canvas.Text
	creditNote  *widget.Label
	demoBadge   fyne.CanvasObject
	content     *fyne.Container

	billing   *billingScreen
	customers *customersScreen
	archive   *archiveScreen
	settings  *settingsScreen

	summaryGen atomic.Uint64
	configGen  atomic.Uint64
}

// New builds the main window for a signed-in customer.
func New(d Deps) *App {
	ctx, cancel := context.WithCancel(context.Background())
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	a := &App{deps: d, ctx: ctx, cancel: cancel}
	a.win = d.App.NewWindow("Billfold")
	a.win.Resize(fyne.NewSize(1024, 640))
	a.win.SetContent(a.build())
	a.win.SetOnClosed(a.cancel)
	if a.isStaff() {
		return a // staff have no account of their own: no credit, no events
	}
	a.refreshConfig()
	a.refreshSummary()
	pending.Add(1)
	go func() {
		defer pending.Done()
		a.followEvents()
	}()
	return a
}

// Window is the main window.
func (a *App) Window() fyne.Window { return a.win }

// Close stops background work and closes the window.
func (a *App) Close() {
	a.cancel()
	if a.archive != nil {
		a.archive.close()
	}
	a.win.Close()
}

func (a *App) build() fyne.CanvasObject {
	a.accountName = widget.NewLabelWithStyle(a.deps.User.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	badge := canvas.NewText(" "+lang.L("Demo")+" ", theme.Color(theme.ColorNameForegroundOnPrimary))
	badge.TextStyle.Bold = true
	badgeBG := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	badgeBG.CornerRadius = 4
	a.demoBadge = container.NewStack(badgeBG, container.NewPadded(badge))
	if !a.deps.Demo {
		a.demoBadge.Hide()
	}
	a.credit = canvas.NewText("—", theme.Color(theme.ColorNameForeground))
	a.credit.TextSize = theme.TextSize() * 1.8
	a.credit.TextStyle.Bold = true
	a.credit.Alignment = fyne.TextAlignTrailing
	a.creditNote = widget.NewLabel(lang.L("Loading…"))
	a.creditNote.Alignment = fyne.TextAlignTrailing
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), a.onRefresh)
	refresh.Importance = widget.LowImportance
	creditTitle := widget.NewLabel(lang.L("Available Credit"))
	creditTitle.Alignment = fyne.TextAlignTrailing
	header := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewIcon(theme.AccountIcon()), a.accountName, container.NewCenter(a.demoBadge)),
		container.NewHBox(container.NewVBox(creditTitle, a.creditNote), container.NewCenter(a.credit), container.NewCenter(refresh)))

	a.settings = newSettingsScreen(a)
	type section struct {
		name string
		icon fyne.Resource
		view func() fyne.CanvasObject
	}
	var sections []section
	if a.isStaff() {
		a.customers = newCustomersScreen(a)
		sections = append(sections, section{lang.L("Customers"), theme.AccountIcon(), a.customers.object})
		creditTitle.Hide()
		a.creditNote.Hide()
		a.credit.Text = lang.L("Staff")
		refresh.Hide()
	} else {
		a.billing = newBillingScreen(a)
		sections = append(sections, section{lang.L("Billing"), theme.DocumentIcon(), a.billing.object})
	}
	if a.deps.Archive != nil {
		sections = append(sections, section{lang.L("Archive"), theme.StorageIcon(), func() fyne.CanvasObject {
			if a.archive == nil { // opened on first visit: it reads the disk
				a.archive = newArchiveScreen(a)
			}
			return a.archive.object()
		}})
	}
	sections = append(sections, section{lang.L("Settings"), theme.SettingsIcon(), a.settings.object})
	a.content = container.NewStack()
	nav := widget.NewList(func() int { return len(sections) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.DocumentIcon()), widget.NewLabel("Section name"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(sections[i].icon)
			row.Objects[1].(*widget.Label).SetText(sections[i].name)
		})
	nav.OnSelected = func(i widget.ListItemID) {
		a.content.Objects = []fyne.CanvasObject{sections[i].view()}
		a.content.Refresh()
	}
	nav.Select(0)
	signOut := widget.NewButtonWithIcon(lang.L("Sign out"), theme.LogoutIcon(), a.onSignOut)
	signOut.Importance = widget.LowImportance
	side := container.NewBorder(nil, signOut, nil, nil, nav)
	split := container.NewHSplit(side, a.content)
	split.Offset = 0.16
	return container.NewBorder(container.NewVBox(container.NewPadded(header), widget.NewSeparator()), nil, nil, nil, split)
}

func (a *App) isStaff() bool { return a.deps.User.Role == billing.RoleStaff }

func (a *App) onRefresh() {
	a.refreshSummary()
	a.billing.reload()
}

func (a *App) onSignOut() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.deps.Backend.SignOut(ctx) // the local session ends either way
		do(func() {
			a.Close()
			if a.deps.SignOut != nil {
				a.deps.SignOut()
			}
		})
	}()
}

func (a *App) refreshConfig() {
	run(a.ctx, &a.configGen, a.deps.Backend.Config, func(c api.Config, err error) {
		if err != nil {
			a.billing.showConfigError(err)
			return
		}
		a.config = &c
		a.billing.configLoaded()
		a.deps.Hooks.updated("config")
	})
}

func (a *App) refreshSummary() {
	run(a.ctx, &a.summaryGen, a.deps.Backend.Summary, func(s api.Summary, err error) {
		if err != nil {
			a.setOffline(err)
			return
		}
		a.setSummary(s)
	})
}

// setSummary shows a fresh summary (from a fetch, a poll or an event).
func (a *App) setSummary(s api.Summary) {
	a.summary = &s
	a.offline = false
	a.setCredit(s.AvailableCredit, s.AsOf)
	a.billing.summaryChanged()
	a.deps.Hooks.updated("summary")
}

func (a *App) setCredit(m billing.Money, at time.Time) {
	a.updatedAt = at
	a.credit.Text = billing.Format(m)
	a.credit.Color = theme.Color(theme.ColorNameForeground)
	a.credit.Refresh()
	a.creditNote.SetText(lang.L("Updated {{.Time}}", map[string]any{"Time": at.Local().Format("15:04:05")}))
}

// setOffline keeps the last data visible and says how old it is.
func (a *App) setOffline(err error) {
	a.offline = true
	if a.updatedAt.IsZero() {
		a.creditNote.SetText(describe(err))
	} else {
		a.creditNote.SetText(lang.L("Offline — as of {{.Time}}", map[string]any{"Time": a.updatedAt.Local().Format("15:04")}))
		a.credit.Color = theme.Color(theme.ColorNamePlaceHolder)
		a.credit.Refresh()
	}
	a.deps.Hooks.updated("offline")
}

// followEvents applies the server's live updates until the window closes.
func (a *App) followEvents() {
	for u := range a.deps.Backend.Events(a.ctx) {
		do(func() { a.onUpdate(u) })
	}
}

func (a *App) onUpdate(u apiclient.Update) {
	switch {
	case u.Summary != nil:
		a.setSummary(*u.Summary)
	case u.Event != nil:
		a.onEvent(*u.Event)
	case u.State == apiclient.StreamLive:
		a.refreshSummary() // catch up on anything missed while disconnected
	case u.Err != nil && u.State != apiclient.StreamLive:
		a.setOffline(u.Err)
	}
}

func (a *App) onEvent(ev api.Event) {
	switch {
	case ev.Balance != nil:
		if a.summary != nil {
			a.summary.AvailableCredit = *ev.Balance
		}
		a.setCredit(*ev.Balance, ev.CreatedAt)
		a.deps.Hooks.updated("balance")
	case ev.Invoice != nil:
		a.billing.invoiceChanged(*ev.Invoice)
		a.refreshSummary()
	case ev.Payment != nil:
		a.billing.paymentChanged(*ev.Payment)
		if ev.Payment.State == billing.PaymentSucceeded {
			a.notifyPaid(*ev.Payment)
		}
	}
}

func (a *App) notifyPaid(p api.Payment) {
	title := lang.L("Payment received")
	body := lang.L("{{.Amount}} paid.", map[string]any{"Amount": billing.Format(p.Amount)})
	if a.billing.isAddFunds(p.InvoiceID) {
		title = lang.L("Credit added: {{.Amount}}", map[string]any{"Amount": billing.Format(p.Amount)})
		body = lang.L("Your Available Credit has been updated.")
	}
	a.deps.App.SendNotification(fyne.NewNotification(title, body))
	a.deps.Hooks.updated("notified")
}

// openURL opens u in the system browser, off the UI goroutine. It takes a
// parsed URL, not a string, so that what a caller vetted (a payment page
// through apiclient.CheckRedirectURL) is exactly what opens.
func (a *App) openURL(u *url.URL) {
	go func() {
		if err := a.deps.App.OpenURL(u); err != nil {
			do(func() { a.showError(lang.L("Could not open the browser"), err) })
		}
	}()
}

func (a *App) showError(title string, err error) {
	dialog.ShowError(fmt.Errorf("%s: %s", title, describe(err)), a.win)
}

func spacer() fyne.CanvasObject { return layout.NewSpacer() }

// fmtDate prints a date the way the user's language writes it.
func fmtDate(t time.Time) string {
	return t.Local().Format(lang.X("date-format", "2006-01-02"))
}
