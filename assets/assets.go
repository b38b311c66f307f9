// Package assets holds the files compiled into Billfold: the fonts of the
// PDFs and of the desktop UI, their licence, and the translations.
package assets

import _ "embed"

// JapaneseFont is IPAexGothic (fonts/ipaexg.ttf), a TrueType font with
// glyf outlines covering Latin, kana and the JIS X 0213 kanji, and the ¥ and
// € signs. It is redistributed unmodified under the IPA Font License v1.0
// (FontLicense), which requires the licence text to travel with it: show
// FontLicense wherever the application lists its third-party licences.
//
//go:embed fonts/ipaexg.ttf
var JapaneseFont []byte

// UIFont is Billfold Gothic UI (fonts/billfold-gothic-ui.otf), the
// Japanese face of the desktop UI: the glyphs of JapaneseFont for the
// CP932 repertoire and the translations, as CFF outlines, without the
// characters Fyne's bundled Latin faces draw (internal/uifont says why). It is a Derived
// Program under the IPA Font License v1.0, under which it is licensed,
// named without the IPA name as the licence requires; fonts/README.md says
// how it is made and how to use the original instead.
//
//go:generate go test ../internal/uifont -run TestCommittedFaceIsCurrent -update
//go:embed fonts/billfold-gothic-ui.otf
var UIFont []byte

// UIFontFile is UIFont's file name in fonts/.
const UIFontFile = "billfold-gothic-ui.otf"

// FontName is the family name of JapaneseFont.
const FontName = "IPAexGothic"

// FontLicense is the IPA Font License Agreement v1.0 that covers
// JapaneseFont, in Japanese and English.
//
//go:embed fonts/IPA_Font_License_Agreement_v1.0.txt
var FontLicense string
