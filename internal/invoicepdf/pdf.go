package invoicepdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"

	"billfold/assets"
)

// writePDF writes the laid-out pages as a PDF file itself, the default
// path; writeGopdf (Options.PlainGopdf) has gopdf do it.
//
// Why not gopdf: gopdf embeds a font by compressing it with a freshly
// allocated zlib writer at the default level on every document (1.2 MB of
// compressor state, no option to change it in v0.33.0), formats every
// number with fmt, and parses the font it is given again per document.
// Billfold used to hand gopdf an outline-free stand-in font and rewrite
// its output; the stand-in's compression alone was 27 % of a render's CPU
// time and 62 % of its allocations. Writing the file directly is simpler
// than that rewrite and several times cheaper:
//
//   - one Type0 font with Identity-H encoding over a CIDFontType2 whose
//     glyph ids are the subset's (glyph i+1 draws runes[i], so the text is
//     encoded as two-byte glyph ids and /CIDToGIDMap is /Identity),
//   - a ToUnicode CMap with UTF-16 surrogate pairs for characters beyond
//     the BMP, in blocks of at most 100 entries,
//   - every stream Flate-compressed at level 1 with pooled compressors,
//   - the document information as an indirect object, and a file
//     identifier that is a digest of the content, so equal invoices give
//     equal files.
func (d *doc) writePDF(runes []rune, program []byte, info docInfo, s *scratch) []byte {
	const (
		catalogID = iota + 1
		pagesID
		fontID
		cidFontID
		descriptorID
		programID
		toUnicodeID
		infoID
		firstPageID // then each page's object and its content stream
	)
	n := firstPageID - 1 + 2*len(d.pages)
	w := &pdfWriter{buf: s.pdf[:0], offsets: make([]int, n), s: s}
	defer func() { s.pdf = w.buf }()
	w.buf = append(w.buf, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"...)
	family := subsetTag(runes) + "+" + assets.FontName

	w.object(catalogID, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	kids := make([]byte, 0, 12*len(d.pages))
	for i := range d.pages {
		kids = fmt.Appendf(kids, "%d 0 R ", firstPageID+2*i)
	}
	w.object(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 %s %s] /Resources << /Font << /F1 %d 0 R >> >> >>",
		bytes.TrimSpace(kids), len(d.pages), appendNum(nil, pageW), appendNum(nil, pageH), fontID))
	w.object(fontID, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		family, cidFontID, toUnicodeID))
	widths := make([]byte, 0, 5*len(runes))
	for _, r := range runes {
		widths = strconv.AppendInt(widths, int64(d.f.runeWidth(r)), 10)
		widths = append(widths, ' ')
	}
	w.object(cidFontID, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "+
		"/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W [1 [%s]] >>", family, descriptorID, bytes.TrimSpace(widths)))
	w.object(descriptorID, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s %s /FontFile2 %d 0 R >>", family, d.f.descriptor, programID))
	w.stream(programID, program, fmt.Sprintf("/Length1 %d", len(program)))
	w.stream(toUnicodeID, toUnicode(runes), "")
	w.object(infoID, string(infoDictionary(info)))

	for i, page := range d.pages {
		id := firstPageID + 2*i
		w.object(id, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", pagesID, id+1))
		s.content = appendContent(s.content[:0], page, runes)
		w.stream(id+1, s.content, "")
	}

	// A file identifier, which archival PDF requires: a digest of the
	// content, so equal documents get equal ids.
	sum := sha256.Sum256(w.buf)
	xref := len(w.buf)
	w.buf = fmt.Appendf(w.buf, "xref\n0 %d\n0000000000 65535 f \n", n+1)
	for _, off := range w.offsets {
		w.buf = fmt.Appendf(w.buf, "%010d 00000 n \n", off)
	}
	w.buf = fmt.Appendf(w.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n",
		n+1, catalogID, infoID, sum[:16], sum[:16], xref)
	return slices.Clone(w.buf) // the file is written in s's memory
}

// pdfWriter appends numbered objects and remembers where each begins.
type pdfWriter struct {
	buf     []byte
	offsets []int // of object id i+1
	s       *scratch
}

func (w *pdfWriter) begin(id int) {
	w.offsets[id-1] = len(w.buf)
	w.buf = strconv.AppendInt(w.buf, int64(id), 10)
	w.buf = append(w.buf, " 0 obj\n"...)
}

func (w *pdfWriter) object(id int, body string) {
	w.begin(id)
	w.buf = append(w.buf, body...)
	w.buf = append(w.buf, "\nendobj\n"...)
}

// stream appends a Flate-compressed stream object; extra are more
// dictionary entries.
func (w *pdfWriter) stream(id int, data []byte, extra string) {
	w.begin(id)
	s := w.s
	s.zout.Reset()
	s.z.Reset(&s.zout)
	_, _ = s.z.Write(data) // writes to a bytes.Buffer cannot fail
	_ = s.z.Close()
	w.buf = fmt.Appendf(w.buf, "<< /Filter /FlateDecode /Length %d", s.zout.Len())
	if extra != "" {
		w.buf = append(w.buf, ' ')
		w.buf = append(w.buf, extra...)
	}
	w.buf = append(w.buf, " >>\nstream\n"...)
	w.buf = append(w.buf, s.zout.Bytes()...)
	w.buf = append(w.buf, "\nendstream\nendobj\n"...)
}

// appendContent appends a page's content stream: its drawing operations
// in PDF operators, y flipped (the layout's y grows downwards). Colours,
// line width and font size are set only when they change.
func appendContent(b []byte, page []op, runes []rune) []byte {
	fill, stroke := rgb{}, rgb{} // PDF's initial colours are black
	lineW, size := 1.0, -1.0
	setFill := func(c rgb) {
		if c != fill {
			b = appendColor(b, c, "rg")
			fill = c
		}
	}
	setStroke := func(c rgb, lw float64) {
		if c != stroke {
			b = appendColor(b, c, "RG")
			stroke = c
		}
		if lw != lineW {
			b = appendNum(b, lw)
			b = append(b, " w\n"...)
			lineW = lw
		}
	}
	for _, o := range page {
		switch o.kind {
		case opText:
			setFill(o.color)
			b = append(b, "BT\n"...)
			if o.size != size {
				b = append(b, "/F1 "...)
				b = appendNum(b, o.size)
				b = append(b, " Tf\n"...)
				size = o.size
			}
			b = appendNums(b, o.x, pageH-o.y)
			b = append(b, " Td\n<"...)
			for _, r := range o.text {
				gid, _ := slices.BinarySearch(runes, r) // every rune drawn is in runes
				b = appendHex4(b, gid+1)
			}
			b = append(b, "> Tj\nET\n"...)
		case opLine:
			setStroke(o.color, o.lw)
			b = appendNums(b, o.x, pageH-o.y)
			b = append(b, " m "...)
			b = appendNums(b, o.x+o.w, pageH-o.y-o.h)
			b = append(b, " l S\n"...)
		case opFill:
			setFill(o.color)
			b = appendNums(b, o.x, pageH-o.y-o.h, o.w, o.h)
			b = append(b, " re f\n"...)
		case opBox:
			setStroke(o.color, o.lw)
			b = appendNums(b, o.x, pageH-o.y-o.h, o.w, o.h)
			b = append(b, " re S\n"...)
		}
	}
	return b
}

// appendNum appends v rounded to 1/100 point (or size), the precision of
// the layout, without trailing zeros.
func appendNum(b []byte, v float64) []byte {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

func appendNums(b []byte, vs ...float64) []byte {
	for i, v := range vs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendNum(b, v)
	}
	return b
}

func appendColor(b []byte, c rgb, op string) []byte {
	for _, v := range [3]uint8{c.r, c.g, c.b} {
		b = strconv.AppendFloat(b, math.Round(float64(v)/255*1000)/1000, 'f', -1, 64)
		b = append(b, ' ')
	}
	b = append(b, op...)
	return append(b, '\n')
}

const hexDigits = "0123456789ABCDEF"

// appendHex4 appends v as four upper-case hex digits.
func appendHex4(b []byte, v int) []byte {
	return append(b, hexDigits[v>>12&15], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
}

// docInfo is the document information dictionary's content.
type docInfo struct {
	Title, Author, Subject, Creator, Producer string
	Created                                   time.Time
}

// infoDictionary is the document information dictionary. Its text
// strings are UTF-16BE with a byte order mark (ISO 32000-1, 7.9.2.2),
// surrogate pairs included: gopdf's own writes one 16-bit unit per rune,
// which garbles characters beyond the BMP such as 𠀋 in a name.
func infoDictionary(info docInfo) []byte {
	b := []byte("<<\n")
	for _, f := range []struct{ key, val string }{
		{"Title", info.Title}, {"Author", info.Author}, {"Subject", info.Subject},
		{"Creator", info.Creator}, {"Producer", info.Producer},
	} {
		if f.val == "" {
			continue
		}
		b = fmt.Appendf(b, "/%s <FEFF", f.key)
		b = appendUTF16Hex(b, []rune(f.val))
		b = append(b, ">\n"...)
	}
	if !info.Created.IsZero() {
		b = fmt.Appendf(b, "/CreationDate (D:%s)\n", info.Created.Format("20060102150405-07'00'"))
	}
	return append(b, ">>"...)
}

// appendUTF16Hex appends runes as UTF-16BE in hex digits, surrogate pairs
// included, as PDF text strings and CMaps write them.
func appendUTF16Hex(b []byte, runes []rune) []byte {
	for _, u := range utf16.Encode(runes) {
		b = appendHex4(b, int(u))
	}
	return b
}

// toUnicode is the ToUnicode CMap of the subset: glyph i+1 is runes[i].
func toUnicode(runes []rune) []byte {
	b := make([]byte, 0, 256+len(runes)*16)
	b = append(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"+
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"+
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"...)
	for i := 0; i < len(runes); i += 100 { // at most 100 entries per block
		block := runes[i:min(i+100, len(runes))]
		b = fmt.Appendf(b, "%d beginbfchar\n", len(block))
		for j, r := range block {
			b = append(b, '<')
			b = appendHex4(b, i+j+1)
			b = append(b, "> <"...)
			b = appendUTF16Hex(b, []rune{r})
			b = append(b, ">\n"...)
		}
		b = append(b, "endbfchar\n"...)
	}
	return append(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"...)
}

// streamLevel is the zlib level of every stream. Level 1 costs half of the
// default level's time for output ~5 % larger on font outlines.
const streamLevel = zlib.BestSpeed

// scratch is one render's reusable memory: the compressor and its
// output, a page's content before compression, the font subset and the
// file.
type scratch struct {
	z       *zlib.Writer
	zout    bytes.Buffer
	content []byte
	glyf    []byte
	program []byte
	pdf     []byte
}

// scratchFree keeps a few scratches for reuse: each compressor holds ~1 MB
// of tables that would otherwise be allocated and cleared for every
// render. A sync.Pool would lose them at every garbage collection, which
// renders trigger every few dozen.
var scratchFree = make(chan *scratch, 4)

func getScratch() *scratch {
	select {
	case s := <-scratchFree:
		return s
	default:
	}
	z, err := zlib.NewWriterLevel(nil, streamLevel)
	if err != nil {
		panic(err) // streamLevel is a valid constant
	}
	return &scratch{z: z}
}

func putScratch(s *scratch) {
	if s.zout.Cap()+cap(s.content)+cap(s.glyf)+cap(s.program)+cap(s.pdf) > 4<<20 {
		return // do not keep a huge invoice's buffers
	}
	select {
	case scratchFree <- s:
	default:
	}
}
