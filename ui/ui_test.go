package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"billfold/api"
	"billfold/apiclient"
	"billfold/assets"
	"billfold/billing"
	"billfold/internal/invoicepdf"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// recorder counts the runner's task outcomes so that a test can wait for
// the n-th "invoices" result, or for a condition on the screen, instead of
// sleeping. It owns the runner of the app under test.
type recorder struct {
	runner *Runner
	mu     sync.Mutex
	cond   *sync.Cond
	count  map[Task]int
	total  int
}

func newRecorder() *recorder {
	r := &recorder{count: map[Task]int{}}
	r.cond = sync.NewCond(&r.mu)
	r.runner = NewRunner(nil, Hooks{Done: func(res Result) {
		r.mu.Lock()
		if !res.Stale {
			r.count[res.Task]++
		}
		// A stale outcome counts for until all the same: it ends a run,
		// and the last run's end may be what until waits for (the runner
		// idle). Uncounted, until slept through it to its time-out.
		r.total++
		r.mu.Unlock()
		r.cond.Broadcast()
	}})
	return r
}

// mark returns the current count of what, to wait for the next one.
func (r *recorder) mark(what Task) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count[what]
}

// wait blocks until what has finished more than after times.
func (r *recorder) wait(t *testing.T, what Task, after int) {
	t.Helper()
	r.block(t, string(what), func() bool { return r.count[what] > after })
}

// until blocks until cond (run on the UI lock) holds, checking it again
// after every task's outcome.
func (r *recorder) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for {
		r.mu.Lock()
		seen := r.total
		r.mu.Unlock()
		var ok bool
		r.onUI(func() { ok = cond() })
		if ok {
			return
		}
		r.block(t, what, func() bool { return r.total > seen })
	}
}

// block waits, with rec.mu held while checking, until done holds.
func (r *recorder) block(t *testing.T, what string, done func() bool) {
	t.Helper()
	finished := make(chan struct{})
	go func() {
		r.mu.Lock()
		for !done() {
			r.cond.Wait()
		}
		r.mu.Unlock()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(20 * time.Second):
		r.mu.Lock()
		defer r.mu.Unlock()
		t.Fatalf("timed out waiting for %s (seen %v)", what, r.count)
	}
}

// onUI runs f holding the runner's UI lock, as the real driver's single
// UI goroutine would: test reads and taps never race with async updates.
func (r *recorder) onUI(f func()) {
	r.runner.mu.Lock()
	defer r.runner.mu.Unlock()
	f()
}

type fixture struct {
	env     *servertest.Env
	backend *flakyBackend // the app's backend: the client, with faults on demand
	browser *browser      // what the app asked the system browser to open
	client  *apiclient.Client
	shell   *customerShell
	rec     *recorder
	user    api.User
}

// start signs in as a fresh customer and opens the main window against
// the real server.
func start(t *testing.T, c billing.Currency, language string) *fixture {
	return startWith(t, c, language, nil)
}

// startWith is start with the dependencies adjusted by setup first.
func startWith(t *testing.T, c billing.Currency, language string, setup func(f *fixture, d *Deps)) *fixture {
	t.Helper()
	return startOn(t, servertest.New(t, servertest.Backends(t)[0]), c, language, setup)
}

// startOn is startWith against the server env.
func startOn(t *testing.T, env *servertest.Env, c billing.Currency, language string, setup func(f *fixture, d *Deps)) *fixture {
	t.Helper()
	f := openOn(t, env, c, language, setup)
	f.rec.wait(t, TaskConfig, 0)
	f.rec.wait(t, TaskSummary, 0)
	f.rec.wait(t, TaskInvoices, 0)
	return f
}

// openOn is startOn without waiting for the window's first loads.
func openOn(t *testing.T, env *servertest.Env, c billing.Currency, language string, setup func(f *fixture, d *Deps)) *fixture {
	t.Helper()
	t.Setenv("LANGUAGE", "")
	if err := LoadTranslations(language); err != nil {
		t.Fatal(err)
	}
	fa := test.NewTempApp(t)
	fa.Settings().SetTheme(NewTheme("light"))
	cust := env.NewCustomer(c)
	client, err := apiclient.New(env.URL, apiclient.Options{Language: language})
	if err != nil {
		t.Fatal(err)
	}
	u, err := client.SignIn(context.Background(), cust.Email, cust.Password)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: env, client: client, rec: newRecorder(), user: u, backend: &flakyBackend{Backend: client},
		browser: &browser{App: fa, opened: make(chan *url.URL, 8)}}
	d := Deps{App: f.browser, Browser: f.browser, Backend: f.backend, User: u, Runner: f.rec.runner,
		RenderPDF: func(inv api.Invoice) ([]byte, error) { return invoicepdf.Render(inv, invoicepdf.Options{}) }}
	if setup != nil {
		setup(f, &d)
	}
	f.rec.onUI(func() {
		f.shell = newCustomerShell(d)
		f.shell.start()
	})
	t.Cleanup(func() {
		f.rec.onUI(f.shell.Close)
		f.rec.runner.Wait()
	})
	return f
}

// invoice is the open invoice screen.
func (f *fixture) invoice() *invoiceScreen { return f.shell.billing.invoice }

// addFundsTab is the Add Funds tab, built if nothing has shown it yet.
func (f *fixture) addFundsTab() (t *addFundsTab) {
	f.rec.onUI(func() { t = f.shell.billing.addFunds.get() })
	return t
}

// openInvoice opens inv (whole) and waits for its fetch.
func (f *fixture) openInvoice(t *testing.T, inv api.Invoice) {
	t.Helper()
	fetched := f.rec.mark(TaskInvoice)
	f.rec.onUI(func() { f.shell.billing.openInvoice(inv, true) })
	f.rec.wait(t, TaskInvoice, fetched)
}

// addFunds creates an add-funds invoice for amount, to pay by gateway.
func (f *fixture) addFunds(t *testing.T, amount billing.Money, gateway string) api.Invoice {
	t.Helper()
	inv, err := f.client.AddFunds(context.Background(), apiclient.NewIdempotencyKey(),
		api.AddFundsRequest{Amount: amount, Gateway: gateway, PolicyVersion: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// voucherCredit gives f's customer amount yen of credit through a new
// voucher, code.
func (f *fixture) voucherCredit(t *testing.T, code string, amount int64) {
	t.Helper()
	ctx := context.Background()
	if err := f.env.Server.CreateVoucher(ctx, code, billing.New(amount, billing.JPY), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.RedeemVoucher(ctx, apiclient.NewIdempotencyKey(), code); err != nil {
		t.Fatal(err)
	}
}

// payFromInvoiceScreen creates an add-funds invoice, opens it and taps
// Pay Now! with the gateway, waiting for the answer.
func (f *fixture) payFromInvoiceScreen(t *testing.T, amount billing.Money, gateway string) {
	t.Helper()
	f.openInvoice(t, f.addFunds(t, amount, gateway))
	paid := f.rec.mark(TaskPay)
	f.rec.onUI(func() {
		v := f.invoice()
		v.gateway.SetSelected(f.gatewayName(gateway))
		v.onPay()
	})
	f.rec.wait(t, TaskPay, paid)
}

// serviceInvoice issues an invoice for one VPS at unitPrice (plus 10 %
// tax), due in 14 days, and fetches it.
func (f *fixture) serviceInvoice(t *testing.T, unitPrice int64) api.Invoice {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	id, err := f.env.Server.IssueServiceInvoice(ctx, f.user.ID, now, now.Add(14*24*time.Hour),
		[]server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: unitPrice, TaxRate: 10}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := f.client.Invoice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// gatewayName is the display name of a gateway (the server names them in
// the customer's language).
func (f *fixture) gatewayName(id string) string {
	for _, g := range f.shell.acct.gateways() {
		if g.ID == id {
			return g.Name
		}
	}
	return id
}

func TestAddFundsValidatesThenCreatesOneInvoiceOnDoubleTap(t *testing.T) {
	f := start(t, billing.JPY, "en")
	af := f.addFundsTab()
	f.rec.onUI(func() {
		f.shell.billing.selectTab(1)
		test.Type(af.amount, "500")
		af.accept.SetChecked(true)
		af.gateway.SetSelected(f.gatewayName("card"))
	})
	f.rec.onUI(func() {
		if !strings.Contains(af.amountError.Text, "¥1,000") || !af.submit.Disabled() {
			t.Fatalf("below minimum: error %q, submit disabled %v", af.amountError.Text, af.submit.Disabled())
		}
		af.amount.SetText("1000.5")
	})
	f.rec.onUI(func() {
		if !strings.Contains(af.amountError.Text, "decimal") || !af.submit.Disabled() {
			t.Fatalf("decimals: %q", af.amountError.Text)
		}
		af.amount.SetText("１２，０００円") // full-width, as typed with a Japanese IME
	})
	f.rec.onUI(func() {
		if af.amountError.Text != "" || af.submit.Disabled() {
			t.Fatalf("valid amount refused: %q", af.amountError.Text)
		}
	})
	mark := f.rec.mark(TaskAddFunds)
	f.rec.onUI(func() {
		test.Tap(af.submit)
		af.onSubmit() // a second tap (e.g. a double click racing the disable)
	})
	f.rec.wait(t, TaskAddFunds, mark)
	f.rec.onUI(func() {
		v := f.invoice()
		if v == nil || v.inv.Total != billing.New(12_000, billing.JPY) || v.inv.Kind != billing.KindAddFunds {
			t.Fatalf("invoice screen: %+v", v)
		}
	})
	page, err := f.client.Invoices(context.Background(), apiclient.InvoiceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("%d invoices on the server after a double tap, want 1", len(page.Items))
	}
}

func TestCardPaymentThroughSandboxUpdatesBalanceFromEvents(t *testing.T) {
	f := start(t, billing.USD, "en")
	f.payFromInvoiceScreen(t, billing.New(50_00, billing.USD), "card")
	var checkoutURL string
	f.rec.onUI(func() {
		v := f.invoice()
		if v.waiting == nil {
			t.Fatal("not waiting for the browser")
		}
		checkoutURL = v.waiting.NextAction.URL
	})
	test.AssertNotificationSent(t, fyne.NewNotification("Credit added: $50.00", "Your Available Credit has been updated."), func() {
		resp, err := http.PostForm(checkoutURL, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}})
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("checkout: %v %v", err, resp)
		}
		resp.Body.Close()
		f.rec.until(t, "the header to show $50.00 and a notification", func() bool {
			return f.shell.credit.credit.Text == "$50.00" && f.browser.notified() > 0
		})
	})
}

// The browser gets the payment page's URL as apiclient.CheckRedirectURL
// returned it, not the server's string: here one with stray whitespace
// around it, which the check trims and a second parse would choke on.
func TestPaymentPageOpensTheCheckedURL(t *testing.T) {
	f := start(t, billing.USD, "en")
	var sent string
	padded := func(u string) string { sent = u; return " \t" + u + "\n" }
	f.backend.payURL.Store(&padded)
	f.payFromInvoiceScreen(t, billing.New(50_00, billing.USD), "card")
	if u := f.browser.next(t); u.String() != sent {
		t.Fatalf("opened %q, want %q", u, sent)
	}
	var again *button
	f.rec.onUI(func() {
		again = findButton(f.invoice().object(), "Open the payment page again")
		if again == nil {
			t.Fatal("no button to open the payment page again")
		}
		test.Tap(again)
	})
	if u := f.browser.next(t); u.String() != sent {
		t.Fatalf("opened again %q, want %q", u, sent)
	}

	// A URL the check refuses is not opened at all.
	unsafe := func(string) string { return "javascript:alert(document.cookie)" }
	f.backend.payURL.Store(&unsafe)
	paid := f.rec.mark(TaskPay)
	f.rec.onUI(func() {
		v := f.invoice()
		v.waiting = nil
		v.onPay()
	})
	f.rec.wait(t, TaskPay, paid)
	f.rec.onUI(func() {
		if v := f.invoice(); v.waiting != nil || v.message.Text != "The payment page address is not safe to open." {
			t.Fatalf("refused URL: waiting %v, message %q", v.waiting != nil, v.message.Text)
		}
	})
	select {
	case u := <-f.browser.opened:
		t.Fatalf("opened the refused URL %q", u)
	default:
	}
}

// confirm taps the button named text in the dialog on top of w.
func confirm(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog to %s", text)
	}
	for _, c := range shown(top) {
		if b, ok := c.(*widget.Button); ok && b.Text == text { // Fyne's dialogs have Fyne's buttons
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no %q in the dialog:\n%s", text, dump(top))
}

// findButton returns the shown button with the given text in o's tree.
func findButton(o fyne.CanvasObject, text string) *button {
	for _, c := range shown(o) {
		if b, ok := c.(*button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

func TestBankTransferShowsInstructions(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.payFromInvoiceScreen(t, billing.New(20_000, billing.JPY), "bank_transfer")
	f.rec.onUI(func() {
		v := f.invoice()
		p := v.openBankTransfer()
		if p == nil || !strings.HasPrefix(p.NextAction.Instructions.Reference, "BF-") {
			t.Fatalf("no instructions: %+v", v.inv.Payments)
		}
		if !strings.Contains(dump(v.object()), p.NextAction.Instructions.Reference) || !strings.Contains(dump(v.object()), "1234567") {
			t.Fatal("reference or account number not on screen")
		}
	})
}

// Selecting a row opens the invoice from what the list holds (number,
// status, dates) and fills in the lines and parties once fetched; when the
// fetch fails, the screen says why and offers to try again.
func TestInvoiceOpensFromTheListThenLoads(t *testing.T) {
	f := start(t, billing.JPY, "en")
	ctx := context.Background()
	now := time.Now()
	if _, err := f.env.Server.IssueServiceInvoice(ctx, f.user.ID, now, now.Add(14*24*time.Hour),
		[]server.ServiceLine{{Description: "VPS Tokyo", Quantity: 1, UnitPrice: 3_000, TaxRate: 10}}); err != nil {
		t.Fatal(err)
	}
	loaded := f.rec.mark(TaskInvoices)
	f.rec.onUI(func() { f.shell.acct.loadInvoices() })
	f.rec.wait(t, TaskInvoices, loaded)

	fetched := f.rec.mark(TaskInvoice)
	var number string
	f.rec.onUI(func() {
		tab := f.shell.billing.invoices
		if len(tab.rows) != 1 {
			t.Fatalf("%d rows", len(tab.rows))
		}
		number = tab.rows[0].number
		tab.table.Select(widget.TableCellID{Row: 0, Col: colNumber})
	})
	f.rec.wait(t, TaskInvoice, fetched)
	f.rec.onUI(func() {
		v := f.invoice()
		text := dump(v.object())
		if !v.whole || len(v.inv.Lines) != 1 || !strings.Contains(text, number) || !strings.Contains(text, "Bill to") ||
			!strings.Contains(text, "¥3,300") || strings.Contains(text, "Loading…") {
			t.Fatalf("invoice screen after loading:\n%s", text)
		}
	})

	failed := f.rec.mark(TaskInvoice)
	f.rec.onUI(func() {
		f.shell.billing.openInvoice(api.Invoice{ID: "inv_not_yours", Number: "INV-0000-000000"}, false)
	})
	f.rec.wait(t, TaskInvoice, failed)
	f.rec.onUI(func() {
		text := dump(f.invoice().object())
		if !strings.Contains(text, "INV-0000-000000") || !strings.Contains(text, "Refresh") || strings.Contains(text, "Loading…") {
			t.Fatalf("invoice screen after a failed fetch:\n%s", text)
		}
	})

	// The fetch fails once, then the app refreshes (as after an event):
	// the invoice shows, without the stale error.
	f.backend.failInvoice.Store(1)
	failed = f.rec.mark(TaskInvoice)
	f.rec.onUI(func() { f.shell.billing.openInvoice(f.shell.billing.invoices.rows[0].preview(), false) })
	f.rec.wait(t, TaskInvoice, failed)
	fetched = f.rec.mark(TaskInvoice)
	f.rec.onUI(func() { f.invoice().refresh() })
	f.rec.wait(t, TaskInvoice, fetched)
	f.rec.onUI(func() {
		v := f.invoice()
		if !v.whole || v.message.Visible() {
			t.Fatalf("invoice screen after the retry: whole %v, message %q shown", v.whole, v.message.Text)
		}
	})
}

// browser is the test app with the addresses it opened and the
// notifications it sent recorded; fail makes opening fail.
type browser struct {
	fyne.App
	opened chan *url.URL
	fail   atomic.Pointer[error]
	mu     sync.Mutex
	sent   int
}

func (b *browser) SendNotification(n *fyne.Notification) {
	b.mu.Lock()
	b.sent++
	b.mu.Unlock()
	b.App.SendNotification(n)
}

// notified is how many notifications were sent.
func (b *browser) notified() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sent
}

func (b *browser) Open(_ context.Context, u *url.URL) error {
	select {
	case b.opened <- u:
	default: // nobody is looking
	}
	if err := b.fail.Load(); err != nil {
		return *err
	}
	return nil
}

// next waits for the next URL opened.
func (b *browser) next(t *testing.T) *url.URL {
	t.Helper()
	select {
	case u := <-b.opened:
		return u
	case <-time.After(10 * time.Second):
		t.Fatal("no URL opened")
		return nil
	}
}

// flakyBackend fails Invoice as many times as failInvoice says, and hands
// the checkout URL of a redirect payment through payURL when that is set.
type flakyBackend struct {
	Backend
	failInvoice atomic.Int32
	payURL      atomic.Pointer[func(string) string]
}

func (b *flakyBackend) Pay(ctx context.Context, key apiclient.IdempotencyKey, invoiceID string, req api.PayRequest) (api.Payment, error) {
	p, err := b.Backend.Pay(ctx, key, invoiceID, req)
	if f := b.payURL.Load(); err == nil && f != nil && p.NextAction.Type == api.ActionRedirect {
		p.NextAction.URL = (*f)(p.NextAction.URL)
	}
	return p, err
}

var errFlaky = errors.New("the network dropped")

func (b *flakyBackend) Invoice(ctx context.Context, id string) (api.Invoice, error) {
	if b.failInvoice.Add(-1) >= 0 {
		return api.Invoice{}, errFlaky
	}
	b.failInvoice.Store(0)
	return b.Backend.Invoice(ctx, id)
}

func TestApplyCreditAndVoucher(t *testing.T) {
	f := start(t, billing.JPY, "en")
	ctx := context.Background()
	if err := f.env.Server.CreateVoucher(ctx, "WELCOME1000", billing.New(1_000, billing.JPY), time.Time{}); err != nil {
		t.Fatal(err)
	}
	af := f.addFundsTab()
	v := f.rec.mark(TaskVoucher)
	f.rec.onUI(func() {
		af.voucher.SetText("welcome1000")
		af.onRedeem()
	})
	f.rec.wait(t, TaskVoucher, v)
	f.rec.onUI(func() {
		if f.shell.credit.credit.Text != "¥1,000" || !strings.Contains(af.voucherResult.Text, "¥1,000") {
			t.Fatalf("after voucher: header %q, message %q", f.shell.credit.credit.Text, af.voucherResult.Text)
		}
	})
	v = f.rec.mark(TaskVoucher)
	f.rec.onUI(func() {
		af.voucher.SetText("WELCOME1000")
		af.onRedeem()
	})
	f.rec.wait(t, TaskVoucher, v)
	f.rec.onUI(func() {
		if !strings.Contains(af.voucherResult.Text, "already redeemed") {
			t.Fatalf("second redemption: %q", af.voucherResult.Text)
		}
	})

	inv := f.serviceInvoice(t, 3_000)
	f.openInvoice(t, inv)
	c := f.rec.mark(TaskApplyCredit)
	f.rec.onUI(func() {
		// Prefilled with the smaller of credit (¥1,000) and amount due (¥3,300).
		if !strings.Contains(dump(f.invoice().object()), "1000") {
			t.Fatal("apply-credit amount not prefilled")
		}
		f.invoice().onApplyCredit()
		confirm(t, f.shell.win, "Apply Credit")
	})
	f.rec.wait(t, TaskApplyCredit, c)
	f.rec.onUI(func() {
		iv := f.invoice()
		if iv.inv.BalanceDue.Amount != 2_300 || f.shell.credit.credit.Text != "¥0" {
			t.Fatalf("after apply: due %v, header %q", iv.inv.BalanceDue, f.shell.credit.credit.Text)
		}
	})
}

func TestDownloadPDFWritesFile(t *testing.T) {
	f := start(t, billing.JPY, "en")
	inv := f.addFunds(t, billing.New(5_000, billing.JPY), "card")
	f.openInvoice(t, inv)
	path := filepath.Join(t.TempDir(), inv.Number+".pdf")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	saved := f.rec.mark(TaskSavePDF)
	pdf, err := invoicepdf.Render(inv, invoicepdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.rec.onUI(func() { f.invoice().writePDF(w, pdf) })
	f.rec.wait(t, TaskSavePDF, saved)
	got, err := os.ReadFile(path)
	if err != nil || !slices.Equal(got, pdf) {
		t.Fatalf("saved file: %v", err)
	}
	if err := pdfapi.Validate(bytes.NewReader(got), model.NewDefaultConfiguration()); err != nil {
		t.Fatalf("saved PDF is not valid: %v", err)
	}
}

func TestJapaneseLocaleShowsJapanese(t *testing.T) {
	f := start(t, billing.JPY, "ja")
	f.rec.onUI(func() {
		text := dump(f.shell.win.Content())
		for _, want := range []string{"利用可能クレジット", "請求書", "クレジット追加", "取引履歴"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q not on screen", want)
			}
		}
	})
}

// dump collects every text shown in o's tree (labels, buttons and entries
// all end up as canvas.Text).
func dump(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, c := range shown(o) {
		if t, ok := c.(*canvas.Text); ok {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

// shown lays out o's tree as test.LaidOutObjects does and collects the
// objects that are not hidden: screens build their widgets once and hide
// what does not apply.
func shown(o fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject, size fyne.Size)
	walk = func(o fyne.CanvasObject, size fyne.Size) {
		if !o.Visible() {
			return
		}
		out = append(out, o)
		switch c := o.(type) {
		case fyne.Widget:
			r := test.WidgetRenderer(c)
			r.Layout(size)
			for _, child := range r.Objects() {
				walk(child, child.Size())
			}
		case *fyne.Container:
			if c.Layout != nil {
				c.Layout.Layout(c.Objects, size)
			}
			for _, child := range c.Objects {
				walk(child, child.Size())
			}
		}
	}
	walk(o, o.MinSize().Max(o.Size()))
	return out
}

// Every string the UI shows is translated, and the two files agree.
func TestTranslationsAreComplete(t *testing.T) {
	// A message is a string, or its plural forms ({"one": …, "other": …}).
	read := func(name string) map[string]any {
		data, err := assets.Translations.ReadFile("translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			if forms, ok := v.(map[string]any); ok && forms["other"] == nil {
				t.Errorf("%s: %q has no \"other\" form", name, k)
			}
		}
		return m
	}
	en, ja := read("en.json"), read("ja.json")
	for k := range en {
		if _, ok := ja[k]; !ok {
			t.Errorf("ja.json lacks %q", k)
		}
	}
	for k := range ja {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`lang\.(?:L|X|N)\("((?:[^"\\]|\\.)*)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if _, ok := ja[m[1]]; !ok {
				t.Errorf("%s: %q is not translated", f, m[1])
			}
		}
	}
	for _, msg := range slices.Concat(slices.Collect(maps.Values(codeMessages)), slices.Collect(maps.Values(customerCodeMessages))) {
		if _, ok := ja[msg]; !ok {
			t.Errorf("problem message %q is not translated", msg)
		}
	}
}

func TestStaffConfirmsBankTransferAndAdjusts(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust, cc, p := transferWaiting(t, env)
	ctx := context.Background()
	var counting *countingStaff
	a, rec := startStaff(t, env, func(sc *apiclient.Client, d *Deps) {
		counting = &countingStaff{StaffBackend: sc}
		d.Staff = counting
	})
	staffCalls := &counting.searches
	rec.wait(t, TaskCustomers, 0)
	var screen *customersScreen
	searches := staffCalls.Load()
	rec.onUI(func() {
		screen = a.customers
		test.Type(screen.search, cust.Email) // one keystroke at a time
	})
	rec.wait(t, TaskCustomers, 1)
	if n := staffCalls.Load() - searches; n != 1 {
		t.Fatalf("typing %q searched %d times, want once after the pause", cust.Email, n)
	}
	rec.onUI(func() { screen.results.Select(0) })
	rec.wait(t, TaskCustomer, 0)
	rec.onUI(func() {
		text := dump(screen.panel.object())
		if !strings.Contains(text, p.NextAction.Instructions.Reference) {
			t.Fatalf("waiting transfer not listed:\n%s", text)
		}
		for _, o := range shown(screen.panel.object()) {
			if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == "Reference on the bank statement" {
				e.SetText(p.NextAction.Instructions.Reference)
			}
		}
		test.Tap(findButton(screen.panel.object(), "Confirm receipt"))
	})
	var name string
	rec.onUI(func() { name = screen.pages.items[0].Name })
	answerDialog(t, rec, a.win, "Confirm receipt", name, cust.Email, "¥8,000", p.NextAction.Instructions.Reference)
	rec.wait(t, TaskConfirm, 0)
	sum, err := cc.Summary(ctx)
	if err != nil || sum.AvailableCredit.Amount != 8_000 {
		t.Fatalf("credit after confirmation: %v %v", sum.AvailableCredit, err)
	}
	// It says what was credited, and to whom.
	inv, err := cc.Invoice(ctx, p.InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	rec.onUI(func() {
		if want := "¥8,000 credited to " + name + "'s account: invoice " + inv.Number + " is paid."; screen.panel.confirmed.Text != want {
			t.Fatalf("after confirming: %q, want %q", screen.panel.confirmed.Text, want)
		}
	})
}

// startStaff opens the app for a new staff account of env, in English;
// setup adjusts its dependencies first.
func startStaff(t *testing.T, env *servertest.Env, setup func(sc *apiclient.Client, d *Deps)) (*staffShell, *recorder) {
	t.Helper()
	return startStaffIn(t, env, "en", setup)
}

// startStaffIn is startStaff in a language, with the app's fonts.
func startStaffIn(t *testing.T, env *servertest.Env, language string, setup func(sc *apiclient.Client, d *Deps)) (*staffShell, *recorder) {
	t.Helper()
	t.Setenv("LANGUAGE", "")
	if err := LoadTranslations(language); err != nil {
		t.Fatal(err)
	}
	fa := test.NewTempApp(t)
	fa.Settings().SetTheme(NewTheme("light"))
	staff := env.NewStaff()
	sc, err := apiclient.New(env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := sc.SignIn(context.Background(), staff.Email, staff.Password)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	d := Deps{App: fa, Backend: sc, Staff: sc, User: u, Runner: rec.runner}
	if setup != nil {
		setup(sc, &d)
	}
	var s *staffShell
	rec.onUI(func() {
		s = newStaffShell(d)
		s.start()
	})
	t.Cleanup(func() {
		rec.onUI(s.Close)
		rec.runner.Wait()
	})
	return s, rec
}

// countingStaff counts customer searches.
type countingStaff struct {
	StaffBackend
	searches atomic.Int32
}

func (s *countingStaff) StaffCustomerPage(ctx context.Context, q apiclient.CustomerQuery) (api.CustomerList, error) {
	s.searches.Add(1)
	return s.StaffBackend.StaffCustomerPage(ctx, q)
}

func TestSupportURLIsVettedAndFilledIn(t *testing.T) {
	inv := api.Invoice{Number: "INV-2026-000011", Status: billing.InvoiceUnpaid, Payments: []api.Payment{{ID: "pay_1"}, {ID: "pay_2"}}}
	u, err := supportURL(apiclient.CheckRedirectURL, "https://help.example.jp/tickets/new?lang=ja", inv)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Host != "help.example.jp" || q.Get("lang") != "ja" || q.Get("invoice") != inv.Number || q.Get("payments") != "pay_1,pay_2" ||
		q.Get("subject") != "Invoice INV-2026-000011 (unpaid)" {
		t.Fatalf("support URL %s", u)
	}
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "http://help.example.jp/", "https://user@help.example.jp/"} {
		if u, err := supportURL(apiclient.CheckRedirectURL, bad, inv); err == nil {
			t.Errorf("%q: opened as %s", bad, u)
		}
	}
}
