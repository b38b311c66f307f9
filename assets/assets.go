// Package assets holds the files compiled into Billfold: the font the PDFs
// and the desktop UI share, and its licence.
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

// FontName is the family name of JapaneseFont.
const FontName = "IPAexGothic"

// FontLicense is the IPA Font License Agreement v1.0 that covers
// JapaneseFont, in Japanese and English.
//
//go:embed fonts/IPA_Font_License_Agreement_v1.0.txt
var FontLicense string
