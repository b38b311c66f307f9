package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme embeds the Japanese-capable font (the same TTF the PDFs use), so
// Japanese renders on machines without CJK fonts, and can force a light
// or dark variant.
type Theme struct {
	font    fyne.Resource
	variant *fyne.ThemeVariant // nil follows the system
}

// NewTheme returns the app theme; mode is "system", "light" or "dark".
func NewTheme(font []byte, mode string) *Theme {
	t := &Theme{font: fyne.NewStaticResource("billfold-jp.ttf", font)}
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

// Color implements fyne.Theme.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	return theme.DefaultTheme().Color(n, v)
}

// Font implements fyne.Theme: one face for every style (the font has no
// bold or italic; the bundled Latin faces would not cover Japanese).
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return t.font
}

// Icon implements fyne.Theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
