// Package ttf writes the sfnt files Billfold builds: font files from
// their tables, and the cmap that maps characters to glyphs 1…n.
package ttf

import (
	"encoding/binary"
	"slices"
	"sort"
	"unicode"
)

// CmapTable maps runes[i] (sorted) to glyph i+1 and every other code
// point notdef reports (nil: none) to glyph 0, the .notdef: a single
// (0,6) format 13 subtable ("Unicode full repertoire", many-to-one), the
// one format that maps a range of characters to one glyph. go-text, the
// only reader of the fonts Billfold builds this way, takes it; a face that
// Windows or macOS should install would need a (3,1) or (3,10) subtable.
func CmapTable(runes []rune, notdef func(rune) bool) []byte {
	var groups []cmapGroup
	next := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		gid := -1
		switch {
		case next < len(runes) && runes[next] == r:
			next++
			gid = next
		case notdef != nil && notdef(r):
			gid = 0
		default:
			continue
		}
		if k := len(groups) - 1; gid == 0 && k >= 0 && groups[k].gid == 0 && groups[k].end+1 == r {
			groups[k].end = r
			continue
		}
		groups = append(groups, cmapGroup{r, r, gid})
	}
	b := make([]byte, 12, 12+16+12*len(groups))
	binary.BigEndian.PutUint16(b[2:], 1)  // one subtable
	binary.BigEndian.PutUint16(b[4:], 0)  // Unicode
	binary.BigEndian.PutUint16(b[6:], 6)  // full repertoire, format 13
	binary.BigEndian.PutUint32(b[8:], 12) // where it starts
	b = binary.BigEndian.AppendUint16(b, 13)
	b = binary.BigEndian.AppendUint16(b, 0) // reserved
	b = binary.BigEndian.AppendUint32(b, uint32(16+12*len(groups)))
	b = binary.BigEndian.AppendUint32(b, 0) // language
	b = binary.BigEndian.AppendUint32(b, uint32(len(groups)))
	for _, g := range groups {
		b = binary.BigEndian.AppendUint32(b, uint32(g.start))
		b = binary.BigEndian.AppendUint32(b, uint32(g.end))
		b = binary.BigEndian.AppendUint32(b, uint32(g.gid))
	}
	return b
}

// cmapGroup maps start…end to glyph gid.
type cmapGroup struct {
	start, end rune
	gid        int
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
