package invoicepdf

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/signintech/gopdf"

	"billfold/assets"
)

// gopdfFonts is the bundled font parsed by gopdf once, shared by every
// plain gopdf render (each takes a copy of it).
var gopdfFonts = sync.OnceValues(func() (*gopdf.FontContainer, error) {
	c := &gopdf.FontContainer{}
	if err := c.AddTTFFontData(assets.FontName, assets.JapaneseFont); err != nil {
		return nil, fmt.Errorf("invoicepdf: gopdf: load font: %w", err)
	}
	return c, nil
})

// writeGopdf draws the laid-out pages with gopdf and has it write the file
// (Options.PlainGopdf).
func (d *doc) writeGopdf(info docInfo) ([]byte, error) {
	fonts, err := gopdfFonts()
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontFromFontContainer(assets.FontName, fonts); err != nil {
		return nil, fmt.Errorf("invoicepdf: gopdf: %w", err)
	}
	if err := pdf.SetFont(assets.FontName, "", 9); err != nil {
		return nil, fmt.Errorf("invoicepdf: gopdf: %w", err)
	}
	pdf.SetInfo(gopdf.PdfInfo{Title: info.Title, Author: info.Author, Subject: info.Subject,
		Creator: info.Creator, Producer: info.Producer + " (gopdf v0.33.0)", CreationDate: info.Created})
	for _, page := range d.pages {
		pdf.AddPage()
		for _, o := range page {
			if err := drawOp(pdf, o); err != nil {
				return nil, fmt.Errorf("invoicepdf: gopdf: draw: %w", err)
			}
		}
	}
	// Never WritePdf or GetBytesPdf: they log.Fatal on error.
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("invoicepdf: gopdf: write: %w", err)
	}
	// gopdf ignores the errors of the objects it writes; check at least
	// that a whole file came out.
	if b := buf.Bytes(); !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		return nil, errIncomplete
	}
	return buf.Bytes(), nil
}

// errIncomplete: gopdf's output lacks its header or trailer.
var errIncomplete = errors.New("invoicepdf: gopdf wrote an incomplete PDF")

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
