package uifont

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// point is an outline point in font units; off marks a quadratic control
// point (TrueType's off-curve point).
type point struct {
	x, y float64
	off  bool
}

var errGlyph = errors.New("malformed glyph")

// outline decodes glyph gid of a glyf table (with its long loca) into
// contours, composite glyphs flattened with their components' transforms.
func outline(glyf, loca []byte, gid int) ([][]point, error) {
	return outlineDepth(glyf, loca, gid, 0)
}

func outlineDepth(glyf, loca []byte, gid, depth int) ([][]point, error) {
	if depth > 8 {
		return nil, fmt.Errorf("%w %d: components nested too deep", errGlyph, gid)
	}
	if 4*gid+8 > len(loca) {
		return nil, fmt.Errorf("%w %d: not in loca", errGlyph, gid)
	}
	start, end := binary.BigEndian.Uint32(loca[4*gid:]), binary.BigEndian.Uint32(loca[4*gid+4:])
	if start > end || int(end) > len(glyf) {
		return nil, fmt.Errorf("%w %d: out of range", errGlyph, gid)
	}
	g := glyf[start:end]
	if len(g) == 0 {
		return nil, nil // no outline (a space)
	}
	if len(g) < 10 {
		return nil, fmt.Errorf("%w %d: short header", errGlyph, gid)
	}
	if nc := int(int16(binary.BigEndian.Uint16(g))); nc >= 0 {
		return simpleOutline(g, nc, gid)
	}
	return compositeOutline(glyf, loca, g, gid, depth)
}

// simpleOutline decodes a simple glyph: end points, instructions (skipped),
// flags, then x and y deltas.
func simpleOutline(g []byte, nc, gid int) ([][]point, error) {
	bad := func(what string) error { return fmt.Errorf("%w %d: %s", errGlyph, gid, what) }
	p := 10
	if len(g) < p+2*nc+2 {
		return nil, bad("short end points")
	}
	ends := make([]int, nc)
	for i := range ends {
		ends[i] = int(binary.BigEndian.Uint16(g[p+2*i:]))
		if i > 0 && ends[i] < ends[i-1] {
			return nil, bad("end points not increasing")
		}
	}
	p += 2 * nc
	p += 2 + int(binary.BigEndian.Uint16(g[p:]))
	if nc == 0 {
		return nil, nil
	}
	n := ends[nc-1] + 1
	flags := make([]byte, 0, n)
	for len(flags) < n {
		if p >= len(g) {
			return nil, bad("short flags")
		}
		f := g[p]
		p++
		flags = append(flags, f)
		if f&0x08 != 0 { // repeat
			if p >= len(g) {
				return nil, bad("short flags")
			}
			for range g[p] {
				flags = append(flags, f)
			}
			p++
		}
	}
	flags = flags[:n]
	coords := func(short, same byte) ([]float64, error) {
		out := make([]float64, n)
		v := 0
		for i, f := range flags {
			switch {
			case f&short != 0:
				if p >= len(g) {
					return nil, bad("short coordinates")
				}
				d := int(g[p])
				p++
				if f&same == 0 {
					d = -d
				}
				v += d
			case f&same == 0:
				if p+2 > len(g) {
					return nil, bad("short coordinates")
				}
				v += int(int16(binary.BigEndian.Uint16(g[p:])))
				p += 2
			}
			out[i] = float64(v)
		}
		return out, nil
	}
	xs, err := coords(0x02, 0x10)
	if err != nil {
		return nil, err
	}
	ys, err := coords(0x04, 0x20)
	if err != nil {
		return nil, err
	}
	contours := make([][]point, 0, nc)
	first := 0
	for _, last := range ends {
		c := make([]point, 0, last-first+1)
		for i := first; i <= last; i++ {
			c = append(c, point{x: xs[i], y: ys[i], off: flags[i]&0x01 == 0})
		}
		contours = append(contours, c)
		first = last + 1
	}
	return contours, nil
}

// Composite glyph flags (OpenType glyf table).
const (
	argsAreWords  = 0x0001
	argsAreXY     = 0x0002
	haveScale     = 0x0008
	moreComps     = 0x0020
	haveXYScale   = 0x0040
	have2x2       = 0x0080
	f2dot14Factor = 1.0 / (1 << 14)
)

// compositeOutline flattens a composite glyph: each component's contours,
// transformed by its matrix and offset.
func compositeOutline(glyf, loca, g []byte, gid, depth int) ([][]point, error) {
	bad := func(what string) error { return fmt.Errorf("%w %d: %s", errGlyph, gid, what) }
	var out [][]point
	for p := 10; ; {
		if p+4 > len(g) {
			return nil, bad("short component")
		}
		flags, comp := binary.BigEndian.Uint16(g[p:]), int(binary.BigEndian.Uint16(g[p+2:]))
		p += 4
		var dx, dy float64
		if flags&argsAreWords != 0 {
			if p+4 > len(g) {
				return nil, bad("short component offset")
			}
			dx, dy = float64(int16(binary.BigEndian.Uint16(g[p:]))), float64(int16(binary.BigEndian.Uint16(g[p+2:])))
			p += 4
		} else {
			if p+2 > len(g) {
				return nil, bad("short component offset")
			}
			dx, dy = float64(int8(g[p])), float64(int8(g[p+1]))
			p += 2
		}
		if flags&argsAreXY == 0 {
			return nil, bad("component placed by matching points")
		}
		a, b, c, d := 1.0, 0.0, 0.0, 1.0
		f2 := func(off int) float64 { return float64(int16(binary.BigEndian.Uint16(g[p+off:]))) * f2dot14Factor }
		switch {
		case flags&haveScale != 0 && p+2 <= len(g):
			a = f2(0)
			d = a
			p += 2
		case flags&haveXYScale != 0 && p+4 <= len(g):
			a, d = f2(0), f2(2)
			p += 4
		case flags&have2x2 != 0 && p+8 <= len(g):
			a, b, c, d = f2(0), f2(2), f2(4), f2(6)
			p += 8
		case flags&(haveScale|haveXYScale|have2x2) != 0:
			return nil, bad("short component scale")
		}
		contours, err := outlineDepth(glyf, loca, comp, depth+1)
		if err != nil {
			return nil, err
		}
		for _, ct := range contours {
			t := make([]point, len(ct))
			for i, pt := range ct {
				t[i] = point{x: a*pt.x + c*pt.y + dx, y: b*pt.x + d*pt.y + dy, off: pt.off}
			}
			out = append(out, t)
		}
		if flags&moreComps == 0 {
			return out, nil
		}
	}
}
