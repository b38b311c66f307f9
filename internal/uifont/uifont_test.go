package uifont

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"
	"github.com/go-text/render"
	"github.com/go-text/typesetting/font"

	"billfold/assets"
)

var update = flag.Bool("update", false, "rewrite the committed UI face (go generate ./assets)")

// latinFaces are Fyne's bundled faces that the theme pairs with the UI face.
func latinFaces() [][]byte {
	return [][]byte{theme.DefaultTextFont().Content(), theme.DefaultTextBoldFont().Content(),
		theme.DefaultTextItalicFont().Content(), theme.DefaultTextBoldItalicFont().Content()}
}

// translationRunes are the characters of every translated UI text.
func translationRunes(t *testing.T) []rune {
	t.Helper()
	var runes []rune
	err := fs.WalkDir(assets.Translations, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := assets.Translations.ReadFile(path)
		if err != nil {
			return err
		}
		// A message is a string, or its plural forms ({"one": …, "other": …}).
		var texts map[string]json.RawMessage
		if err := json.Unmarshal(data, &texts); err != nil {
			return err
		}
		for _, raw := range texts {
			var forms map[string]string
			if json.Unmarshal(raw, &forms) != nil {
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return err
				}
				forms = map[string]string{"": s}
			}
			for _, s := range forms {
				runes = append(runes, []rune(s)...)
			}
		}
		return nil
	})
	if err != nil || len(runes) == 0 {
		t.Fatalf("translations: %v (%d characters)", err, len(runes))
	}
	slices.Sort(runes)
	return slices.Compact(runes)
}

// The committed face is what Build makes from the committed fonts and
// translations; -update rewrites it.
func TestCommittedFaceIsCurrent(t *testing.T) {
	got, err := Build(assets.JapaneseFont, latinFaces(), translationRunes(t))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(filepath.Join("..", "..", "assets", "fonts", assets.UIFontFile), got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, assets.UIFont) {
		t.Fatalf("assets/fonts/%s (%d bytes) is not what Build makes from the bundled fonts and translations (%d bytes): run go generate ./assets", assets.UIFontFile, len(assets.UIFont), len(got))
	}
}

// Every translated text is drawn by the UI face or the Latin faces; the
// UI face draws no Latin but the space, has the Japanese that names and
// addresses need, and its line box, which decides the height of every
// line Fyne draws, holds the Latin faces' boxes and its own glyphs. Read
// with go-text, as Fyne reads it.
func TestCoverage(t *testing.T) {
	face := parse(t, assets.UIFont)
	var latin []*font.Face
	for _, b := range latinFaces() {
		latin = append(latin, parse(t, b))
	}
	for _, r := range translationRunes(t) {
		for _, l := range latin {
			if !has(face, r) && !has(l, r) {
				t.Errorf("%q (%U) of a translation has no glyph", r, r)
			}
		}
	}
	for _, r := range "AZaz09gjpqy¥$€.,()-…" {
		if has(face, r) {
			t.Errorf("the UI face draws %q (%U), which the Latin faces draw", r, r)
		}
	}
	for _, r := range " あア漢髙﨑①㈱〒（）、。「」ｱ￥\u3000" {
		if !has(face, r) {
			t.Errorf("the UI face lacks %q (%U)", r, r)
		}
	}
	box, _ := face.FontHExtents()
	em := float32(face.Upem())
	for _, l := range latin {
		lb, _ := l.FontHExtents()
		lem := float32(l.Upem())
		if box.Ascender/em < lb.Ascender/lem || box.Descender/em > lb.Descender/lem {
			t.Errorf("line box %v is smaller than a Latin face's %v", box, lb)
		}
	}
	n := 0
	for r := range rune(0x30000) {
		gid, ok := face.NominalGlyph(r)
		if !ok || gid == 0 {
			continue
		}
		n++
		if e, ok := face.GlyphExtents(gid); ok && (e.YBearing > box.Ascender || e.YBearing+e.Height < box.Descender) {
			t.Errorf("%q (%U) reaches outside the line box", r, r)
		}
	}
	if n < 7000 || n > 7400 {
		t.Errorf("the UI face has %d characters, want the ~7,200 of CP932 without Latin", n)
	}
	names, err := englishNames(uiTable(t, "name"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{nameFamily, nameUniqueID, nameFullName, namePostScript} {
		if strings.Contains(names[id], "IPA") {
			t.Errorf("name %d is %q: a derived font must not carry the IPA name", id, names[id])
		}
	}
	if names[nameFamily] != Family || !strings.Contains(names[nameCopyright], "IPA") {
		t.Errorf("family %q, copyright %q", names[nameFamily], names[nameCopyright])
	}
}

// The CFF outlines draw what IPAexGothic's TrueType outlines draw: a
// sample of every face character rendered at 48 px by go-text from both
// fonts differs by under 1 % of its ink.
func TestOutlinesMatchTheOriginal(t *testing.T) {
	face, orig := parse(t, assets.UIFont), parse(t, assets.JapaneseFont)
	var sample []rune
	for r := range rune(0x30000) {
		if has(face, r) && (r%29 == 0 || strings.ContainsRune("あ漢髙﨑①㈱〒（、。「ｱ￥〓※", r)) {
			sample = append(sample, r)
		}
	}
	if len(sample) < 200 {
		t.Fatalf("only %d characters sampled", len(sample))
	}
	draw := func(f *font.Face, s string) *image.Alpha {
		img := image.NewAlpha(image.Rect(0, 0, 64, 64))
		(&render.Renderer{FontSize: 48, Color: color.Alpha{A: 0xff}}).DrawStringAt(s, img, 4, 52, f)
		return img
	}
	for _, r := range sample {
		a, b := draw(orig, string(r)), draw(face, string(r))
		var ink, diff int
		for i := range a.Pix {
			ink += int(a.Pix[i])
			d := int(a.Pix[i]) - int(b.Pix[i])
			diff += max(d, -d)
		}
		if ink > 0 && diff*100 > ink {
			t.Errorf("%q (%U): the CFF outline differs from the original by %.1f %% of its ink", r, r, 100*float64(diff)/float64(ink))
		}
	}
}

// has reports whether f has a glyph of its own for r, not the .notdef.
func has(f *font.Face, r rune) bool {
	gid, ok := f.NominalGlyph(r)
	return ok && gid != 0
}

// Fyne asks its system font map for a character none of a style's faces
// maps (Billfold's is the UI face: internal/fynefallback), which answers
// with some face even when none has it, and Fyne adds that face to the
// style's for good, once more each time. So the UI face maps every
// character it has no glyph for to its .notdef, Latin too (Fyne tries a
// style's own faces first), but what the shaper draws with the face around
// it (spaces, joiners, variation selectors): Fyne never looks further.
func TestEveryOtherCharacterIsABox(t *testing.T) {
	face := parse(t, assets.UIFont)
	for _, r := range []rune{'한', '😀', '\u0378', '\uE000', '\U0010FFFD', '𠀋', 'ᚠ', 'A', 'Ǆ', '€'} {
		if gid, ok := face.NominalGlyph(r); !ok || gid != 0 {
			t.Errorf("%q (%U): glyph %d, %v; want the .notdef", r, r, gid, ok)
		}
	}
	for _, r := range []rune{'\u2003', '\u200D', '\uFE0F', '\U000E0100', '\n'} {
		if _, ok := face.NominalGlyph(r); ok {
			t.Errorf("%U is mapped; the shaper draws it with the face around it", r)
		}
	}
}

func parse(t *testing.T, b []byte) *font.Face {
	t.Helper()
	f, err := font.ParseTTF(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// uiTable is a raw table of the UI face.
func uiTable(t *testing.T, tag string) []byte {
	t.Helper()
	b := assets.UIFont
	n := int(binary.BigEndian.Uint16(b[4:]))
	for i := range n {
		rec := b[12+16*i:]
		if string(rec[:4]) == tag {
			off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
			return b[off : off+length]
		}
	}
	t.Fatalf("no %q table", tag)
	return nil
}
