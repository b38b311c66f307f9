package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"billfold/billing"
)

// Choosing a language in Settings switches the window at once, on the
// Settings section, and asks the server to answer in it from then on.
func TestLanguageSwitchAppliesAtOnceAndToTheServer(t *testing.T) {
	f := start(t, billing.JPY, "en")
	w := f.shell.win
	f.rec.onUI(func() {
		f.shell.showSection(len(f.shell.sections) - 2)      // Settings, above About
		f.shell.settings.get().language.SetSelectedIndex(2) // 日本語
	})
	f.rec.wait(t, TaskConfig, 1) // the shell, built anew, loads its data
	f.rec.onUI(func() {
		if got := f.client.Language(); got != "ja" {
			t.Fatalf("the server is asked for %q, want ja", got)
		}
		text := dump(w.Content())
		if !strings.Contains(text, "言語") || !strings.Contains(text, "請求") || strings.Contains(text, "Language") {
			t.Fatalf("window after choosing 日本語:\n%s", text)
		}
		sel, ok := w.Canvas().Focused().(*widget.Select)
		if !ok || sel.Selected != "日本語" {
			t.Fatalf("focus on %T, want the language chosen", w.Canvas().Focused())
		}
		sel.SetSelectedIndex(1) // English
	})
	f.rec.wait(t, TaskConfig, 2)
	f.rec.onUI(func() {
		if got := f.client.Language(); got != "en" || !strings.Contains(dump(w.Content()), "Language") {
			t.Fatalf("back in English: server asked for %q, window:\n%s", got, dump(w.Content()))
		}
	})
}

// An invoice whose document is in another language than the UI says so;
// one in the UI's language does not.
func TestInvoiceScreenLabelsTheDocumentLanguage(t *testing.T) {
	for _, c := range []struct {
		ui       string
		currency billing.Currency // JPY accounts invoice in Japanese, others in English
		note     string
	}{
		{"en", billing.JPY, "Invoice language: 日本語. The PDF and the line items are in this language."},
		{"ja", billing.JPY, ""},
		{"en", billing.USD, ""},
		{"ja", billing.USD, "請求書の言語：English。PDF と明細はこの言語で作成されます。"},
	} {
		t.Run(c.ui+"-"+string(c.currency), func(t *testing.T) {
			f := start(t, c.currency, c.ui)
			f.openInvoice(t, f.serviceInvoice(t, 3_000))
			f.rec.onUI(func() {
				l := f.invoice().details.docLanguage
				got := ""
				if l.Visible() {
					got = l.Text
				}
				if got != c.note {
					t.Fatalf("note %q, want %q", got, c.note)
				}
			})
		})
	}
}
