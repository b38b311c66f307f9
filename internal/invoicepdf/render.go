// Package invoicepdf renders an invoice as an A4 PDF with the bundled
// IPAexGothic font (assets.JapaneseFont), the font the desktop UI uses too.
//
// Render is a pure function: the same invoice and options give the same
// bytes, in any process, on any machine. The PDF creation date is the
// invoice's issue time, the file identifier is a digest of the content,
// nothing random is written, and no clock, locale or time zone database is
// consulted.
//
// Labels follow the invoice's Language: "ja" (or "ja-JP") gives Japanese
// labels, anything else English. Calendar dates are taken in Asia/Tokyo for
// Japanese invoices and printed as 2026年11月25日, and in UTC for all others,
// printed as 25 Nov 2026. An instant such as 2026-11-25T16:00Z therefore
// prints as 2026年11月26日 on a Japanese invoice and 25 Nov 2026 on an
// English one; the PDF's creation date uses the same zone.
//
// Amounts are printed with billing.Format, and the per-rate tax breakdown is
// the invoice's TaxByRate as the server computed it: nothing is recomputed.
// Lines at the reduced rate (8 %) are marked ※, with the legend
// "※は軽減税率対象".
//
// Every character must be in the font. One that is not, such as an emoji,
// makes Render fail with a *MissingGlyphError naming the character and the
// field, where gopdf would print a blank; with Options.OnMissing it is drawn
// as MissingMark (〓) and reported instead. Characters beyond the Basic
// Multilingual Plane that the font has (308 rare kanji such as 𠀋) are drawn
// and extract correctly.
//
// How it is built: the layout (layout.go) is computed in points from the
// font's own metrics, with Japanese line breaking (kinsoku) by textwrap
// rather than gopdf's SplitText, which loops forever on a width narrower
// than a glyph; the file is then written with a per-render subset of the
// font (font.go) by pdf.go, or, with Options.PlainGopdf, drawn and written
// by github.com/signintech/gopdf (v0.33.0) alone. See writePDF for why.
package invoicepdf

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"billfold/api"
	"billfold/assets"
	"billfold/billing"
)

// Options are the inputs that are not part of the invoice itself.
type Options struct {
	// Bank is where the customer transfers the money. It is printed on
	// unpaid invoices whose payment method is bank transfer (the invoice's
	// Gateway, or one of its payments still waiting for the transfer). When
	// nil, the instructions of that waiting payment are used, if any.
	Bank *api.BankInstructions
	// OnMissing, when set, lets Render draw an invoice with characters the
	// font lacks (an emoji in a name): each is drawn as MissingMark and
	// reported here with the field it is in, instead of Render failing
	// with a *MissingGlyphError. The archive uses it, so that one
	// character never keeps an invoice out of the archive.
	OnMissing func(field string, r rune)
	// PlainGopdf has gopdf draw and write the file on its own, with the
	// bundled font as gopdf embeds it, instead of Billfold's writer: the
	// same layout and the same text (TestPlainGopdfSameText), needing
	// nothing of Billfold's PDF code, for checking a gopdf upgrade or
	// falling back to gopdf. What it costs, with gopdf v0.33.0: several
	// times the CPU time and twice the size per PDF; characters beyond the
	// BMP (𠀋) extract wrongly (its ToUnicode map writes them as five hex
	// digits); the document information is a direct object in the
	// trailer, which pdfcpu and PDF/A checkers do not read; no file
	// identifier.
	PlainGopdf bool
}

// MissingMark stands in for a character the font lacks when
// Options.OnMissing is set: 〓 (geta), the mark Japanese typesetting uses
// for a character it cannot set.
const MissingMark = '〓'

// ErrMissingGlyph is matched (errors.Is) by every *MissingGlyphError.
var ErrMissingGlyph = errors.New("character not in the font")

// MissingGlyphError names a character of the invoice that the font cannot
// draw and where it occurs.
type MissingGlyphError struct {
	Field string // e.g. "buyer.name" or "lines[2].description"
	Rune  rune
}

func (e *MissingGlyphError) Error() string {
	return fmt.Sprintf("invoicepdf: %s contains %q (%U), which the font %s cannot draw", e.Field, e.Rune, e.Rune, assets.FontName)
}

// Is makes errors.Is(err, ErrMissingGlyph) true.
func (e *MissingGlyphError) Is(target error) bool { return target == ErrMissingGlyph }

// bankTransfer is the gateway id of bank transfers (internal/server/gateway).
const bankTransfer = "bank_transfer"

// font is the parsed bundled font, shared read-only by all renders.
var font = sync.OnceValues(func() (*sfnt, error) { return parseSFNT(assets.JapaneseFont) })

// Render returns inv as a PDF. It is safe for concurrent use.
func Render(inv api.Invoice, opts Options) (pdf []byte, err error) {
	f, err := font()
	if err != nil {
		return nil, err
	}
	defer func() {
		// gopdf panics on some internal errors (a nil font, a bad image),
		// and a bug here might too; a renderer inside a desktop app must
		// not take the app down.
		if r := recover(); r != nil {
			pdf, err = nil, fmt.Errorf("invoicepdf: render %s: panic: %v", inv.Number, r)
		}
	}()
	d, err := newDoc(f, inv, opts)
	if err != nil {
		return nil, err
	}
	d.layout()
	info := docInfo{
		Title:    d.l.titleFor + " " + d.inv.Number,
		Author:   d.seller.Name,
		Subject:  d.subject(),
		Creator:  "Billfold",
		Producer: "Billfold invoicepdf",
		Created:  d.inv.IssuedAt.In(d.l.zone()),
	}
	if opts.PlainGopdf {
		return d.writeGopdf(info)
	}
	s := getScratch()
	defer putScratch(s)
	runes := d.runes()
	program, err := d.f.subset(runes, s)
	if err != nil {
		return nil, fmt.Errorf("invoicepdf: %w", err)
	}
	return d.writePDF(runes, program, info, s), nil
}

// subject is the PDF's Subject: who is billed and how much.
func (d *doc) subject() string {
	who := d.buyer.Name + d.l.honorific
	if d.buyer.Company != "" {
		who = d.buyer.Company + d.l.companyHonorific
	}
	return fmt.Sprintf(d.l.subjectFmt, who, billing.Format(d.inv.Total))
}

// runes are the distinct characters drawn, sorted.
func (d *doc) runes() []rune {
	seen := map[rune]bool{}
	var rs []rune
	for _, page := range d.pages {
		for _, o := range page {
			for _, r := range o.text {
				if !seen[r] {
					seen[r] = true
					rs = append(rs, r)
				}
			}
		}
	}
	slices.Sort(rs)
	return rs
}

// clean normalises line ends and tabs; single-line fields lose their line
// breaks.
func clean(s string, multiline bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	if !multiline {
		s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	}
	return strings.TrimSpace(s)
}
