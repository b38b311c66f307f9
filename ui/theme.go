package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"billfold/assets"
	"billfold/internal/fynefallback"
)

// Theme is Billfold's look: colours that meet WCAG 2.1 AA in light and
// dark (theme_test.go measures every pair a widget draws), a keyboard
// focus that shows on every control, and fonts that draw Japanese on
// machines without Japanese fonts. Its variant is light, dark, or the
// system's.
//
// Statuses use Fyne's named colours through widget importances, so that a
// theme switch repaints them with everything else: paid and success are
// ColorNameSuccess (widget.SuccessImportance), overdue and errors
// ColorNameError (DangerImportance), unpaid and warnings ColorNameWarning
// (WarningImportance), cancelled, footnotes and other muted text
// ColorNameDisabled (LowImportance).
type Theme struct {
	variant *fyne.ThemeVariant // nil follows the system
}

// NewTheme returns the app theme; mode is "system", "light" or "dark".
func NewTheme(mode string) *Theme {
	t := &Theme{}
	switch mode {
	case "light":
		v := theme.VariantLight
		t.variant = &v
	case "dark":
		v := theme.VariantDark
		t.variant = &v
	}
	return t
}

// uiFace is the Japanese face of every text style (assets.UIFont): kana,
// kanji, Japanese punctuation and the space, a box for every other
// character, and Noto Sans' line box. Fyne draws each
// character with its bundled Noto Sans of the text's style (regular, bold,
// italic) where that has it, and with this face, its fallback in every
// style (internal/fynefallback), where not: so Latin is Noto Sans', in
// real bold and italic, and every line box holds the descenders of g, j,
// p, q and y, which IPAexGothic's own line box cut off (internal/uifont
// explains).
var uiFace = fyne.NewStaticResource(assets.UIFontFile, assets.UIFont)

// Font implements fyne.Theme: Fyne's own faces, which it parses once per
// style. Their fallback, the UI face, is parsed once for all at the first
// face Fyne asks for, as it first measures text: in the app on the
// goroutine that loads the fonts (WarmFonts), not the main one.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if err := fynefallback.Use(uiFace); err != nil { // parses only on the first call
		fyne.LogError("Japanese will show as boxes", err)
	}
	return theme.DefaultTheme().Font(s)
}

// Color implements fyne.Theme.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	p := lightPalette
	if v == theme.VariantDark {
		p = darkPalette
	}
	if c, ok := p[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, v)
}

// Icon implements fyne.Theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

func rgba(hex uint32, alpha uint8) color.NRGBA {
	c := rgb(hex)
	c.A = alpha
	return c
}

// The palettes. Fyne draws a focused button as its colour with Focus laid
// over it, and a focused select, check or radio with Focus over the
// background, so Focus is a translucent black in light (a focused control
// darkens) and a translucent white in dark (it lightens): it shows on
// every button, the primary one included, where a blue focus on a blue
// button did not. Fyne's Light/Dark choice of Primary, Focus and Selection
// from the user's primary colour preference is not followed: those
// colours must fit the rest of the palette.
var lightPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          rgb(0xffffff),
	theme.ColorNameForeground:          rgb(0x1c1c1e),
	theme.ColorNameDisabled:            rgb(0x5c5c60), // muted text too: footnotes, cancelled
	theme.ColorNamePlaceHolder:         rgb(0x5c5c60),
	theme.ColorNameButton:              rgb(0xe9e9eb),
	theme.ColorNameDisabledButton:      rgb(0xf2f2f3),
	theme.ColorNameInputBackground:     rgb(0xf7f7f8),
	theme.ColorNameInputBorder:         rgb(0x76767a), // check, radio and entry outlines
	theme.ColorNameHeaderBackground:    rgb(0xf2f2f3),
	theme.ColorNameMenuBackground:      rgb(0xffffff),
	theme.ColorNameOverlayBackground:   rgb(0xffffff),
	theme.ColorNamePrimary:             rgb(0x1a5fb4),
	theme.ColorNameForegroundOnPrimary: rgb(0xffffff),
	theme.ColorNameHyperlink:           rgb(0x1a5fb4),
	theme.ColorNameError:               rgb(0xb3141f), // overdue
	theme.ColorNameForegroundOnError:   rgb(0xffffff),
	theme.ColorNameSuccess:             rgb(0x116329), // paid
	theme.ColorNameForegroundOnSuccess: rgb(0xffffff),
	theme.ColorNameWarning:             rgb(0x7d4e00), // unpaid
	theme.ColorNameForegroundOnWarning: rgb(0xffffff),
	theme.ColorNameFocus:               rgba(0x000000, 0x6d),
	theme.ColorNameHover:               rgba(0x000000, 0x1a), // also a list's or table's keyboard focus
	theme.ColorNamePressed:             rgba(0x000000, 0x19),
	theme.ColorNameSelection:           rgba(0x1a5fb4, 0x26),
	theme.ColorNameSeparator:           rgb(0xdcdcde),
	theme.ColorNameScrollBar:           rgba(0x000000, 0x99),
	theme.ColorNameScrollBarBackground: rgb(0xe9e9eb),
	theme.ColorNameShadow:              rgba(0x000000, 0x33),
}

var darkPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          rgb(0x1c1c1e),
	theme.ColorNameForeground:          rgb(0xfafafa),
	theme.ColorNameDisabled:            rgb(0xa8a8ad),
	theme.ColorNamePlaceHolder:         rgb(0xa8a8ad),
	theme.ColorNameButton:              rgb(0x29292c),
	theme.ColorNameDisabledButton:      rgb(0x262628),
	theme.ColorNameInputBackground:     rgb(0x242426),
	theme.ColorNameInputBorder:         rgb(0x8e8e93),
	theme.ColorNameHeaderBackground:    rgb(0x262628),
	theme.ColorNameMenuBackground:      rgb(0x262628),
	theme.ColorNameOverlayBackground:   rgb(0x242426),
	theme.ColorNamePrimary:             rgb(0x669de4),
	theme.ColorNameForegroundOnPrimary: rgb(0x0a0a0b),
	theme.ColorNameHyperlink:           rgb(0x8cbcf5),
	theme.ColorNameError:               rgb(0xf57970),
	theme.ColorNameForegroundOnError:   rgb(0x1c1c1e),
	theme.ColorNameSuccess:             rgb(0x3bb04b),
	theme.ColorNameForegroundOnSuccess: rgb(0x1c1c1e),
	theme.ColorNameWarning:             rgb(0xcd9628),
	theme.ColorNameForegroundOnWarning: rgb(0x1c1c1e),
	theme.ColorNameFocus:               rgba(0xffffff, 0x58),
	theme.ColorNameHover:               rgba(0xffffff, 0x14),
	theme.ColorNamePressed:             rgba(0xffffff, 0x33),
	theme.ColorNameSelection:           rgba(0x669de4, 0x2c),
	theme.ColorNameSeparator:           rgb(0x3a3a3d),
	theme.ColorNameScrollBar:           rgba(0xffffff, 0x99),
	theme.ColorNameScrollBarBackground: rgb(0x2f2f32),
	theme.ColorNameShadow:              rgba(0x000000, 0x66),
}
