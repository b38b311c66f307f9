package uifont

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/go-text/typesetting/font/opentype"
)

// cffTable returns a CID-keyed CFF table (Adobe TN 5176) with the given
// Type 2 charstrings (TN 5177) as glyphs 0…n-1, in a font of unitsPerEm.
//
// Why CFF: go-text, which Fyne draws text with, decodes every TrueType
// outline into point structs when it parses a font (~4.5 MB for this
// face's 7,250 glyphs, for every text style Fyne parses it for), but keeps
// CFF charstrings as bytes and interprets a glyph when it is drawn.
func cffTable(charstrings [][]byte, unitsPerEm int, name string) ([]byte, error) {
	n := len(charstrings)

	strs := [][]byte{[]byte("Adobe"), []byte("Identity")} // SIDs 391, 392
	const sidAdobe, sidIdentity = 391, 392
	scale := 1 / float64(unitsPerEm)

	// Layout: header, Name INDEX, Top DICT INDEX, String INDEX, Global Subr
	// INDEX, then charset, FDSelect, FDArray, Private DICT, CharStrings.
	// The Top DICT's offsets are 5-byte integers, so its size does not
	// depend on their values.
	topDict := func(charset, fdSelect, fdArray, charStrings int) []byte {
		var d []byte
		d = dictInt(d, sidAdobe)
		d = dictInt(d, sidIdentity)
		d = dictInt(d, 0)
		d = append(d, 12, 30) // ROS
		d = dictReal(d, scale)
		d = dictInt(d, 0)
		d = dictInt(d, 0)
		d = dictReal(d, scale)
		d = dictInt(d, 0)
		d = dictInt(d, 0)
		d = append(d, 12, 7) // FontMatrix
		d = dictInt(d, n)
		d = append(d, 12, 34) // CIDCount
		d = dictOffset(d, charset)
		d = append(d, 15) // charset
		d = dictOffset(d, fdSelect)
		d = append(d, 12, 37) // FDSelect
		d = dictOffset(d, fdArray)
		d = append(d, 12, 36) // FDArray
		d = dictOffset(d, charStrings)
		d = append(d, 17) // CharStrings
		return d
	}
	private := append(dictInt(nil, 0), 20)    // defaultWidthX 0: widths are hmtx's
	private = append(dictInt(private, 0), 21) // nominalWidthX 0
	fontDict := func(privateOffset int) []byte {
		d := dictOffset(nil, len(private))
		d = dictOffset(d, privateOffset)
		return append(d, 18) // Private
	}

	head := []byte{1, 0, 4, 4}
	names := index([][]byte{[]byte(name)})
	strIndex := index(strs)
	globalSubrs := index(nil)
	topLen := len(index([][]byte{topDict(0, 0, 0, 0)}))
	charsetOff := len(head) + len(names) + topLen + len(strIndex) + len(globalSubrs)
	charset := []byte{2, 0, 1, 0, 0} // format 2: CIDs 1…n-1 for glyphs 1…n-1
	binary.BigEndian.PutUint16(charset[3:], uint16(n-2))
	fdSelectOff := charsetOff + len(charset)
	fdSelect := []byte{3, 0, 1, 0, 0, 0, 0, 0} // format 3: one range, every glyph in font DICT 0
	binary.BigEndian.PutUint16(fdSelect[6:], uint16(n))
	fdArrayOff := fdSelectOff + len(fdSelect)
	fdArrayLen := len(index([][]byte{fontDict(0)}))
	privateOff := fdArrayOff + fdArrayLen
	charStringsOff := privateOff + len(private)

	out := append([]byte(nil), head...)
	out = append(out, names...)
	out = append(out, index([][]byte{topDict(charsetOff, fdSelectOff, fdArrayOff, charStringsOff)})...)
	out = append(out, strIndex...)
	out = append(out, globalSubrs...)
	out = append(out, charset...)
	out = append(out, fdSelect...)
	out = append(out, index([][]byte{fontDict(privateOff)})...)
	out = append(out, private...)
	if len(out) != charStringsOff {
		return nil, fmt.Errorf("uifont: CFF layout is %d bytes before the charstrings, expected %d", len(out), charStringsOff)
	}
	return append(out, index(charstrings)...), nil
}

// index is a CFF INDEX of the items.
func index(items [][]byte) []byte {
	if len(items) == 0 {
		return []byte{0, 0}
	}
	size := 1
	for _, it := range items {
		size += len(it)
	}
	offSize := 1
	for size > 1<<(8*offSize)-1 {
		offSize++
	}
	out := make([]byte, 0, 3+(len(items)+1)*offSize+size)
	out = binary.BigEndian.AppendUint16(out, uint16(len(items)))
	out = append(out, byte(offSize))
	put := func(v int) {
		for i := offSize - 1; i >= 0; i-- {
			out = append(out, byte(v>>(8*i)))
		}
	}
	off := 1
	put(off)
	for _, it := range items {
		off += len(it)
		put(off)
	}
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

// shortInt appends an integer in the one- and two-byte forms that DICTs and
// charstrings share (-1131…1131); ok is false for other values.
func shortInt(d []byte, v int) (out []byte, ok bool) {
	switch {
	case v >= -107 && v <= 107:
		return append(d, byte(v+139)), true
	case v >= 108 && v <= 1131:
		v -= 108
		return append(d, byte(v>>8+247), byte(v)), true
	case v >= -1131 && v <= -108:
		v = -v - 108
		return append(d, byte(v>>8+251), byte(v)), true
	}
	return d, false
}

// dictInt appends a DICT integer operand.
func dictInt(d []byte, v int) []byte {
	if out, ok := shortInt(d, v); ok {
		return out
	}
	if v >= math.MinInt16 && v <= math.MaxInt16 {
		return append(d, 28, byte(v>>8), byte(v))
	}
	return dictOffset(d, v)
}

// dictOffset appends a DICT integer in its fixed 5-byte form.
func dictOffset(d []byte, v int) []byte {
	return append(d, 29, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// dictReal appends a DICT real operand (packed decimal nibbles).
func dictReal(d []byte, v float64) []byte {
	s := fmt.Sprintf("%.10g", v)
	var nibbles []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			nibbles = append(nibbles, c-'0')
		case c == '.':
			nibbles = append(nibbles, 0xa)
		case c == '-':
			nibbles = append(nibbles, 0xe)
		case c == 'e' && i+1 < len(s) && s[i+1] == '-':
			nibbles = append(nibbles, 0xc)
			i++
		case c == 'e':
			nibbles = append(nibbles, 0xb)
			if i+1 < len(s) && s[i+1] == '+' {
				i++
			}
		}
	}
	nibbles = append(nibbles, 0xf)
	if len(nibbles)%2 != 0 {
		nibbles = append(nibbles, 0xf)
	}
	d = append(d, 30)
	for i := 0; i < len(nibbles); i += 2 {
		d = append(d, nibbles[i]<<4|nibbles[i+1])
	}
	return d
}

// Type 2 charstring operators.
const (
	opRLineTo   = 5
	opHLineTo   = 6
	opVLineTo   = 7
	opRRCurveTo = 8
	opEndChar   = 14
	opRMoveTo   = 21
	opVVCurveTo = 26
	opHHCurveTo = 27
	opVHCurveTo = 30
	opHVCurveTo = 31
	maxArgs     = 48 // the Type 2 argument stack
)

// charstring draws an outline as a Type 2 charstring, without hinting:
// each quadratic segment becomes the cubic curve that traces it exactly,
// every point is rounded to the font unit, and the line that closes a
// contour is left implied.
func charstring(segs []opentype.Segment) []byte {
	w := csWriter{}
	var start, cur point
	for i, s := range segs {
		p := pt(s.Args[0])
		switch s.Op {
		case opentype.SegmentOpMoveTo:
			w.moveTo(p)
			start, cur = p, p
		case opentype.SegmentOpLineTo:
			closing := p == start && (i+1 == len(segs) || segs[i+1].Op == opentype.SegmentOpMoveTo)
			if !closing {
				w.lineTo(p)
			}
			cur = p
		case opentype.SegmentOpQuadTo:
			end := pt(s.Args[1])
			w.quadTo(cur, p, end)
			cur = end
		case opentype.SegmentOpCubeTo:
			end := pt(s.Args[2])
			w.cubeTo(p, pt(s.Args[1]), end)
			cur = end
		}
	}
	w.flush()
	return append(w.out, opEndChar)
}

// point is an outline point in font units.
type point struct{ x, y float64 }

func pt(p opentype.SegmentPoint) point { return point{float64(p.X), float64(p.Y)} }

// segment is one step of a contour in relative font units: a line by
// d[0], d[1], or a cubic curve by the control and end deltas d[0…5].
type segment struct {
	curve bool
	d     [6]int
}

// csWriter collects a contour's segments in rounded relative coordinates
// and encodes them with the shortest operators Type 2 has for them.
type csWriter struct {
	out    []byte
	segs   []segment
	px, py int // the pen, in rounded font units
}

func (w *csWriter) rel(p point) (int, int) {
	x, y := int(math.Round(p.x)), int(math.Round(p.y))
	dx, dy := x-w.px, y-w.py
	w.px, w.py = x, y
	return dx, dy
}

func (w *csWriter) moveTo(p point) {
	w.flush()
	dx, dy := w.rel(p)
	w.out = append(csInt(csInt(w.out, dx), dy), opRMoveTo)
}

func (w *csWriter) lineTo(p point) {
	if dx, dy := w.rel(p); dx != 0 || dy != 0 {
		w.segs = append(w.segs, segment{d: [6]int{dx, dy}})
	}
}

// quadTo draws the quadratic curve from p0 through control c to p1 as the
// cubic with control points p0+⅔(c−p0) and p1+⅔(c−p1).
func (w *csWriter) quadTo(p0, c, p1 point) {
	w.cubeTo(point{x: p0.x + 2*(c.x-p0.x)/3, y: p0.y + 2*(c.y-p0.y)/3}, point{x: p1.x + 2*(c.x-p1.x)/3, y: p1.y + 2*(c.y-p1.y)/3}, p1)
}

func (w *csWriter) cubeTo(c1, c2, p point) {
	s := segment{curve: true}
	s.d[0], s.d[1] = w.rel(c1)
	s.d[2], s.d[3] = w.rel(c2)
	s.d[4], s.d[5] = w.rel(p)
	w.segs = append(w.segs, s)
}

// Shapes of segments that a shorter operator than rlineto or rrcurveto
// draws; a curve's start and end tangents are horizontal or vertical.
func horizontalLine(s segment) bool { return !s.curve && s.d[1] == 0 }
func verticalLine(s segment) bool   { return !s.curve && s.d[0] == 0 }
func hhCurve(s segment) bool        { return s.curve && s.d[1] == 0 && s.d[5] == 0 }
func vvCurve(s segment) bool        { return s.curve && s.d[0] == 0 && s.d[4] == 0 }
func hvCurve(s segment) bool        { return s.curve && s.d[1] == 0 && s.d[4] == 0 }
func vhCurve(s segment) bool        { return s.curve && s.d[0] == 0 && s.d[5] == 0 }

// flush encodes the pending segments: runs of lines alternating between
// horizontal and vertical (hlineto, vlineto), of curves that start and end
// horizontal (hhcurveto) or vertical (vvcurveto) or alternate between the
// two (hvcurveto, vhcurveto), and of other lines and curves (rlineto,
// rrcurveto), each run as long as the argument stack allows.
func (w *csWriter) flush() {
	segs := w.segs
	for len(segs) > 0 {
		var args []int
		var op byte
		n := 0 // segments taken
		// take adds segments while fits(segment, index in the run) holds.
		take := func(fits func(segment, int) bool, per int, vals func(segment) []int) {
			for n < len(segs) && len(args)+per <= maxArgs && fits(segs[n], n) {
				args = append(args, vals(segs[n])...)
				n++
			}
		}
		alternate := func(even, odd func(segment) bool) func(segment, int) bool {
			return func(s segment, i int) bool {
				if i%2 == 0 {
					return even(s)
				}
				return odd(s)
			}
		}
		switch s := segs[0]; {
		case horizontalLine(s):
			op = opHLineTo
			take(alternate(horizontalLine, verticalLine), 1, func(s segment) []int { return []int{s.d[0] + s.d[1]} })
		case verticalLine(s):
			op = opVLineTo
			take(alternate(verticalLine, horizontalLine), 1, func(s segment) []int { return []int{s.d[0] + s.d[1]} })
		case !s.curve:
			op = opRLineTo
			take(func(s segment, _ int) bool { return !s.curve && !horizontalLine(s) && !verticalLine(s) }, 2,
				func(s segment) []int { return s.d[:2] })
		case hhCurve(s):
			op = opHHCurveTo
			take(func(s segment, _ int) bool { return hhCurve(s) }, 4, func(s segment) []int { return []int{s.d[0], s.d[2], s.d[3], s.d[4]} })
		case vvCurve(s):
			op = opVVCurveTo
			take(func(s segment, _ int) bool { return vvCurve(s) }, 4, func(s segment) []int { return []int{s.d[1], s.d[2], s.d[3], s.d[5]} })
		case hvCurve(s), vhCurve(s):
			op = opHVCurveTo
			even, odd := hvCurve, vhCurve
			if !hvCurve(s) {
				op, even, odd = opVHCurveTo, vhCurve, hvCurve
			}
			take(alternate(even, odd), 4, func(s segment) []int {
				if hvCurve(s) {
					return []int{s.d[0], s.d[2], s.d[3], s.d[5]}
				}
				return []int{s.d[1], s.d[2], s.d[3], s.d[4]}
			})
		default:
			op = opRRCurveTo
			take(func(s segment, _ int) bool {
				return s.curve && !hhCurve(s) && !vvCurve(s) && !hvCurve(s) && !vhCurve(s)
			}, 6,
				func(s segment) []int { return s.d[:] })
		}
		for _, a := range args {
			w.out = csInt(w.out, a)
		}
		w.out = append(w.out, op)
		segs = segs[n:]
	}
	w.segs = w.segs[:0]
}

// csInt appends a charstring integer operand (font units fit 16 bits).
func csInt(d []byte, v int) []byte {
	if out, ok := shortInt(d, v); ok {
		return out
	}
	return append(d, 28, byte(v>>8), byte(v))
}
