package fynefallback

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"testing"
	_ "unsafe" // for go:linkname

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/assets"
	"billfold/internal/ownprocess"
)

// Fyne indexes the system's fonts into the user's cache directory the
// first time it looks for a system face; with the package imported it
// never looks, before Use and after. Fyne's fonts are loaded once per
// process and Use installs the face once, so the check runs in a process
// of its own: after another test had measured text, under -shuffle, its
// first half checked nothing.
func TestFyneScansNoSystemFonts(t *testing.T) {
	if !ownprocess.Here(t) {
		return
	}
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
	styles = []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}, {Monospace: true}, {Symbol: true}}
	uiFace = fyne.NewStaticResource(assets.UIFontFile, assets.UIFont)
)

// The linknames name variables of this Fyne release: an upgrade must check
// that internal/painter still has loaded, fm and fontScanLock, of the same
// types and meaning (font.go), then move this version on.
func TestFyneIsTheReleaseTheLinknamesName(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build information")
	}
	for _, m := range info.Deps {
		if m.Path == "fyne.io/fyne/v2" && m.Version != "v2.7.2" {
			t.Errorf("Fyne %s: check internal/painter's loaded, fm and fontScanLock, then update this test", m.Version)
		}
	}
}

// fontCacheItem is painter.FontCacheItem of Fyne v2.7.2: the faces a text
// style is drawn with, in the order Fyne tries them.
type fontCacheItem struct{ Fonts shaping.Fontmap }

//go:linkname cachedFontFace fyne.io/fyne/v2/internal/painter.CachedFontFace
func cachedFontFace(style fyne.TextStyle, source fyne.Resource, o fyne.CanvasObject) *fontCacheItem

// Every style draws Japanese with the one UI face Use parsed, and a
// character its own faces lack with the UI face's box, which Fyne then
// finds there: looking it up again would add the face to the style's once
// more each time.
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
		if !style.Symbol {
			latin[faces.ResolveFace('g')] = true
		}
		before := faceCount(faces)
		for range 3 {
			for _, r := range "한Ǆ※A😀\uE000" {
				faces.ResolveFace(r)
			}
		}
		if n := faceCount(faces); n != before {
			t.Errorf("%+v: %d faces, then %d after looking the same characters up again", style, before, n)
		}
	}
	if latin[shared] || len(latin) != len(styles)-1 {
		t.Errorf("%d Latin faces for %d styles (the UI face among them: %v)", len(latin), len(styles)-1, latin[shared])
	}
}

// faceCount is how many faces a style's Fyne font map holds (its
// dynamicFontMap's faces).
func faceCount(m shaping.Fontmap) int {
	return reflect.ValueOf(m).Elem().FieldByName("faces").Len()
}
