// Package fynefallback gives Fyne one fallback face for every text style,
// parsed once: Billfold's UI face, in place of the system's fonts.
//
// Fyne 2.7 draws a text style (regular, bold…) with the theme's face for
// that style and its bundled Noto Sans of the style, and looks a character
// neither has up in its font map of the system's fonts. Billfold needs a
// Japanese face on machines without one, and two things Fyne does with
// faces cost memory it need not:
//   - It parses the theme's face once for every style it draws, regular
//     and bold at least: 2.3 MB of heap each for the UI face
//     (assets.UIFont), whose kana and kanji have no bold anyway. Held in
//     Fyne's font map instead, it is parsed once and every style shares it;
//     the theme gives Fyne its own Noto Sans, which it then parses once per
//     style as the theme's face and its fallback alike.
//   - For every style it parses the system's sans-serif face for the
//     user's language, whether or not a character ever falls back to it:
//     measured with 10,000 invoices loaded, two DejaVu Sans faces (5 MB) on
//     a Debian machine with only DejaVu, two 20 MB Noto Sans CJK
//     collections (39 MB) on a Japanese desktop. With the UI face as the
//     map, it loads no system font.
//
// A character neither Noto Sans nor the UI face draws (a Hangul name, the
// JIS X 0213 kanji beyond CP932) is a box: the UI face maps it to its
// .notdef (internal/uifont says why); the PDFs embed the whole of
// IPAexGothic.
//
// Fyne has no setting for any of it, so the package sets three variables
// of Fyne's internal/painter by go:linkname: loaded (the system fonts are
// loaded: never load them), fm (the map) and the lock that guards them.
// A linkname to a variable that no longer exists, or of another type,
// still builds, so a test fails on any other Fyne release than the one
// they were checked against, and others when the variables stop doing
// what they did.
package fynefallback

import (
	"bytes"
	"fmt"
	"sync"
	_ "unsafe" // for go:linkname

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"
)

// The variables of fyne.io/fyne/v2 v2.7.2 internal/painter/font.go:
// loaded says fm, the font map Fyne falls back to, is built (Fyne builds
// it from the system's fonts when it is not), and fontScanLock guards
// both.
var (
	//go:linkname systemFontsLoaded fyne.io/fyne/v2/internal/painter.loaded
	systemFontsLoaded bool
	//go:linkname fallbackMap fyne.io/fyne/v2/internal/painter.fm
	fallbackMap *fontscan.FontMap
	//go:linkname fallbackLock fyne.io/fyne/v2/internal/painter.fontScanLock
	fallbackLock sync.Mutex
)

// Before Use, Fyne falls back to no face at all (a box) rather than to
// the system's.
func init() { systemFontsLoaded = true }

var (
	installed  sync.Once
	installErr error
)

// Use makes face (an OpenType font) the face Fyne draws every character
// with that a style's own faces lack, in every style. The first call's
// face stays; call it before Fyne draws text, so that the first text
// finds it.
func Use(face fyne.Resource) error {
	installed.Do(func() {
		f, err := font.ParseTTF(bytes.NewReader(face.Content()))
		if err != nil {
			installErr = fmt.Errorf("fallback face %s: %w", face.Name(), err)
			return
		}
		m := fontscan.NewFontMap(quiet{})
		m.AddFace(f, fontscan.Location{File: face.Name()}, font.Description{Family: face.Name()})
		fallbackLock.Lock()
		defer fallbackLock.Unlock()
		fallbackMap, systemFontsLoaded = m, true
	})
	return installErr
}

// quiet drops the font map's log lines: that a character matched no face
// of the requested family is how every Japanese character is found.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
