// Package uifont builds the Japanese face of the desktop UI
// (assets.UIFont) from the bundled IPAexGothic: the glyphs of the
// characters Japanese users type and the UI's own texts use, none of the
// characters Fyne's bundled Latin faces draw except the space, and the
// Latin faces' line box.
//
// Why: Fyne (2.7) lays every line out with the vertical metrics of the
// face that draws the space, and draws each text into a texture exactly
// that tall. IPAexGothic's line box (hhea ascender 1802, descender −246
// per 2048) is shallower than its own Latin descenders (g, p, q, y reach
// −401) and lower than its accented capitals (Å reaches 1905), so Fyne cut
// them off in every text style and size. The app has Fyne draw each
// character with its bundled Noto Sans of the text's style (regular, bold,
// italic, bold italic) where that has it, else with this face. So this
// face leaves all Latin to Noto Sans, which draws it in real bold and
// italic (CSS font stacks mix the two the same way: "Noto Sans", then a
// Japanese face), and carries Noto Sans' line box (1069, −293 per 1000),
// which holds Noto's glyphs and IPAexGothic's kana and kanji alike (Fyne
// places a text's baseline by the face of its first run). It keeps the space
// because go-text's segmenter draws a space with the face of the text
// around it and assumes every face has one.
//
// Why a subset in CFF: go-text, which Fyne draws text with, decodes every
// TrueType outline into point structs up front: ~14 MB of heap for the
// 12,239-glyph IPAexGothic, 6.6 MB for its 7,250 CP932 glyphs. It keeps
// CFF charstrings as bytes instead and interprets a glyph when it draws
// it, so the same glyphs as CFF cost 2.3 MB (charstring converts them
// exactly), once for all text styles (internal/fynefallback).
//
// Every other character maps to the .notdef, which Fyne draws as a box or
// as "�" (a Hangul name, the JIS X 0213 kanji beyond CP932; the PDFs keep
// the full font): Fyne asks its font map of the system's fonts for a
// character none of a style's faces maps, the map (this face, in the app)
// answers with a face even when none has the character, and Fyne adds
// that face to the style's once more on every such lookup. Mapped here,
// the character is found in the face Fyne has, and never looked up. Latin
// included: Fyne tries a style's own faces first, and the monospace and
// symbol styles' own faces lack much of what Noto Sans draws.
package uifont

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/harfbuzz"
	"golang.org/x/text/encoding/japanese"

	"billfold/internal/ttf"
)

// postScriptName is the UI face's PostScript name (and CFF font name).
const postScriptName = "BillfoldGothicUI-Regular"

// Family is the UI face's family name. The IPA Font License (Article
// 3.1(4)) forbids the licensed font's name in a derived font's names.
const Family = "Billfold Gothic UI"

// Build returns the UI face, an OpenType font with CFF outlines: the glyphs
// jp (TrueType) has for Repertoire() and extra, except the characters
// every font in latin draws (but the space), glyph i+1 for the i-th of
// them in code point order, every other character but those the shaper
// skips mapped to the .notdef, with a line box that holds the latin fonts'
// and its own glyphs.
func Build(jp []byte, latin [][]byte, extra []rune) ([]byte, error) {
	src, err := font.ParseTTF(bytes.NewReader(jp))
	if err != nil {
		return nil, fmt.Errorf("uifont: %w", err)
	}
	ld, err := opentype.NewLoader(bytes.NewReader(jp))
	if err != nil {
		return nil, fmt.Errorf("uifont: %w", err)
	}
	raw := func(tag string) []byte {
		t, err := ld.RawTable(opentype.MustNewTag(tag))
		if err != nil {
			return nil
		}
		return t
	}
	var others []*font.Face
	for _, l := range latin {
		f, err := font.ParseTTF(bytes.NewReader(l))
		if err != nil {
			return nil, fmt.Errorf("uifont: Latin face: %w", err)
		}
		others = append(others, f)
	}
	has := func(f *font.Face, r rune) bool { _, ok := f.NominalGlyph(r); return ok }
	inLatin := func(r rune) bool {
		for _, f := range others {
			if !has(f, r) {
				return false
			}
		}
		return len(others) > 0
	}
	runes := []rune{' '}
	for _, r := range append(Repertoire(), extra...) {
		if has(src, r) && !inLatin(r) {
			runes = append(runes, r)
		}
	}
	slices.Sort(runes)
	runes = slices.Compact(runes)

	// Glyph 0 is the source's .notdef; every rune gets a glyph of its own,
	// even where the source shares one between two characters.
	gids := []font.GID{0}
	for _, r := range runes {
		g, _ := src.NominalGlyph(r)
		gids = append(gids, g)
	}
	n := len(gids)
	if n > 0xFFFF {
		return nil, fmt.Errorf("uifont: %d glyphs", n)
	}
	charstrings := make([][]byte, n)
	hmtx := make([]byte, 0, 4*n)
	var top, bottom float32
	for i, g := range gids {
		outline, ok := src.GlyphData(g).(font.GlyphOutline)
		if !ok {
			return nil, fmt.Errorf("uifont: glyph %d has no outline", g)
		}
		charstrings[i] = charstring(outline.Segments)
		var lsb float32
		if e, ok := src.GlyphExtents(g); ok {
			lsb = e.XBearing
			top, bottom = max(top, e.YBearing), min(bottom, e.YBearing+e.Height)
		}
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(math.Round(float64(src.HorizontalAdvance(g)))))
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(int16(math.Round(float64(lsb)))))
	}
	cff, err := cffTable(charstrings, int(src.Upem()), postScriptName)
	if err != nil {
		return nil, fmt.Errorf("uifont: %w", err)
	}
	head, hhea, os2, post, name := slices.Clone(raw("head")), slices.Clone(raw("hhea")), slices.Clone(raw("OS/2")), raw("post"), raw("name")
	if len(head) < 54 || len(hhea) < 36 || len(os2) < 78 || len(post) < 32 {
		return nil, fmt.Errorf("uifont: the source lacks a full head, hhea, OS/2 or post table")
	}
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	lineBox(hhea, os2, src.Upem(), top, bottom, others)
	post = slices.Clone(post[:32])
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names
	if name, err = renamed(name); err != nil {
		return nil, fmt.Errorf("uifont: %w", err)
	}
	return ttf.Write(nil, map[string][]byte{
		"CFF ": cff, "OS/2": os2, "cmap": ttf.CmapTable(runes, func(r rune) bool { return !shaperSkips(r) }), "head": head, "hhea": hhea, "hmtx": hmtx,
		"maxp": binary.BigEndian.AppendUint16([]byte{0, 0, 0x50, 0}, uint16(n)), // version 0.5, for CFF outlines
		"name": name, "post": post,
	}), nil
}

// shaperSkips reports the characters go-text's shaper draws with the face
// of the text around them, never asking which face has them (its
// shaping.ignoreFaceChange): controls, surrogates, line, paragraph and
// space separators, and the default-ignorable characters (joiners,
// variation selectors). The face leaves them unmapped, so that HarfBuzz
// draws a space the face lacks as a space and hides the rest, instead of
// drawing them as boxes.
func shaperSkips(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cs, unicode.Zl, unicode.Zp) ||
		(unicode.Is(unicode.Zs, r) && r != '\u1680') || harfbuzz.IsDefaultIgnorable(r)
}

// Repertoire is every character of Windows-31J (CP932), the Shift_JIS
// that Japanese input methods on Windows and macOS produce: JIS X 0208
// (kana, both kanji levels, symbols, Greek, Cyrillic) with the NEC and IBM
// extensions that names often need (髙, 﨑, ①, ㈱).
func Repertoire() []rune {
	dec := japanese.ShiftJIS.NewDecoder()
	var out []rune
	for lead := 0x81; lead <= 0xFC; lead++ {
		if lead > 0x9F && lead < 0xE0 {
			continue // single-byte half-width katakana, decoded below
		}
		for trail := 0x40; trail <= 0xFC; trail++ {
			if trail == 0x7F {
				continue
			}
			if b, err := dec.Bytes([]byte{byte(lead), byte(trail)}); err == nil {
				if r, _ := utf8.DecodeRune(b); r != utf8.RuneError {
					out = append(out, r)
				}
			}
		}
	}
	for r := rune(0xFF61); r <= 0xFF9F; r++ { // half-width katakana
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// lineBox sets the face's ascender and descender (in hhea, and in OS/2's
// typographic and Windows metrics, which some renderers read instead) to
// the largest of the Latin faces' and of its own glyphs' extents (top and
// bottom, in units of upem), with no line gap.
func lineBox(hhea, os2 []byte, upem uint16, top, bottom float32, latin []*font.Face) {
	asc, desc := int(math.Ceil(float64(top))), int(math.Floor(float64(bottom)))
	for _, l := range latin {
		e, _ := l.FontHExtents()
		k := float64(upem) / float64(l.Upem())
		asc = max(asc, int(math.Ceil(float64(e.Ascender)*k)))
		desc = min(desc, int(math.Floor(float64(e.Descender)*k)))
	}
	binary.BigEndian.PutUint16(hhea[4:], uint16(int16(asc)))
	binary.BigEndian.PutUint16(hhea[6:], uint16(int16(desc)))
	binary.BigEndian.PutUint16(hhea[8:], 0)
	binary.BigEndian.PutUint16(os2[68:], uint16(int16(asc)))  // sTypoAscender
	binary.BigEndian.PutUint16(os2[70:], uint16(int16(desc))) // sTypoDescender
	binary.BigEndian.PutUint16(os2[72:], 0)                   // sTypoLineGap
	binary.BigEndian.PutUint16(os2[74:], uint16(asc))         // usWinAscent
	binary.BigEndian.PutUint16(os2[76:], uint16(-desc))       // usWinDescent
}

// Name table ids (OpenType name table).
const (
	nameCopyright   = 0
	nameFamily      = 1
	nameSubfamily   = 2
	nameUniqueID    = 3
	nameFullName    = 4
	nameVersion     = 5
	namePostScript  = 6
	nameDescription = 10
	nameLicense     = 13
	nameLicenseURL  = 14
)

// renamed is a name table for the derived face: its own family name, and
// the original's copyright, version and licence records (English, Windows
// platform).
func renamed(orig []byte) ([]byte, error) {
	kept, err := englishNames(orig)
	if err != nil {
		return nil, err
	}
	names := map[int]string{
		nameFamily:      Family,
		nameSubfamily:   "Regular",
		nameUniqueID:    Family + " " + kept[nameVersion],
		nameFullName:    Family,
		namePostScript:  postScriptName,
		nameDescription: "Derived from IPAexGothic by Billfold (internal/uifont): a subset of its glyphs, without hinting. Licensed under the IPA Font License Agreement v1.0.",
	}
	for _, id := range []int{nameCopyright, nameVersion, nameLicense, nameLicenseURL} {
		if kept[id] != "" {
			names[id] = kept[id]
		}
	}
	ids := make([]int, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	head := make([]byte, 6+12*len(ids))
	binary.BigEndian.PutUint16(head[2:], uint16(len(ids)))
	binary.BigEndian.PutUint16(head[4:], uint16(len(head)))
	var strs []byte
	for i, id := range ids {
		s := utf16.Encode([]rune(names[id]))
		rec := head[6+12*i:]
		binary.BigEndian.PutUint16(rec, 3)         // Windows
		binary.BigEndian.PutUint16(rec[2:], 1)     // Unicode BMP
		binary.BigEndian.PutUint16(rec[4:], 0x409) // English (United States)
		binary.BigEndian.PutUint16(rec[6:], uint16(id))
		binary.BigEndian.PutUint16(rec[8:], uint16(2*len(s)))
		binary.BigEndian.PutUint16(rec[10:], uint16(len(strs)))
		for _, u := range s {
			strs = binary.BigEndian.AppendUint16(strs, u)
		}
	}
	return append(head, strs...), nil
}

// englishNames reads the Windows-platform US English records of a name
// table.
func englishNames(t []byte) (map[int]string, error) {
	if len(t) < 6 {
		return nil, errors.New("short name table")
	}
	n, strOff := int(binary.BigEndian.Uint16(t[2:])), int(binary.BigEndian.Uint16(t[4:]))
	out := map[int]string{}
	for i := range n {
		if len(t) < 6+12*i+12 {
			return nil, errors.New("short name table")
		}
		rec := t[6+12*i:]
		pid, eid, lid := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), binary.BigEndian.Uint16(rec[4:])
		id, length, off := int(binary.BigEndian.Uint16(rec[6:])), int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
		if pid != 3 || eid != 1 || lid != 0x409 {
			continue
		}
		if strOff+off+length > len(t) || length%2 != 0 {
			return nil, fmt.Errorf("name record %d out of range", id)
		}
		u := make([]uint16, length/2)
		for j := range u {
			u[j] = binary.BigEndian.Uint16(t[strOff+off+2*j:])
		}
		out[id] = string(utf16.Decode(u))
	}
	return out, nil
}
