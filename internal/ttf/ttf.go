// Package ttf writes the sfnt files Billfold builds: font files from
// their tables, and the cmap that maps characters to glyphs 1…n.
package ttf

import (
	"encoding/binary"
	"slices"
	"sort"
)

// CmapTable maps runes[i] (sorted) to glyph i+1: a (3,1) format 4
// subtable for the BMP, which every reader knows, and a (3,10) format 12
// subtable when there are characters beyond it. Consecutive runes share a
// segment.
func CmapTable(runes []rune) []byte {
	bmp := len(runes)
	for i, r := range runes {
		if r > 0xFFFF {
			bmp = i
			break
		}
	}
	f4 := cmapFormat4(runes[:bmp])
	var f12 []byte
	if bmp < len(runes) {
		f12 = cmapFormat12(runes)
	}
	n := 1
	if f12 != nil {
		n = 2
	}
	b := make([]byte, 4+8*n, 4+8*n+len(f4)+len(f12))
	binary.BigEndian.PutUint16(b[2:], uint16(n))
	binary.BigEndian.PutUint16(b[4:], 3) // Windows
	binary.BigEndian.PutUint16(b[6:], 1) // Unicode BMP
	binary.BigEndian.PutUint32(b[8:], uint32(len(b)))
	if f12 != nil {
		binary.BigEndian.PutUint16(b[12:], 3)  // Windows
		binary.BigEndian.PutUint16(b[14:], 10) // Unicode full repertoire
		binary.BigEndian.PutUint32(b[16:], uint32(len(b)+len(f4)))
	}
	b = append(b, f4...)
	return append(b, f12...)
}

type cmapSeg struct{ start, end, gid int }

// segments groups sorted runes (runes[i] → glyph i+1) into ranges.
func segments(runes []rune) []cmapSeg {
	var segs []cmapSeg
	for i, r := range runes {
		if k := len(segs) - 1; k >= 0 && segs[k].end+1 == int(r) {
			segs[k].end++
			continue
		}
		segs = append(segs, cmapSeg{int(r), int(r), i + 1})
	}
	return segs
}

func cmapFormat4(runes []rune) []byte {
	segs := append(segments(runes), cmapSeg{0xFFFF, 0xFFFF, 0}) // required terminator
	nseg := len(segs)
	s := make([]byte, 16+8*nseg)
	binary.BigEndian.PutUint16(s, 4)
	binary.BigEndian.PutUint16(s[2:], uint16(len(s)))
	binary.BigEndian.PutUint16(s[6:], uint16(2*nseg))
	sr, es := 1, 0
	for sr*2 <= nseg {
		sr *= 2
		es++
	}
	binary.BigEndian.PutUint16(s[8:], uint16(2*sr))
	binary.BigEndian.PutUint16(s[10:], uint16(es))
	binary.BigEndian.PutUint16(s[12:], uint16(2*nseg-2*sr))
	for i, sg := range segs {
		binary.BigEndian.PutUint16(s[14+2*i:], uint16(sg.end))
		binary.BigEndian.PutUint16(s[16+2*nseg+2*i:], uint16(sg.start))
		delta := uint16(1) // 0xFFFF + 1 wraps to glyph 0
		if sg.gid != 0 {
			delta = uint16(sg.gid - sg.start)
		}
		binary.BigEndian.PutUint16(s[16+4*nseg+2*i:], delta)
		// idRangeOffset stays 0.
	}
	return s
}

func cmapFormat12(runes []rune) []byte {
	segs := segments(runes)
	s := make([]byte, 16+12*len(segs))
	binary.BigEndian.PutUint16(s, 12)
	binary.BigEndian.PutUint32(s[4:], uint32(len(s)))
	binary.BigEndian.PutUint32(s[12:], uint32(len(segs)))
	for i, sg := range segs {
		g := s[16+12*i:]
		binary.BigEndian.PutUint32(g, uint32(sg.start))
		binary.BigEndian.PutUint32(g[4:], uint32(sg.end))
		binary.BigEndian.PutUint32(g[8:], uint32(sg.gid))
	}
	return s
}

// Write lays out a font file with the tables in tag order, in buf's
// memory when it is large enough: OpenType with CFF outlines when there
// is a "CFF " table, else TrueType.
func Write(buf []byte, tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += (len(t) + 3) &^ 3
	}
	sort.Strings(tags)
	out := slices.Grow(buf[:0], size)[:12+16*len(tags)]
	clear(out)
	binary.BigEndian.PutUint32(out, 0x00010000)
	if tables["CFF "] != nil {
		copy(out, "OTTO")
	}
	n := len(tags)
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*sr))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*sr))
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
