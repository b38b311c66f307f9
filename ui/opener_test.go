package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"billfold/billing"
	"billfold/internal/opener"
)

// When the desktop cannot open the payment page, the invoice screen says
// so in words and keeps the address on screen to copy; Contact support and
// the credit policy link say so in a dialog with the address.
func TestABrowserThatCannotOpenIsToldWithTheAddressToCopy(t *testing.T) {
	f := start(t, billing.USD, "en")
	noBrowser := error(&opener.Error{URL: "https://pay.example", Reason: opener.NoHandler, Err: errors.New("exit status 3")})
	f.browser.fail.Store(&noBrowser)
	opened := f.rec.mark(TaskOpenURL)
	f.payFromInvoiceScreen(t, billing.New(50_00, billing.USD), "card")
	f.rec.wait(t, TaskOpenURL, opened)
	f.rec.onUI(func() {
		v := f.invoice()
		if v.waiting == nil {
			t.Fatal("no longer waiting for the payment")
		}
		page := v.waiting.NextAction.URL
		if !strings.Contains(v.message.Text, "No application is set up to open this") ||
			!strings.Contains(v.message.Text, "Copy the payment page's address") {
			t.Errorf("message %q", v.message.Text)
		}
		if v.payAddress.text.Text != page || !strings.Contains(dump(v.object()), "Copy") {
			t.Fatalf("address on screen %q, want %q", v.payAddress.text.Text, page)
		}
		test.Tap(v.payAddress.button)
		if got := f.browser.Clipboard().Content(); got != page || v.payAddress.button.Text != "Copied" {
			t.Errorf("copied %q (button %q), want %q", got, v.payAddress.button.Text, page)
		}
	})

	opened = f.rec.mark(TaskOpenURL)
	f.rec.onUI(func() { test.Tap(findButton(f.invoice().object(), "Contact support")) })
	f.rec.wait(t, TaskOpenURL, opened)
	f.rec.onUI(func() {
		top := f.shell.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no dialog after the support page could not be opened")
		}
		text := dump(top)
		for _, want := range []string{"Could not open it", "No application is set up to open this", "https://billing.example.jp/support/tickets/new"} {
			if !strings.Contains(strings.ReplaceAll(text, "\n", ""), want) {
				t.Errorf("dialog lacks %q:\n%s", want, text)
			}
		}
		top.Hide()
		f.shell.win.Canvas().Overlays().Remove(top)
	})

	// The policy link opens through the same browser (and is told of too).
	for len(f.browser.opened) > 0 {
		<-f.browser.opened // the payment and support pages
	}
	af := f.addFundsTab()
	opened = f.rec.mark(TaskOpenURL)
	f.rec.onUI(func() {
		f.shell.billing.selectTab(1)
		af.policyLink.OnTapped()
	})
	f.rec.wait(t, TaskOpenURL, opened)
	if u := f.browser.next(t); u.String() != "https://billing.example.jp/policies/account-credit" {
		t.Errorf("the policy link opened %s", u)
	}
	f.rec.onUI(func() {
		if top := f.shell.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(dump(top), "Could not open it") {
			t.Error("no dialog after the policy page could not be opened")
		}
	})
}

// Every page the app opens has its address on screen while it waits,
// whether or not a browser opened.
func TestPaymentAddressIsShownWhileWaiting(t *testing.T) {
	f := start(t, billing.USD, "en")
	f.payFromInvoiceScreen(t, billing.New(20_00, billing.USD), "paypal")
	f.rec.onUI(func() {
		v := f.invoice()
		if v.waiting == nil || v.payAddress.text.Text != v.waiting.NextAction.URL || !v.payAddress.Visible() {
			t.Fatalf("waiting %v, address %q", v.waiting != nil, v.payAddress.text.Text)
		}
		if !strings.Contains(strings.ReplaceAll(dump(v.object()), "\n", " "), "If no browser opened, copy this address into one:") {
			t.Fatal("no hint to copy the address")
		}
	})
}

func TestAddressOfAFileIsItsPath(t *testing.T) {
	for path, want := range map[string]string{
		"/home/taro/Documents/Billfold/INV-1.pdf": "/home/taro/Documents/Billfold/INV-1.pdf",
		"/tmp/a b/請求書.pdf":                        "/tmp/a b/請求書.pdf",
	} {
		if got := address(fileURL(path)); got != want {
			t.Errorf("address(fileURL(%q)) = %q", path, got)
		}
	}
	if got := address(fileURL(`C:\Users\taro\INV-1.pdf`)); !strings.HasPrefix(strings.ReplaceAll(got, `\`, "/"), "C:/Users/taro") {
		t.Errorf("a Windows path came back as %q", got)
	}
}
