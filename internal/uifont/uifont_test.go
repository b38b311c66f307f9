package uifont

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"

	"billfold/assets"
	"billfold/internal/ttf"
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
		var texts map[string]string
		if err := json.Unmarshal(data, &texts); err != nil {
			return err
		}
		for _, s := range texts {
			runes = append(runes, []rune(s)...)
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
// line Fyne draws, holds the Latin faces' boxes and its own glyphs.
func TestCoverage(t *testing.T) {
	face, err := ttf.Parse(assets.UIFont)
	if err != nil {
		t.Fatal(err)
	}
	var latin []*ttf.Font
	for _, b := range latinFaces() {
		f, err := ttf.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		latin = append(latin, f)
	}
	for _, r := range translationRunes(t) {
		for _, l := range latin {
			if !face.Has(r) && !l.Has(r) {
				t.Errorf("%q (%U) of a translation has no glyph", r, r)
			}
		}
	}
	for _, r := range "AZaz09gjpqy¥$€.,()-…" {
		if face.Has(r) {
			t.Errorf("the UI face draws %q (%U), which the Latin faces draw", r, r)
		}
	}
	for _, r := range " あア漢髙﨑①㈱〒（）、。「」ｱ￥\u3000" {
		if !face.Has(r) {
			t.Errorf("the UI face lacks %q (%U)", r, r)
		}
	}
	for _, l := range latin {
		if face.Ascent < l.Ascent || face.Descent > l.Descent {
			t.Errorf("line box %.3f/%.3f em is smaller than a Latin face's %.3f/%.3f", face.Ascent, face.Descent, l.Ascent, l.Descent)
		}
	}
	for r := range face.Cmap {
		if _, yMin, _, yMax, ok := face.Bounds(r); ok && (float64(yMax) > face.Ascent*float64(face.UnitsPerEm) || float64(yMin) < face.Descent*float64(face.UnitsPerEm)) {
			t.Errorf("%q (%U) reaches outside the line box", r, r)
		}
	}
	if n := len(face.Cmap); n < 7000 || n > 7400 {
		t.Errorf("the UI face has %d characters, want the ~7,200 of CP932 without Latin", n)
	}
	names, err := englishNames(face.Tables["name"])
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
