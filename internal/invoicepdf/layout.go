package invoicepdf

import (
	"fmt"
	"strings"

	"billfold/api"
	"billfold/billing"
)

// The layout is computed in points on an A4 page, y growing downwards, into
// a list of drawing operations per page. It measures text with the font's
// own metrics (the same numbers gopdf uses), so pagination, wrapping and
// right alignment are known before anything is drawn, and the glyphs to
// embed are exactly the runes of the text operations.

type rgb struct{ r, g, b uint8 }

type opKind uint8

const (
	opText opKind = iota // text at x, baseline y
	opLine               // from (x, y) to (x+w, y+h)
	opFill               // filled rectangle
	opBox                // stroked rectangle
)

type op struct {
	kind       opKind
	x, y, w, h float64
	size, lw   float64
	text       string
	color      rgb
}

// Page geometry (points).
const (
	pageW   = 595.28
	pageH   = 841.89
	marginL = 42.0
	marginR = 42.0
	right   = pageW - marginR
	contW   = right - marginL
	topY    = 40.0
	bottomY = pageH - 62 // content stops here; the footer is below
	footerY = pageH - 46
)

// Colours.
var (
	ink       = rgb{0x1f, 0x29, 0x37}
	muted     = rgb{0x5f, 0x67, 0x75}
	ruleColor = rgb{0xc9, 0xce, 0xd6}
	headFill  = rgb{0x24, 0x31, 0x4d}
	white     = rgb{0xff, 0xff, 0xff}
	zebra     = rgb{0xf4, 0xf6, 0xf9}
	panelFill = rgb{0xec, 0xf0, 0xf6}
	accent    = rgb{0x24, 0x31, 0x4d}
)

// Table geometry.
const (
	bodySize = 8.5  // table text size
	lead     = 12.5 // line pitch inside a row
	rowPadV  = 4.5  // vertical padding of a row
	cellPad  = 5.0  // horizontal padding of a cell
	headH    = 20.0 // table header row height
)

type align uint8

const (
	alignLeft align = iota
	alignRight
	alignCenter
)

type column struct {
	x, w  float64
	align align
}

// The item table's columns: No., description, quantity, unit price, tax
// rate, amount. The description takes what the others leave.
var cols = func() [6]column {
	widths := [6]float64{26, 0, 44, 84, 42, 90}
	aligns := [6]align{alignCenter, alignLeft, alignRight, alignRight, alignCenter, alignRight}
	fixed := 0.0
	for _, w := range widths {
		fixed += w
	}
	widths[1] = contW - fixed
	var c [6]column
	x := marginL
	for i := range c {
		c[i] = column{x, widths[i], aligns[i]}
		x += widths[i]
	}
	return c
}()

const (
	colNo = iota
	colDesc
	colQty
	colUnit
	colRate
	colAmount
)

// doc is one render's state.
type doc struct {
	f    *sfnt
	l    *labels
	inv  api.Invoice
	bank *api.BankInstructions

	seller api.Seller
	buyer  api.Party
	descs  []string
	method string

	pages [][]op
	sink  *[]op // where add puts operations: the current page, or a block being measured
	y     float64
}

// newDoc cleans and checks the invoice's text: every character must be in
// the font.
func newDoc(f *sfnt, inv api.Invoice, opts Options) (*doc, error) {
	d := &doc{f: f, l: labelsFor(inv.Language), inv: inv}
	d.seller = api.Seller{
		Name:               clean(inv.Seller.Name, false),
		Address:            clean(inv.Seller.Address, true),
		RegistrationNumber: clean(inv.Seller.RegistrationNumber, false),
		Email:              clean(inv.Seller.Email, false),
	}
	d.buyer = api.Party{
		Name:    clean(inv.Buyer.Name, false),
		Company: clean(inv.Buyer.Company, false),
		Address: clean(inv.Buyer.Address, true),
		Email:   clean(inv.Buyer.Email, false),
	}
	d.inv.Number = clean(inv.Number, false)
	if inv.Gateway != "" {
		d.method = clean(d.l.gateway(inv.Gateway), false)
	}
	type field struct {
		name string
		s    *string
	}
	fields := []field{
		{"number", &d.inv.Number},
		{"seller.name", &d.seller.Name}, {"seller.address", &d.seller.Address},
		{"seller.registration_number", &d.seller.RegistrationNumber}, {"seller.email", &d.seller.Email},
		{"buyer.name", &d.buyer.Name}, {"buyer.company", &d.buyer.Company},
		{"buyer.address", &d.buyer.Address}, {"buyer.email", &d.buyer.Email},
		{"gateway", &d.method},
	}
	d.descs = make([]string, len(inv.Lines))
	for i, l := range inv.Lines {
		d.descs[i] = clean(l.Description, true)
		fields = append(fields, field{fmt.Sprintf("lines[%d].description", i), &d.descs[i]})
	}
	if d.bank = d.bankInstructions(opts); d.bank != nil {
		b := *d.bank
		b.BankName, b.BranchName = clean(b.BankName, false), clean(b.BranchName, false)
		b.AccountType, b.AccountNumber = clean(b.AccountType, false), clean(b.AccountNumber, false)
		b.AccountHolder, b.Reference = clean(b.AccountHolder, false), clean(b.Reference, false)
		b.Note = clean(b.Note, true)
		if b.Amount.Currency == "" {
			b.Amount = inv.BalanceDue
		}
		d.bank = &b
		fields = append(fields,
			field{"bank.bank_name", &d.bank.BankName}, field{"bank.branch_name", &d.bank.BranchName},
			field{"bank.account_type", &d.bank.AccountType}, field{"bank.account_number", &d.bank.AccountNumber},
			field{"bank.account_holder", &d.bank.AccountHolder}, field{"bank.reference", &d.bank.Reference},
			field{"bank.note", &d.bank.Note})
	}
	for _, fl := range fields {
		var missing error
		*fl.s = strings.Map(func(r rune) rune {
			switch {
			case r == '\n' || f.has(r):
				return r
			case opts.OnMissing == nil:
				if missing == nil {
					missing = &MissingGlyphError{Field: fl.name, Rune: r}
				}
				return r
			}
			opts.OnMissing(fl.name, r)
			return MissingMark
		}, *fl.s)
		if missing != nil {
			return nil, missing
		}
	}
	return d, nil
}

// bankInstructions decides whether the invoice gets transfer instructions:
// only unpaid bank-transfer invoices do.
func (d *doc) bankInstructions(opts Options) *api.BankInstructions {
	if d.inv.Status != billing.InvoiceUnpaid {
		return nil
	}
	var pending *api.BankInstructions
	isBank := d.inv.Gateway == bankTransfer
	for i := len(d.inv.Payments) - 1; i >= 0; i-- {
		p := d.inv.Payments[i]
		if p.Gateway == bankTransfer && !p.State.Final() {
			isBank = true
			if pending == nil {
				pending = p.NextAction.Instructions
			}
		}
	}
	switch {
	case !isBank:
		return nil
	case opts.Bank != nil:
		return opts.Bank
	}
	return pending
}

// --- primitives ---

func (d *doc) add(o op) { *d.sink = append(*d.sink, o) }

func (d *doc) newPage() {
	d.pages = append(d.pages, nil)
	d.sink = &d.pages[len(d.pages)-1]
	d.y = topY
}

// text draws one line with its em box's top at top.
func (d *doc) text(x, top, size float64, c rgb, s string) {
	if s == "" {
		return
	}
	d.add(op{kind: opText, x: x, y: top + d.f.ascent*size, size: size, text: s, color: c})
}

// cell draws s inside [x, x+w] aligned, shrinking the size if s is wider.
func (d *doc) cell(x, w, top, size float64, c rgb, a align, s string) {
	tw := d.f.width(s, size)
	if tw > w && w > 0 {
		shrunk := size * w / tw
		top += (d.emH(size) - d.emH(shrunk)) / 2 // keep it vertically centred
		size, tw = shrunk, w
	}
	switch a {
	case alignRight:
		x += w - tw
	case alignCenter:
		x += (w - tw) / 2
	}
	d.text(x, top, size, c, s)
}

// emH is the height of a line of text at size (ascender to descender).
func (d *doc) emH(size float64) float64 { return (d.f.ascent - d.f.descent) * size }

// para draws s wrapped to w and returns the height used.
func (d *doc) para(x, top, w, size, pitch float64, c rgb, s string) float64 {
	if s == "" {
		return 0
	}
	lines := d.f.wrap(s, w, size)
	for i, ln := range lines {
		d.text(x, top+float64(i)*pitch, size, c, ln)
	}
	return float64(len(lines)) * pitch
}

func (d *doc) hline(x, y, w, lw float64, c rgb) {
	d.add(op{kind: opLine, x: x, y: y, w: w, lw: lw, color: c})
}

func (d *doc) fill(x, y, w, h float64, c rgb) {
	d.add(op{kind: opFill, x: x, y: y, w: w, h: h, color: c})
}

// block lays out build at y=0 to learn its height, moves it to a new page
// if it does not fit on this one, and places it at the current y.
func (d *doc) block(build func(top float64) float64) {
	var tmp []op
	saved := d.sink
	d.sink = &tmp
	h := build(0)
	d.sink = saved
	if d.y+h > bottomY && d.y > d.contentTop() {
		d.continuation()
	}
	for _, o := range tmp {
		o.y += d.y
		d.add(o)
	}
	d.y += h
}

// contentTop is where content starts on a continuation page.
func (d *doc) contentTop() float64 { return topY + 30 }

// continuation starts a new page headed with the invoice number.
func (d *doc) continuation() {
	d.newPage()
	d.text(marginL, topY, 10, ink, d.l.titleFor+" "+d.inv.Number+d.l.continued)
	word, c := d.l.stamp(d.inv.Status)
	d.cell(right-120, 120, topY+1, 8.5, c, alignRight, word)
	d.hline(marginL, topY+18, contW, 0.6, ruleColor)
	d.y = d.contentTop()
}

// --- the invoice ---

func (d *doc) layout() {
	d.newPage()
	d.header()
	d.parties()
	d.banner()
	d.table()
	d.summary()
	d.footers()
}

func (d *doc) header() {
	l := d.l
	const titleSize = 22.0
	d.text(marginL, topY, titleSize, ink, l.title)

	// Status stamp beside the title.
	word, c := l.stamp(d.inv.Status)
	const stampSize, stampPad, stampH = 12.0, 8.0, 23.0
	sx := marginL + d.f.width(l.title, titleSize) + 18
	sw := d.f.width(word, stampSize) + 2*stampPad
	sy := topY + (d.emH(titleSize)-stampH)/2
	d.add(op{kind: opBox, x: sx, y: sy, w: sw, h: stampH, lw: 1.5, color: c})
	d.add(op{kind: opBox, x: sx + 2, y: sy + 2, w: sw - 4, h: stampH - 4, lw: 0.5, color: c})
	d.cell(sx, sw, sy+(stampH-d.emH(stampSize))/2, stampSize, c, alignCenter, word)
	if d.inv.Status == billing.InvoiceUnpaid && d.inv.Overdue {
		d.text(sx+sw+8, sy+(stampH-d.emH(8))/2, 8, c, l.overdue)
	}

	kind := l.serviceKind
	if d.inv.Kind == billing.KindAddFunds {
		kind = l.depositKind
	}
	leftBottom := topY + d.emH(titleSize) + 6
	leftBottom += d.para(marginL, leftBottom, 270, 8.5, 12, muted, kind)

	// Invoice number and dates, right.
	const mx = 340.0
	rows := [][2]string{{l.number, d.inv.Number}, {l.issued, l.date(d.inv.IssuedAt)}, {l.due, l.date(d.inv.DueAt)}}
	if d.inv.PaidAt != nil {
		rows = append(rows, [2]string{l.paid, l.date(*d.inv.PaidAt)})
	}
	if d.inv.CancelledAt != nil {
		rows = append(rows, [2]string{l.cancelled, l.date(*d.inv.CancelledAt)})
	}
	if d.method != "" {
		rows = append(rows, [2]string{l.method, d.method})
	}
	y := topY + 2
	for _, r := range rows {
		lw := d.f.width(r[0], 8) + 10
		d.text(mx, y+0.5, 8, muted, r[0])
		d.cell(mx+lw, right-mx-lw, y, 9, ink, alignRight, r[1])
		y += 14.5
	}
	d.hline(mx, y+1, right-mx, 0.5, ruleColor)
	d.y = max(leftBottom, y) + 16
}

func (d *doc) parties() {
	l := d.l
	top := d.y
	const leftW = 272.0

	// Buyer, left.
	y := top
	if l.billTo != "" && !l.ja {
		d.text(marginL, y, 7.5, muted, l.billTo)
		y += 12
	}
	b := d.buyer
	switch {
	case b.Company != "" && b.Name != "":
		y += d.para(marginL, y, leftW, 13, 17, ink, b.Company)
		y += d.para(marginL, y+1, leftW, 10, 14, ink, b.Name+l.honorific)
	case b.Company != "":
		y += d.para(marginL, y, leftW, 13, 17, ink, b.Company+l.companyHonorific)
	default:
		y += d.para(marginL, y, leftW, 13, 17, ink, b.Name+l.honorific)
	}
	d.hline(marginL, y+3, leftW, 0.8, ink)
	y += 10
	y += d.para(marginL, y, leftW, 8.5, 12, ink, b.Address)
	y += d.para(marginL, y, leftW, 8.5, 12, muted, b.Email)

	// Seller, right.
	const sx = 340.0
	sw := right - sx
	ry := top
	if l.from != "" {
		d.text(sx, ry, 7.5, muted, l.from)
		ry += 12
	}
	s := d.seller
	ry += d.para(sx, ry, sw, 10.5, 14.5, ink, s.Name)
	ry += 2
	ry += d.para(sx, ry, sw, 8.5, 12, ink, s.Address)
	ry += d.para(sx, ry, sw, 8.5, 12, muted, s.Email)
	if s.RegistrationNumber != "" {
		ry += 2
		d.text(sx, ry, 8.5, muted, l.regNo)
		d.text(sx+d.f.width(l.regNo, 8.5)+6, ry-0.3, 9, ink, s.RegistrationNumber)
		ry += 13
	}
	d.y = max(y, ry) + 14
}

// banner is the band with the invoice total and the balance due.
func (d *doc) banner() {
	l := d.l
	const h = 40.0
	top := d.y
	d.fill(marginL, top, contW, h, panelFill)
	d.fill(marginL, top, 4, h, accent)
	label := l.totalBanner
	if len(d.inv.TaxByRate) == 0 {
		label = l.totalBannerNoTax
	}
	d.text(marginL+16, top+6, 8.5, muted, label)
	d.cell(marginL+16, 250, top+18, 15, ink, alignLeft, billing.Format(d.inv.Total))
	d.cell(right-250, 236, top+6, 8.5, muted, alignRight, l.balanceBanner)
	d.cell(right-250, 236, top+19, 13, ink, alignRight, billing.Format(d.inv.BalanceDue))
	d.y = top + h + 16
}

func (d *doc) tableHeader() {
	l := d.l
	names := [6]string{l.colNo, l.colDesc, l.colQty, l.colUnit, l.colRate, l.colAmount}
	d.fill(marginL, d.y, contW, headH, headFill)
	for i, c := range cols {
		d.cell(c.x+cellPad, c.w-2*cellPad, d.y+(headH-d.emH(8))/2, 8, white, c.align, names[i])
	}
	d.y += headH
}

func (d *doc) table() {
	d.tableHeader()
	fullPage := bottomY - d.contentTop() - headH // the most a row can have
	for i, ln := range d.inv.Lines {
		desc := d.f.wrap(d.descs[i], cols[colDesc].w-2*cellPad, bodySize)
		rowH := func(n int) float64 { return float64(n)*lead + 2*rowPadV }
		first := true
		for len(desc) > 0 {
			fits := int((bottomY - d.y - 2*rowPadV) / lead)
			// Move to a new page unless the row (or, for a row taller
			// than a page, at least one line of it) fits here.
			if fits < 1 || (first && fits < len(desc) && rowH(len(desc)) <= fullPage) {
				d.continuation()
				d.tableHeader()
				continue
			}
			n := min(fits, len(desc))
			h := rowH(n)
			if i%2 == 1 {
				d.fill(marginL, d.y, contW, h, zebra)
			}
			top := d.y + rowPadV + (lead-d.emH(bodySize))/2
			if first {
				cells := [6]string{
					colNo:     quantity(int64(i + 1)),
					colQty:    quantity(ln.Quantity),
					colUnit:   billing.Format(ln.UnitPrice),
					colRate:   d.l.rateText(ln.TaxRate),
					colAmount: billing.Format(ln.Amount),
				}
				for k, c := range cols {
					if k != colDesc {
						col := ink
						if k == colNo {
							col = muted
						}
						d.cell(c.x+cellPad, c.w-2*cellPad, top, bodySize, col, c.align, cells[k])
					}
				}
			}
			for j, s := range desc[:n] {
				d.text(cols[colDesc].x+cellPad, top+float64(j)*lead, bodySize, ink, s)
			}
			d.hline(marginL, d.y+h, contW, 0.4, ruleColor)
			d.y += h
			desc = desc[n:]
			first = false
		}
	}
}

func (d *doc) summary() {
	d.y += 14
	d.block(d.taxAndTotals)
	if d.bank != nil {
		d.y += 16
		d.block(d.bankBox)
	}
	var note string
	switch d.inv.Status {
	case billing.InvoicePaid:
		note = d.l.thanks
	case billing.InvoiceCancelled:
		note = d.l.cancelledNote
	}
	if note != "" {
		d.y += 14
		d.block(func(top float64) float64 { return d.para(marginL, top, contW, 9, 13, ink, note) })
	}
}

// taxAndTotals is the per-rate breakdown (left) beside the totals (right).
func (d *doc) taxAndTotals(top float64) float64 {
	l := d.l
	inv := d.inv

	// Left: tax by rate, as the server computed it.
	const lx, lw = marginL, 262.0
	bc := [3]column{{lx, 84, alignLeft}, {lx + 84, 92, alignRight}, {lx + 176, lw - 176, alignRight}}
	y := top
	d.text(lx, y, 9, ink, l.breakdown)
	y += 15
	if len(inv.TaxByRate) > 0 {
		d.fill(lx, y, lw, 16, panelFill)
		for i, h := range [3]string{l.bdRate, l.bdBase, l.bdTax} {
			d.cell(bc[i].x+cellPad, bc[i].w-2*cellPad, y+(16-d.emH(7.5))/2, 7.5, muted, bc[i].align, h)
		}
		y += 16
	}
	reduced, untaxed := false, false
	for _, ln := range inv.Lines {
		reduced = reduced || ln.TaxRate == reducedRate
		untaxed = untaxed || ln.TaxRate <= 0
	}
	for _, rt := range inv.TaxByRate {
		reduced = reduced || rt.Rate == reducedRate
		cells := [3]string{l.rateRow(rt.Rate), billing.Format(rt.Base), billing.Format(rt.Tax)}
		for i, s := range cells {
			d.cell(bc[i].x+cellPad, bc[i].w-2*cellPad, y+(17-d.emH(8.5))/2, 8.5, ink, bc[i].align, s)
		}
		y += 17
		d.hline(lx, y, lw, 0.4, ruleColor)
	}
	y += 5
	if reduced {
		y += d.para(lx, y, lw, 7.5, 11, muted, l.reducedLegend)
	}
	if untaxed || len(inv.TaxByRate) == 0 {
		y += d.para(lx, y, lw, 7.5, 11, muted, l.untaxedLegend)
	}

	// Right: totals.
	const rx = 318.0
	rw := right - rx
	ry := top
	row := func(label, value string, size float64, c rgb) {
		d.text(rx+cellPad, ry+(17-d.emH(size))/2, size, c, label)
		d.cell(rx+rw/2, rw/2-cellPad, ry+(17-d.emH(size))/2, size, c, alignRight, value)
		ry += 17
	}
	neg := func(m billing.Money) string {
		if m.IsZero() {
			return billing.Format(m)
		}
		return billing.Format(m.Neg())
	}
	row(l.subtotal, billing.Format(inv.Subtotal), 9, ink)
	row(l.tax, billing.Format(inv.Tax), 9, ink)
	d.hline(rx, ry, rw, 0.8, ink)
	ry += 2
	row(l.total, billing.Format(inv.Total), 10.5, ink)
	row(l.credit, neg(inv.CreditApplied), 9, muted)
	row(l.amountPaid, neg(inv.AmountPaid), 9, muted)
	ry += 3
	d.fill(rx, ry, rw, 24, panelFill)
	d.fill(rx, ry, 3, 24, accent)
	d.text(rx+cellPad+3, ry+(24-d.emH(10.5))/2, 10.5, ink, l.balanceDue)
	d.cell(rx+rw/2, rw/2-cellPad, ry+(24-d.emH(12))/2, 12, ink, alignRight, billing.Format(inv.BalanceDue))
	ry += 24
	return max(y, ry) - top
}

func (d *doc) bankBox(top float64) float64 {
	l := d.l
	b := d.bank
	const pad = 10.0
	inner := contW - 2*pad
	y := top + pad
	d.text(marginL+pad, y, 9.5, ink, l.bankTitle)
	y += 17
	pairs := [][2]string{
		{l.bankName, b.BankName}, {l.bankBranch, b.BranchName}, {l.bankType, b.AccountType},
		{l.bankAccount, b.AccountNumber}, {l.bankHolder, b.AccountHolder},
		{l.bankAmount, billing.Format(b.Amount)}, {l.bankReference, b.Reference},
	}
	// Two columns of label/value pairs, filled top to bottom.
	colW := (inner - 16) / 2
	const labelW = 78.0
	half := (len(pairs) + 1) / 2
	var colY [2]float64
	for i, p := range pairs {
		c := i / half
		x := marginL + pad + float64(c)*(colW+16)
		yy := y + colY[c]
		d.text(x, yy, 8, muted, p[0])
		h := max(d.para(x+labelW, yy-0.3, colW-labelW, 9, 12.5, ink, p[1]), 12.5)
		colY[c] += h + 2
	}
	y += max(colY[0], colY[1]) + 2
	if b.Note != "" {
		y += d.para(marginL+pad, y, inner, 8, 11.5, muted, b.Note)
	}
	y += pad - 2
	d.add(op{kind: opBox, x: marginL, y: top, w: contW, h: y - top, lw: 0.8, color: ruleColor})
	d.fill(marginL, top, 3, y-top, accent)
	return y - top
}

// footers puts the invoice number, "n / total" and the seller on each page.
func (d *doc) footers() {
	n := len(d.pages)
	for i := range d.pages {
		d.sink = &d.pages[i]
		d.hline(marginL, footerY, contW, 0.5, ruleColor)
		top := footerY + 7
		d.cell(marginL, 200, top, 7.5, muted, alignLeft, d.inv.Number)
		d.cell(marginL+contW/2-60, 120, top, 8, ink, alignCenter, fmt.Sprintf("%d / %d", i+1, n))
		d.cell(right-200, 200, top, 7.5, muted, alignRight, d.seller.Name)
	}
}
