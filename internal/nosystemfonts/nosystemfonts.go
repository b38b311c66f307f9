// Package nosystemfonts keeps Fyne from loading the system's fonts: every
// text is drawn with the theme's faces and Fyne's bundled Noto Sans, which
// Billfold's theme makes cover everything its screens show (Latin, Greek,
// Cyrillic, kana and the CP932 kanji). Importing it is enough.
//
// Why: Fyne 2.7 parses, for every text style it draws, the system's
// sans-serif face for the user's language besides the theme's faces, and
// holds it for good, whether or not any character ever falls back to it.
// Measured with 10,000 invoices loaded: on a Debian machine with only
// DejaVu it is two DejaVu Sans faces, 5 MB of heap; on a Japanese desktop
// with Noto Sans CJK (Debian's and Ubuntu's default Japanese font) it is
// two 20 MB collections, 39 MB of heap, for glyphs Billfold's own face
// already draws. Fyne has no setting for it, so this sets the internal flag
// that says its system font map is loaded, which it never then is: the
// language face is not looked up, and a character no bundled face has is
// drawn as a box instead of from a system face (a Hangul name, the JIS X
// 0213 kanji beyond CP932; the PDFs embed the whole of IPAexGothic).
//
// A linkname to a variable that no longer exists still builds (it defines
// its own), so TestFyneScansNoSystemFonts fails when a Fyne upgrade
// renames the flag or changes what it guards.
package nosystemfonts

import _ "unsafe" // for go:linkname

// systemFontsLoaded is painter.loaded in fyne.io/fyne/v2 v2.7.2
// (internal/painter/font.go): set, Fyne takes its font map (painter.fm,
// nil until loaded) as built.
//
//go:linkname systemFontsLoaded fyne.io/fyne/v2/internal/painter.loaded
var systemFontsLoaded bool

func init() { systemFontsLoaded = true }
