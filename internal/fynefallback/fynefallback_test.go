package fynefallback

import (
	"os"
	"path/filepath"
	"testing"
	_ "unsafe" // for go:linkname

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/assets"
)

// Fyne indexes the system's fonts into the user's cache directory the
// first time it looks for a system face; with the package imported it
// never looks, before Use and after. This test must be the first in its process to measure text.
func TestFyneScansNoSystemFonts(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", t.TempDir())   // where the cache is on macOS
	t.Setenv("LocalAppData", cache) // and on Windows
	test.NewTempApp(t)
	for _, style := range styles {
		fyne.MeasureText("Billfold Ω Ж", 14, style)
	}
	if err := Use(uiFace); err != nil {
		t.Fatal(err)
	}
	for _, style := range styles {
		fyne.MeasureText("Billfold 請求書 Ω Ж 한", 14, style)
	}
	var written []string
	_ = filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			written = append(written, path)
		}
		return nil
	})
	if len(written) > 0 {
		t.Errorf("Fyne looked for system fonts and wrote %v", written)
	}
}

var (
	styles = []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}, {Monospace: true}}
	uiFace = fyne.NewStaticResource(assets.UIFontFile, assets.UIFont)
)

// fontCacheItem is painter.FontCacheItem of Fyne v2.7.2: the faces a text
// style is drawn with, in the order Fyne tries them.
type fontCacheItem struct{ Fonts shaping.Fontmap }

//go:linkname cachedFontFace fyne.io/fyne/v2/internal/painter.CachedFontFace
func cachedFontFace(style fyne.TextStyle, source fyne.Resource, o fyne.CanvasObject) *fontCacheItem

// Every style draws Japanese with the one UI face Use parsed, and a
// character no face has with its box, which Fyne then finds there
// without a new lookup; Latin with its own Noto Sans.
func TestEveryStyleDrawsJapaneseWithOneFace(t *testing.T) {
	test.NewTempApp(t)
	if err := Use(uiFace); err != nil {
		t.Fatal(err)
	}
	var shared *font.Face
	latin := map[*font.Face]bool{}
	for _, style := range styles {
		faces := cachedFontFace(style, nil, nil).Fonts
		for _, r := range "請求書ア〒한" {
			f := faces.ResolveFace(r)
			if shared == nil {
				shared = f
			}
			if f != shared {
				t.Errorf("%+v draws %q with another face than the regular style", style, r)
			}
		}
		if gid, _ := shared.NominalGlyph('請'); gid == 0 {
			t.Errorf("%+v draws 請 as a box", style)
		}
		latin[faces.ResolveFace('A')] = true
	}
	if latin[shared] || len(latin) != len(styles) {
		t.Errorf("%d Latin faces for %d styles (the UI face among them: %v)", len(latin), len(styles), latin[shared])
	}
}
