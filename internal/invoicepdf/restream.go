package invoicepdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"

	"github.com/signintech/gopdf"
)

// restream finishes the PDF gopdf wrote. gopdf is told not to compress
// (SetNoCompression) and is given a font with empty outlines; restream then
//
//   - puts the real outlines (program) into the embedded font stream,
//   - replaces gopdf's ToUnicode CMap with a correct one: gopdf's writes
//     characters beyond U+FFFF as five hex digits instead of a UTF-16
//     surrogate pair, and puts every entry into one bfrange block where PDF
//     allows at most 100,
//   - Flate-compresses every stream, with pooled compressors,
//   - adds the document information (info, see infoDictionary) as an
//     indirect object, and a file identifier derived from the content,
//   - and writes a new cross-reference table and trailer.
//
// Why: gopdf compresses the embedded font itself with a freshly allocated
// zlib writer at the default level on every render, which was half the cost
// of a render; the pooled, level-1 compression here is several times
// cheaper, and its output is just as valid. The rewrite relies on the shape
// of gopdf v0.33.0's output (one object after another in id order, a
// classic xref table, one embedded font); anything unexpected is an error,
// so a gopdf upgrade that changes it fails the tests instead of producing a
// broken file.
func restream(in []byte, sub *subsetFont, runes []rune, info []byte) ([]byte, error) {
	objs, trailer, err := splitObjects(in)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(in)+len(sub.program)/2)
	out = append(out, in[:objs[0].start]...) // header
	offsets := make([]int, len(objs))
	fonts, cmaps := 0, 0
	for i, o := range objs {
		offsets[i] = len(out)
		body := in[o.start:o.end]
		head := fmt.Sprintf("%d 0 obj\n", i+1)
		if !bytes.HasPrefix(body, []byte(head)) {
			return nil, fmt.Errorf("invoicepdf: restream: object %d does not start where the xref says", i+1)
		}
		dict, data, ok := stream(body[len(head):])
		switch {
		case !ok:
			out = append(out, body...)
			continue
		case bytes.Contains(dict, []byte("/Length1 ")):
			// The embedded font: gopdf's copy of the empty-outline font.
			fonts++
			out = appendStream(append(out, head...), sub.program, fmt.Sprintf("/Length1 %d", len(sub.program)))
		case bytes.HasPrefix(data, []byte("/CIDInit ")):
			cmaps++
			out = appendStream(append(out, head...), toUnicode(runes), "")
		case string(dict) == fmt.Sprintf("<<\n/Length %d\n>>\n", len(data)):
			// A page's content stream, uncompressed.
			out = appendStream(append(out, head...), data, "")
		default:
			out = append(out, body...)
		}
	}
	if fonts != 1 || cmaps != 1 {
		return nil, fmt.Errorf("invoicepdf: restream: found %d font programs and %d ToUnicode maps, want 1 and 1", fonts, cmaps)
	}
	if string(trailer) != fmt.Sprintf("trailer\n<<\n/Size %d\n/Root 1 0 R\n>>\n", len(objs)+1) {
		return nil, fmt.Errorf("invoicepdf: restream: unexpected gopdf trailer %q", trailer)
	}
	// The document information dictionary is an indirect object, as PDF
	// requires (ISO 32000-1, 7.5.5).
	infoID := len(objs) + 1
	offsets = append(offsets, len(out))
	out = fmt.Appendf(out, "%d 0 obj\n", infoID)
	out = append(out, info...)
	out = append(out, "\nendobj\n\n"...)
	// A file identifier, which archival PDF requires: a digest of the
	// content, so equal documents get equal ids.
	id := sha256.Sum256(out)
	xref := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		out = fmt.Appendf(out, "%010d 00000 n \n", off)
	}
	out = fmt.Appendf(out, "trailer\n<<\n/Size %d\n/Root 1 0 R\n/Info %d 0 R\n/ID [<%X> <%X>]\n>>\n", len(offsets)+1, infoID, id[:16], id[:16])
	return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", xref), nil
}

// infoDictionary is the document information dictionary. Its text
// strings are UTF-16BE with a byte order mark (ISO 32000-1, 7.9.2.2),
// surrogate pairs included: gopdf's own writes one 16-bit unit per rune,
// which garbles characters beyond the BMP such as 𠀋 in a name.
func infoDictionary(info gopdf.PdfInfo) []byte {
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
	if !info.CreationDate.IsZero() {
		b = fmt.Appendf(b, "/CreationDate (D:%s)\n", info.CreationDate.Format("20060102150405-07'00'"))
	}
	return append(b, ">>"...)
}

type span struct{ start, end int }

// splitObjects finds the objects of a gopdf file from its xref table and
// returns them with the trailer dictionary ("trailer\n<<…>>\n").
func splitObjects(in []byte) ([]span, []byte, error) {
	bad := func(what string) ([]span, []byte, error) {
		return nil, nil, fmt.Errorf("invoicepdf: restream: unexpected gopdf output: %s", what)
	}
	sx := bytes.LastIndex(in, []byte("startxref\n"))
	if sx < 0 {
		return bad("no startxref")
	}
	end := bytes.IndexByte(in[sx+10:], '\n')
	if end < 0 {
		return bad("no startxref offset")
	}
	xref, err := strconv.Atoi(string(in[sx+10 : sx+10+end]))
	if err != nil || xref <= 0 || xref >= sx || !bytes.HasPrefix(in[xref:], []byte("xref\n0 ")) {
		return bad("bad startxref offset")
	}
	p := xref + len("xref\n0 ")
	nl := bytes.IndexByte(in[p:], '\n')
	if nl < 0 {
		return bad("bad xref header")
	}
	n, err := strconv.Atoi(string(in[p : p+nl]))
	if err != nil || n < 2 {
		return bad("bad xref size")
	}
	p += nl + 1 + 20 // skip the free entry of object 0
	tr := p + 20*(n-1)
	if tr > sx || !bytes.HasPrefix(in[tr:], []byte("trailer\n")) {
		return bad("bad xref table")
	}
	objs := make([]span, n-1)
	for i := range objs {
		off, err := strconv.Atoi(string(in[p+20*i : p+20*i+10]))
		if err != nil || off <= 0 || off >= xref || (i > 0 && off <= objs[i-1].start) {
			return bad("object offsets out of order")
		}
		objs[i].start = off
		if i > 0 {
			objs[i-1].end = off
		}
	}
	objs[n-2].end = xref
	return objs, in[tr:sx], nil
}

// stream splits an object body "<<dict>>\nstream\n…endstream\nendobj\n\n"
// into its dictionary and data; ok is false for an object that is not a
// stream.
func stream(body []byte) (dict, data []byte, ok bool) {
	i := bytes.Index(body, []byte(">>\nstream\n"))
	if i < 0 || !bytes.HasPrefix(body, []byte("<<")) {
		return nil, nil, false
	}
	dict = body[:i+3]
	n, found := lengthOf(dict)
	start := i + len(">>\nstream\n")
	if !found || start+n > len(body) {
		return nil, nil, false
	}
	return dict, body[start : start+n], true
}

// lengthOf reads "/Length N" from a stream dictionary (not /Length1).
func lengthOf(dict []byte) (int, bool) {
	for i := 0; ; {
		j := bytes.Index(dict[i:], []byte("/Length"))
		if j < 0 {
			return 0, false
		}
		p := i + j + len("/Length")
		if p < len(dict) && dict[p] == ' ' {
			k := p + 1
			for k < len(dict) && dict[k] >= '0' && dict[k] <= '9' {
				k++
			}
			n, err := strconv.Atoi(string(dict[p+1 : k]))
			return n, err == nil
		}
		i = p
	}
}

// appendStream appends a Flate-compressed stream object body.
func appendStream(out, data []byte, extra string) []byte {
	z := getZ()
	defer putZ(z)
	z.buf.Reset()
	z.w.Reset(&z.buf)
	_, _ = z.w.Write(data) // writes to a bytes.Buffer cannot fail
	_ = z.w.Close()
	out = fmt.Appendf(out, "<</Filter /FlateDecode /Length %d", z.buf.Len())
	if extra != "" {
		out = append(out, ' ')
		out = append(out, extra...)
	}
	out = append(out, ">>\nstream\n"...)
	out = append(out, z.buf.Bytes()...)
	return append(out, "\nendstream\nendobj\n\n"...)
}

// streamLevel is the zlib level of every stream. Level 1 costs half of the
// default level's time for output ~5 % larger on font outlines.
const streamLevel = zlib.BestSpeed

type zwriter struct {
	w   *zlib.Writer
	buf bytes.Buffer
}

// zfree keeps a few compressors for reuse: each holds ~1 MB of tables that
// would otherwise be allocated and cleared for every stream of every
// render. A sync.Pool would lose them at every garbage collection, which a
// render's allocations trigger every few renders.
var zfree = make(chan *zwriter, 4)

func getZ() *zwriter {
	select {
	case z := <-zfree:
		return z
	default:
	}
	w, err := zlib.NewWriterLevel(nil, streamLevel)
	if err != nil {
		panic(err) // streamLevel is a valid constant
	}
	return &zwriter{w: w}
}

func putZ(z *zwriter) {
	if z.buf.Cap() > 1<<20 {
		z.buf = bytes.Buffer{} // do not keep a large invoice's buffer
	}
	select {
	case zfree <- z:
	default:
	}
}

// appendUTF16Hex appends runes as UTF-16BE in hex digits, surrogate pairs
// included, as PDF text strings and CMaps write them.
func appendUTF16Hex(b []byte, runes []rune) []byte {
	for _, u := range utf16.Encode(runes) {
		b = fmt.Appendf(b, "%04X", u)
	}
	return b
}

// toUnicode is the ToUnicode CMap of the subset: glyph i+1 is runes[i].
func toUnicode(runes []rune) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(runes); i += 100 {
		block := runes[i:min(i+100, len(runes))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(block))
		for j, r := range block {
			fmt.Fprintf(&b, "<%04X> <", i+j+1)
			b.Write(appendUTF16Hex(nil, []rune{r}))
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// errIncomplete: gopdf's output lacks its header or trailer.
var errIncomplete = errors.New("invoicepdf: gopdf wrote an incomplete PDF")
