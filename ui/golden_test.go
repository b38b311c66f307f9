package ui

import (
	"bytes"
	"context"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/go-text/typesetting/font"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
)

// Markup goldens of the main screens (testdata/*.xml), in English for an
// English-speaking account and in Japanese for a Japanese one, so that
// every text on them is in the UI's language. They are rendered with
// fyne's test theme, whose colours are all distinct, so each is named
// unambiguously in the markup, and with the app's own fonts, which are
// bundled and draw every character shown (assertBundledGlyphs checks it):
// text sizes never come from the machine's fonts, so the goldens hold with
// or without CJK fonts installed. To update after an intended change: run
// the test, inspect testdata/failed/*.xml, and copy them over.
func TestGoldenScreens(t *testing.T) {
	for _, c := range []struct {
		language string
		currency billing.Currency
		suffix   string
	}{{"en", billing.USD, ""}, {"ja", billing.JPY, "-ja"}} {
		t.Run(c.language, func(t *testing.T) {
			f := start(t, c.currency, c.language)
			ctx := context.Background()
			issued := time.Date(2026, 10, 1, 9, 0, 0, 0, time.Local)
			for i, lines := range [][]server.ServiceLine{
				{{Description: "VPS Standard 4 GB", Quantity: 1, UnitPrice: 3_300, TaxRate: 10}},
				{{Description: "VPS Standard 4 GB", Quantity: 1, UnitPrice: 3_300, TaxRate: 10}, {Description: "Office water", Quantity: 2, UnitPrice: 1_080, TaxRate: 8}},
			} {
				at := issued.AddDate(0, i, 0)
				if _, err := f.env.Server.IssueServiceInvoice(ctx, f.user.ID, at, at.AddDate(0, 0, 14), lines); err != nil {
					t.Fatal(err)
				}
			}
			var rows []*invoiceRow
			for inv, err := range f.client.AllInvoiceSummaries(ctx, apiclient.InvoiceQuery{}) {
				if err != nil {
					t.Fatal(err)
				}
				inv.Overdue = false // the golden must not depend on today's date
				rows = append(rows, newInvoiceRow(&inv))
			}
			th := goldenTheme{Theme: test.Theme(), fonts: NewTheme("light")}
			f.rec.onUI(func() {
				f.browser.Settings().SetTheme(th)
				tab := newInvoicesTab(f.shell.acct, nil, f.browser.Preferences())
				tab.onInvoices(rows)
				w := test.NewWindow(tab.object())
				defer w.Close()
				w.Resize(fyne.NewSize(860, 320))
				assertBundledGlyphs(t, w.Canvas(), th)
				test.AssertRendersToMarkup(t, "invoices"+c.suffix+".xml", w.Canvas())

				af := newAddFundsTab(f.shell.env, f.backend, f.shell.acct, nil)
				af.onConfig()
				af.onSummary()
				af.amount.SetText("500")
				w2 := test.NewWindow(af.object())
				defer w2.Close()
				w2.Resize(fyne.NewSize(860, 900))
				assertBundledGlyphs(t, w2.Canvas(), th)
				test.AssertRendersToMarkup(t, "addfunds"+c.suffix+".xml", w2.Canvas())
			})
		})
	}
}

// goldenTheme is fyne's test theme with the app's fonts: Fyne's own, and
// the UI face as their fallback, which the app theme installs.
type goldenTheme struct {
	fyne.Theme
	fonts fyne.Theme
}

func (g goldenTheme) Font(s fyne.TextStyle) fyne.Resource { return g.fonts.Font(s) }

// assertBundledGlyphs fails when a text on the canvas has a character that
// neither the theme's font for its style nor the UI face, their fallback,
// draws (as a glyph of its own, not the .notdef's box).
func assertBundledGlyphs(t *testing.T, c fyne.Canvas, th fyne.Theme) {
	t.Helper()
	faces := map[fyne.Resource]*font.Face{}
	draws := func(res fyne.Resource, r rune) bool {
		f, ok := faces[res]
		if !ok {
			var err error
			if f, err = font.ParseTTF(bytes.NewReader(res.Content())); err != nil {
				t.Fatalf("font %s: %v", res.Name(), err)
			}
			faces[res] = f
		}
		gid, ok := f.NominalGlyph(r)
		return ok && gid != 0
	}
	for _, o := range test.LaidOutObjects(c.Content()) {
		text, ok := o.(*canvas.Text)
		if !ok {
			continue
		}
		for _, r := range text.Text {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				continue
			}
			if !draws(th.Font(text.TextStyle), r) && !draws(uiFace, r) {
				t.Errorf("%q in %q: no bundled font draws it", r, text.Text)
			}
		}
	}
}
