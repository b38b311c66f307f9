// Package invoicepdf renders an invoice as an A4 PDF with
// github.com/signintech/gopdf (v0.33.0) and the bundled IPAexGothic font
// (assets.JapaneseFont), the font the desktop UI uses too.
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
// font's own metrics, with Japanese line breaking (kinsoku) done here rather
// than by gopdf's SplitText, which loops forever on a width narrower than a
// glyph; gopdf then draws it with a per-render subset of the font
// (font.go), and restream.go finishes the file. See sfnt and restream for
// why: it is what makes a render about 2.5 times cheaper than gopdf's
// FontContainer.
package invoicepdf

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/signintech/gopdf"

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
		// gopdf panics on some internal errors (a nil font, a bad image);
		// a renderer inside a desktop app must not take the app down.
		if r := recover(); r != nil {
			pdf, err = nil, fmt.Errorf("invoicepdf: render %s: panic: %v", inv.Number, r)
		}
	}()
	d, err := newDoc(f, inv, opts)
	if err != nil {
		return nil, err
	}
	d.layout()
	return d.write()
}

// write draws the laid-out pages with gopdf and finishes the file.
func (d *doc) write() ([]byte, error) {
	runes := d.runes()
	sub, err := d.f.subset(runes)
	if err != nil {
		return nil, fmt.Errorf("invoicepdf: %w", err)
	}
	family := subsetTag(runes) + "+" + assets.FontName

	var missing []rune
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	pdf.SetNoCompression() // restream compresses
	err = pdf.AddTTFFontDataWithOption(family, sub.metrics, gopdf.TtfOption{
		// Every rune drawn is in the subset; a miss here would be a bug in
		// the layout's bookkeeping, reported rather than printed blank.
		OnGlyphNotFound: func(r rune) { missing = append(missing, r) },
	})
	if err != nil {
		return nil, fmt.Errorf("invoicepdf: load font: %w", err)
	}
	if err := pdf.SetFont(family, "", 9); err != nil {
		return nil, fmt.Errorf("invoicepdf: %w", err)
	}
	for _, page := range d.pages {
		pdf.AddPage()
		for _, o := range page {
			if err := drawOp(pdf, o); err != nil {
				return nil, fmt.Errorf("invoicepdf: draw: %w", err)
			}
		}
	}
	if len(missing) > 0 {
		return nil, &MissingGlyphError{Field: "layout", Rune: missing[0]}
	}
	// Never WritePdf or GetBytesPdf: they log.Fatal on error.
	var buf bytes.Buffer
	buf.Grow(32 << 10)
	if _, err := pdf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("invoicepdf: write: %w", err)
	}
	// gopdf ignores the errors of the objects it writes; check at least
	// that a whole file came out.
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte("%PDF-")) || !bytes.HasSuffix(raw, []byte("%%EOF\n")) {
		return nil, errIncomplete
	}
	return restream(raw, sub, runes, infoDictionary(gopdf.PdfInfo{
		Title:        d.l.titleFor + " " + d.inv.Number,
		Author:       d.seller.Name,
		Subject:      d.subject(),
		Creator:      "Billfold",
		Producer:     "Billfold invoicepdf (gopdf v0.33.0)",
		CreationDate: d.inv.IssuedAt.In(d.l.zone()),
	}))
}

// subject is the PDF's Subject: who is billed and how much.
func (d *doc) subject() string {
	who := d.buyer.Name + d.l.honorific
	if d.buyer.Company != "" {
		who = d.buyer.Company + d.l.companyHonorific
	}
	return fmt.Sprintf(d.l.subjectFmt, who, billing.Format(d.inv.Total))
}

func drawOp(pdf *gopdf.GoPdf, o op) error {
	switch o.kind {
	case opText:
		if err := pdf.SetFontSize(o.size); err != nil {
			return err
		}
		pdf.SetTextColor(o.color.r, o.color.g, o.color.b)
		pdf.SetXY(o.x, o.y)
		return pdf.Text(o.text)
	case opLine:
		pdf.SetLineWidth(o.lw)
		pdf.SetStrokeColor(o.color.r, o.color.g, o.color.b)
		pdf.Line(o.x, o.y, o.x+o.w, o.y+o.h)
	case opFill:
		pdf.SetFillColor(o.color.r, o.color.g, o.color.b)
		pdf.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "F")
	case opBox:
		pdf.SetLineWidth(o.lw)
		pdf.SetStrokeColor(o.color.r, o.color.g, o.color.b)
		pdf.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "D")
	}
	return nil
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
