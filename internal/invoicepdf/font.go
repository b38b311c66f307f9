package invoicepdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	"billfold/internal/ttf"
)

// sfnt is a TrueType font parsed once and shared read-only by every render.
//
// Why not gopdf's FontContainer: gopdf keeps the font's glyph ids when it
// subsets, so every PDF carries the full-length loca and hmtx tables of the
// 12,239-glyph font (~100 KB), and zlib-compresses them with a fresh
// compressor on each render: ~6.6 ms of CPU per one-page Japanese invoice.
// Instead, each render builds a small TrueType font holding only the
// glyphs its text uses, renumbered 1..n (subset), which writePDF embeds.
// The original glyph outlines and metrics are copied unchanged; hinting is
// dropped (appendUnhinted).
type sfnt struct {
	tables     map[string][]byte
	numGlyphs  int
	unitsPerEm int
	ascent     float64  // hhea ascender, in em
	descent    float64  // hhea descender, in em (negative)
	loca       []uint32 // numGlyphs+1 offsets into glyf
	glyf       []byte
	hmtx       []byte
	numHMetric int
	cmap       map[rune]uint16
	// descriptor are the font-wide entries of the PDF font descriptor:
	// flags, bounding box, ascent, descent, cap and x height.
	descriptor string
}

var errFont = errors.New("invoicepdf: unusable font")

func parseSFNT(data []byte) (*sfnt, error) {
	if len(data) < 12 || binary.BigEndian.Uint32(data) != 0x00010000 {
		return nil, fmt.Errorf("%w: not a TrueType (glyf) font", errFont)
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, fmt.Errorf("%w: truncated table directory", errFont)
	}
	f := &sfnt{tables: make(map[string][]byte, n)}
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(length) > uint64(len(data)) {
			return nil, fmt.Errorf("%w: table %q out of range", errFont, tag)
		}
		f.tables[tag] = data[off : off+length : off+length]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf", "OS/2"} {
		if f.tables[tag] == nil {
			return nil, fmt.Errorf("%w: no %q table", errFont, tag)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, fmt.Errorf("%w: short head/hhea/maxp", errFont)
	}
	f.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	f.numHMetric = int(binary.BigEndian.Uint16(hhea[34:]))
	if f.unitsPerEm == 0 {
		return nil, fmt.Errorf("%w: unitsPerEm is 0", errFont)
	}
	f.ascent = float64(int16(binary.BigEndian.Uint16(hhea[4:]))) / float64(f.unitsPerEm)
	f.descent = float64(int16(binary.BigEndian.Uint16(hhea[6:]))) / float64(f.unitsPerEm)
	f.hmtx = f.tables["hmtx"]
	f.glyf = f.tables["glyf"]
	if f.numHMetric == 0 || f.numHMetric > f.numGlyphs || len(f.hmtx) < 4*f.numHMetric+2*(f.numGlyphs-f.numHMetric) {
		return nil, fmt.Errorf("%w: bad hmtx", errFont)
	}
	loca := f.tables["loca"]
	f.loca = make([]uint32, f.numGlyphs+1)
	long := binary.BigEndian.Uint16(head[50:]) == 1
	for i := range f.loca {
		switch {
		case long && len(loca) >= 4*i+4:
			f.loca[i] = binary.BigEndian.Uint32(loca[4*i:])
		case !long && len(loca) >= 2*i+2:
			f.loca[i] = 2 * uint32(binary.BigEndian.Uint16(loca[2*i:]))
		default:
			return nil, fmt.Errorf("%w: short loca", errFont)
		}
		if f.loca[i] > uint32(len(f.glyf)) || (i > 0 && f.loca[i] < f.loca[i-1]) {
			return nil, fmt.Errorf("%w: bad loca entry %d", errFont, i)
		}
	}
	var err error
	if f.cmap, err = parseCmap(f.tables["cmap"], f.numGlyphs); err != nil {
		return nil, err
	}
	if f.descriptor, err = f.pdfDescriptor(); err != nil {
		return nil, err
	}
	return f, nil
}

// pdfDescriptor computes the font descriptor's font-wide entries in the
// PDF's 1/1000 em, the way gopdf does: ascent and descent from OS/2's
// usWin metrics when the font has typographic ones (else hhea's), cap and
// x height from OS/2 version 2. Flags 4: symbolic, as a CJK font is.
func (f *sfnt) pdfDescriptor() (string, error) {
	os2, head, hhea := f.tables["OS/2"], f.tables["head"], f.tables["hhea"]
	if len(os2) < 78 {
		return "", fmt.Errorf("%w: short OS/2", errFont)
	}
	i16 := func(b []byte, off int) float64 { return float64(int16(binary.BigEndian.Uint16(b[off:]))) }
	em := func(v float64) int { return int(math.Round(v * 1000 / float64(f.unitsPerEm))) }
	ascent, descent := i16(hhea, 4), i16(hhea, 6)
	if i16(os2, 68) != 0 { // sTypoAscender
		ascent = float64(binary.BigEndian.Uint16(os2[74:])) // usWinAscent
	}
	if i16(os2, 70) != 0 { // sTypoDescender
		descent = -float64(binary.BigEndian.Uint16(os2[76:])) // usWinDescent
	}
	capHeight, xHeight := ascent, 0.66*ascent
	if binary.BigEndian.Uint16(os2) >= 2 && len(os2) >= 90 {
		capHeight = i16(os2, 88)
		if x := i16(os2, 86); x != 0 {
			xHeight = x
		}
	}
	return fmt.Sprintf("/Flags 4 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /XHeight %d /StemV 0",
		em(i16(head, 36)), em(i16(head, 38)), em(i16(head, 40)), em(i16(head, 42)),
		em(ascent), em(descent), em(capHeight), em(xHeight)), nil
}

// parseCmap reads the Windows Unicode BMP subtable (3,1) format 4 and the
// full-repertoire (3,10) format 12 if the font has one.
func parseCmap(t []byte, numGlyphs int) (map[rune]uint16, error) {
	if len(t) < 4 {
		return nil, fmt.Errorf("%w: short cmap", errFont)
	}
	m := make(map[rune]uint16, numGlyphs)
	n := int(binary.BigEndian.Uint16(t[2:]))
	var off4, off12 uint32
	for i := range n {
		if len(t) < 4+8*i+8 {
			return nil, fmt.Errorf("%w: short cmap", errFont)
		}
		rec := t[4+8*i:]
		pid, eid, off := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), binary.BigEndian.Uint32(rec[4:])
		switch {
		case pid == 3 && eid == 1:
			off4 = off
		case pid == 3 && eid == 10:
			off12 = off
		}
	}
	if off4 == 0 || int(off4)+14 > len(t) || binary.BigEndian.Uint16(t[off4:]) != 4 {
		return nil, fmt.Errorf("%w: no (3,1) format 4 cmap", errFont)
	}
	s := t[off4:]
	segX2 := int(binary.BigEndian.Uint16(s[6:]))
	if len(s) < 16+4*segX2 {
		return nil, fmt.Errorf("%w: short cmap format 4", errFont)
	}
	ends, starts := s[14:], s[16+segX2:]
	deltas, ranges := s[16+2*segX2:], s[16+3*segX2:]
	for i := 0; i < segX2; i += 2 {
		start, end := int(binary.BigEndian.Uint16(starts[i:])), int(binary.BigEndian.Uint16(ends[i:]))
		delta, ro := binary.BigEndian.Uint16(deltas[i:]), int(binary.BigEndian.Uint16(ranges[i:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			var g uint16
			if ro == 0 {
				g = uint16(c) + delta
			} else {
				p := 16 + 3*segX2 + i + ro + 2*(c-start)
				if p+2 > len(s) {
					return nil, fmt.Errorf("%w: cmap glyph array out of range", errFont)
				}
				if g = binary.BigEndian.Uint16(s[p:]); g != 0 {
					g += delta
				}
			}
			if g != 0 && int(g) < numGlyphs {
				m[rune(c)] = g
			}
		}
	}
	if off12 != 0 && int(off12)+16 <= len(t) && binary.BigEndian.Uint16(t[off12:]) == 12 {
		s := t[off12:]
		groups := int(binary.BigEndian.Uint32(s[12:]))
		for i := 0; i < groups && 16+12*i+12 <= len(s); i++ {
			g := s[16+12*i:]
			start, end, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
			for c := start; c <= end && c <= 0x10FFFF; c++ {
				if r := rune(c); r > 0xFFFF && int(gid)+int(c-start) < numGlyphs {
					m[r] = uint16(gid + c - start)
				}
			}
		}
	}
	return m, nil
}

// has reports whether the font has a glyph for r.
func (f *sfnt) has(r rune) bool {
	_, ok := f.cmap[r]
	return ok
}

func (f *sfnt) glyph(gid int) []byte { return f.glyf[f.loca[gid]:f.loca[gid+1]] }

func (f *sfnt) metric(gid int) (adv, lsb uint16) {
	if gid < f.numHMetric {
		return binary.BigEndian.Uint16(f.hmtx[4*gid:]), binary.BigEndian.Uint16(f.hmtx[4*gid+2:])
	}
	adv = binary.BigEndian.Uint16(f.hmtx[4*(f.numHMetric-1):])
	return adv, binary.BigEndian.Uint16(f.hmtx[4*f.numHMetric+2*(gid-f.numHMetric):])
}

// Composite glyph flags (OpenType glyf table).
const (
	argsAreWords = 0x0001
	haveScale    = 0x0008
	moreComps    = 0x0020
	haveXYScale  = 0x0040
	have2x2      = 0x0080

	haveInstructions = 0x0100
)

// components returns the byte offsets of the component glyph ids inside a
// composite glyph, or nil for a simple glyph.
func components(g []byte) []int {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	var offs []int
	for p := 10; p+4 <= len(g); {
		flags := binary.BigEndian.Uint16(g[p:])
		offs = append(offs, p+2)
		p = componentEnd(g, p)
		if flags&moreComps == 0 {
			break
		}
	}
	return offs
}

// subset builds the font program for runes (sorted, unique, all present
// in the font): glyph i+1 draws runes[i], followed by the components of
// composite glyphs. It has the tables a CIDFontType2's FontFile2 needs.
// It is built in s's buffers, valid until s is reused. Every rune gets its own glyph id, so the ToUnicode map is exact
// even where the original font shares one glyph between two code points
// (〜 and ～).
func (f *sfnt) subset(runes []rune, s *scratch) ([]byte, error) {
	if len(runes)+1 > 0xFFFF {
		return nil, fmt.Errorf("%w: too many glyphs", errFont)
	}
	olds := make([]int, 0, len(runes)+8) // new gid → old gid
	olds = append(olds, 0)
	for _, r := range runes {
		g, ok := f.cmap[r]
		if !ok {
			return nil, fmt.Errorf("%w: no glyph for %U", errFont, r)
		}
		olds = append(olds, int(g))
	}
	// Composite closure: components not already present are appended.
	compNew := map[int]int{}
	for i := 0; i < len(olds); i++ {
		for _, off := range components(f.glyph(olds[i])) {
			c := int(binary.BigEndian.Uint16(f.glyph(olds[i])[off:]))
			if c >= f.numGlyphs {
				return nil, fmt.Errorf("%w: bad component glyph %d", errFont, c)
			}
			if _, ok := compNew[c]; !ok {
				compNew[c] = len(olds)
				olds = append(olds, c)
			}
		}
	}
	n := len(olds)

	size := 0
	for _, old := range olds {
		size += len(f.glyph(old)) + 3
	}
	glyf := slices.Grow(s.glyf[:0], size)
	loca := make([]byte, 4*(n+1))
	hmtx := make([]byte, 4*n)
	for i, old := range olds {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		adv, lsb := f.metric(old)
		binary.BigEndian.PutUint16(hmtx[4*i:], adv)
		binary.BigEndian.PutUint16(hmtx[4*i+2:], lsb)
		start := len(glyf)
		glyf = appendUnhinted(glyf, f.glyph(old))
		for _, off := range components(glyf[start:]) {
			c := int(binary.BigEndian.Uint16(glyf[start+off:]))
			binary.BigEndian.PutUint16(glyf[start+off:], uint16(compNew[c]))
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	binary.BigEndian.PutUint32(loca[4*n:], uint32(len(glyf)))

	head := slices.Clone(f.tables["head"])
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := slices.Clone(f.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	maxp := slices.Clone(f.tables["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))

	s.glyf = glyf
	s.program = ttf.Write(s.program, map[string][]byte{
		"glyf": glyf, "head": head, "hhea": hhea, "hmtx": hmtx, "loca": loca, "maxp": maxp,
	})
	return s.program, nil
}

// appendUnhinted appends glyph g without its TrueType hinting instructions.
//
// The instructions are 45 % of IPAexGothic's glyph data and, with the
// font-wide cvt/fpgm/prep programs, would be compressed into every PDF.
// Hinting only adjusts outlines to the pixel grid at small sizes on screen;
// at print resolution it has no effect, and many PDF viewers ignore it or
// auto-hint instead (poppler's output at 80 and 200 dpi is the same with
// and without it here). Dropping it makes the PDF ~35 % smaller and the
// render cheaper. Outlines, advance widths and metrics are untouched.
func appendUnhinted(dst, g []byte) []byte {
	if len(g) < 10 {
		return append(dst, g...)
	}
	nc := int(int16(binary.BigEndian.Uint16(g)))
	if nc >= 0 { // simple glyph: header, endPts, instructionLength, instructions, flags…
		p := 10 + 2*nc
		if p+2 > len(g) {
			return append(dst, g...)
		}
		il := int(binary.BigEndian.Uint16(g[p:]))
		if p+2+il > len(g) {
			return append(dst, g...)
		}
		dst = append(dst, g[:p]...)
		dst = append(dst, 0, 0)
		return append(dst, g[p+2+il:]...)
	}
	// Composite glyph: instructions follow the last component when its
	// WE_HAVE_INSTRUCTIONS flag is set.
	offs := components(g)
	if len(offs) == 0 {
		return append(dst, g...)
	}
	last := offs[len(offs)-1] - 2 // flags of the last component
	flags := binary.BigEndian.Uint16(g[last:])
	if flags&haveInstructions == 0 {
		return append(dst, g...)
	}
	end := componentEnd(g, last)
	if end > len(g) {
		return append(dst, g...)
	}
	start := len(dst)
	dst = append(dst, g[:end]...)
	binary.BigEndian.PutUint16(dst[start+last:], flags&^haveInstructions)
	return dst
}

// componentEnd is the offset just past the component record at p.
func componentEnd(g []byte, p int) int {
	flags := binary.BigEndian.Uint16(g[p:])
	p += 4
	if flags&argsAreWords != 0 {
		p += 4
	} else {
		p += 2
	}
	switch {
	case flags&haveScale != 0:
		p += 2
	case flags&haveXYScale != 0:
		p += 4
	case flags&have2x2 != 0:
		p += 8
	}
	return p
}

// subsetTag is the six-letter prefix PDF gives an embedded subset
// ("ABCDEF+IPAexGothic"), derived from the glyph set so equal inputs give
// equal bytes.
func subsetTag(runes []rune) string {
	h := fnv.New64a()
	var b [4]byte
	for _, r := range runes {
		binary.BigEndian.PutUint32(b[:], uint32(r))
		h.Write(b[:])
	}
	v := h.Sum64()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(tag)
}
