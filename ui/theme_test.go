package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"billfold/billing"
)

// Every glyph is drawn whole, in every text style and size, in both
// languages: Fyne draws a text into a texture as tall as the line box of
// the face that draws its space, so a face whose line box is shallower
// than its glyphs loses their descenders (g, j, p, q, y) and the tops of
// accented capitals. The test renders each glyph alone with the software
// painter, measures its ink, and compares that with the glyph's outline
// in the face Fyne draws it with (its bundled face of the style, else the
// UI face).
func TestGlyphsAreNotClipped(t *testing.T) {
	a := test.NewTempApp(t)
	th := NewTheme("light")
	a.Settings().SetTheme(th)
	const scale = 4 // large pixels make a clipped pixel row unmistakable
	styles := map[string]fyne.TextStyle{"regular": {}, "bold": {Bold: true}, "italic": {Italic: true}, "bold italic": {Bold: true, Italic: true}}
	sizes := []fyne.ThemeSizeName{theme.SizeNameCaptionText, theme.SizeNameText, theme.SizeNameSubHeadingText, theme.SizeNameHeadingText}
	for name, style := range styles {
		faces := []fyne.Resource{th.Font(style), uiFace}
		for _, size := range sizes {
			for _, r := range "gjpqyÅÉ漢あ（" {
				f := drawingFace(t, faces, r)
				gid, _ := f.NominalGlyph(r)
				ext, ok := f.GlyphExtents(gid)
				if !ok {
					t.Fatalf("%q has no outline", r)
				}
				px := th.Size(size) * scale / float32(f.Upem())
				want := -ext.Height * px
				got := inkHeight(renderText(string(r), style, th.Size(size), scale))
				if float32(got) < want-2 {
					t.Errorf("%s %s %q: %d px of ink, the outline is %.1f px tall: clipped", name, size, r, got, want)
				}
			}
		}
	}
}

// A space between Japanese words is blank: Fyne draws it with the face of
// the words around it, so the Japanese face needs one (without it Fyne
// drew "山田�太郎").
func TestSpaceBetweenJapaneseWords(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme("light"))
	for _, s := range []string{"山 山", "山\u3000山", "A 山", "山 A"} {
		img := renderText(s, fyne.TextStyle{}, theme.TextSize(), 2)
		if n := inkedColumnRuns(img); n != 2 {
			t.Errorf("%q draws %d separate marks, want 2 (the space must be blank)", s, n)
		}
	}
}

// Fyne parses a theme's face once for every text style it draws (2.3 MB
// each for the UI face), so the theme gives Fyne its own faces, and the
// UI face is their fallback, parsed once for all (internal/fynefallback):
// Japanese is drawn with it in every style, bold as regular, since it has
// no bold.
func TestEveryStyleDrawsJapaneseWithTheUIFace(t *testing.T) {
	a := test.NewTempApp(t)
	th := NewTheme("light")
	a.Settings().SetTheme(th)
	regular := renderText("漢あ", fyne.TextStyle{}, theme.TextSize(), 2)
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}} {
		if th.Font(style) != fyneFace(style) {
			t.Errorf("%+v: the theme's face is %s, which Fyne would parse again for the style", style, th.Font(style).Name())
		}
		if !bytes.Equal(pixels(renderText("漢あ", style, theme.TextSize(), 2)), pixels(regular)) {
			t.Errorf("%+v draws 漢あ unlike the regular style: another face than the UI face", style)
		}
	}
	if bytes.Equal(pixels(renderText("漢", fyne.TextStyle{}, theme.TextSize(), 2)), pixels(renderText("あ", fyne.TextStyle{}, theme.TextSize(), 2))) {
		t.Error("漢 and あ look alike: boxes")
	}
}

// pixels is an image's pixels, row by row, as RGBA.
func pixels(img image.Image) []byte {
	b := img.Bounds()
	out := make([]byte, 0, 4*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			out = append(out, byte(r>>8), byte(g>>8), byte(bl>>8), byte(a>>8))
		}
	}
	return out
}

// inkedColumnRuns counts the runs of adjacent pixel columns with ink.
func inkedColumnRuns(img image.Image) int {
	b, runs, inRun := img.Bounds(), 0, false
	for x := b.Min.X; x < b.Max.X; x++ {
		inked := false
		for y := b.Min.Y; y < b.Max.Y && !inked; y++ {
			_, _, _, a := img.At(x, y).RGBA()
			inked = a > 0x4000
		}
		if inked && !inRun {
			runs++
		}
		inRun = inked
	}
	return runs
}

// fyneFace is the face Fyne falls back to for a style.
func fyneFace(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Bold && s.Italic:
		return theme.DefaultTextBoldItalicFont()
	case s.Bold:
		return theme.DefaultTextBoldFont()
	case s.Italic:
		return theme.DefaultTextItalicFont()
	}
	return theme.DefaultTextFont()
}

// drawingFace is the first of faces that has r, as Fyne chooses.
func drawingFace(t *testing.T, faces []fyne.Resource, r rune) *font.Face {
	t.Helper()
	for _, res := range faces {
		f, err := font.ParseTTF(bytes.NewReader(res.Content()))
		if err != nil {
			t.Fatalf("%s: %v", res.Name(), err)
		}
		if gid, ok := f.NominalGlyph(r); ok && gid != 0 {
			return f
		}
	}
	t.Fatalf("no face has %q", r)
	return nil
}

// renderText draws s alone on a transparent canvas, at its minimum size.
func renderText(s string, style fyne.TextStyle, size, scale float32) image.Image {
	txt := canvas.NewText(s, color.Black)
	txt.TextStyle, txt.TextSize = style, size
	c := software.NewTransparentCanvas()
	c.SetPadded(false)
	c.SetScale(scale)
	c.SetContent(container.NewWithoutLayout(txt))
	min := txt.MinSize()
	txt.Resize(min)
	c.Resize(fyne.NewSize(float32(math.Ceil(float64(min.Width)))+2, float32(math.Ceil(float64(min.Height)))+2))
	return c.Capture()
}

// inkHeight is the number of pixel rows from the topmost to the bottommost
// pixel of more than a quarter coverage.
func inkHeight(img image.Image) int {
	top, bottom := -1, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > 0x4000 {
				if top < 0 {
					top = y
				}
				bottom = y
				break
			}
		}
	}
	if top < 0 {
		return 0
	}
	return bottom - top + 1
}

// Every colour pair a widget draws meets WCAG 2.1 AA in light and dark:
// 4.5:1 for text (disabled and muted text included, which WCAG would
// exempt, because footnotes and cancelled invoices use it), 3:1 for the
// outlines and fills that identify a control or its state (check, radio
// and entry outlines, a checked box, the focus indicator, the scroll bar).
// Translucent colours are composed over what Fyne draws them on, as Fyne
// does. Button fills need no 3:1 against the background: a button's label
// identifies it (WCAG 2.1 Understanding 1.4.11).
func TestContrast(t *testing.T) {
	for _, mode := range []string{"light", "dark"} {
		th := NewTheme(mode)
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantLight) }
		bg, button, input, overlay := c(theme.ColorNameBackground), c(theme.ColorNameButton), c(theme.ColorNameInputBackground), c(theme.ColorNameOverlayBackground)
		menu, header := c(theme.ColorNameMenuBackground), c(theme.ColorNameHeaderBackground)
		hover, focus, selection := c(theme.ColorNameHover), c(theme.ColorNameFocus), c(theme.ColorNameSelection)
		surfaces := map[string]color.Color{ // where text appears
			"background": bg, "dialog": overlay, "menu": menu, "table header": header, "input": input,
			"hovered row": over(bg, hover), "selected row": over(bg, selection), "focused select": over(bg, focus),
			"focused menu item": over(menu, focus), "selected input text": over(input, selection),
		}
		type pair struct {
			what   string
			fg, bg color.Color
			min    float64
		}
		var pairs []pair
		text := func(fg fyne.ThemeColorName, where ...string) {
			for _, w := range where {
				pairs = append(pairs, pair{string(fg) + " text on " + w, c(fg), surfaces[w], 4.5})
			}
		}
		for w := range surfaces {
			text(theme.ColorNameForeground, w)
		}
		// Muted text (footnotes, cancelled invoices, disabled labels and
		// entries), placeholders, links, and statuses in lists and tables.
		text(theme.ColorNameDisabled, "background", "dialog", "menu", "table header", "input", "hovered row", "selected row")
		text(theme.ColorNamePlaceHolder, "background", "dialog", "input")
		text(theme.ColorNameHyperlink, "background", "dialog", "hovered row")
		text(theme.ColorNamePrimary, "background", "dialog", "input", "hovered row")
		for _, status := range []fyne.ThemeColorName{theme.ColorNameError, theme.ColorNameSuccess, theme.ColorNameWarning} {
			text(status, "background", "dialog", "input", "hovered row", "selected row")
		}
		buttons := []struct{ fill, text fyne.ThemeColorName }{
			{theme.ColorNameButton, theme.ColorNameForeground},
			{theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary},
			{theme.ColorNameError, theme.ColorNameForegroundOnError},
			{theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess},
			{theme.ColorNameWarning, theme.ColorNameForegroundOnWarning},
		}
		for _, b := range buttons {
			fill := c(b.fill)
			for state, f := range map[string]color.Color{"": fill, "hovered ": over(fill, hover), "focused ": over(fill, focus)} {
				pairs = append(pairs, pair{"text on " + state + string(b.fill) + " button", c(b.text), f, 4.5})
			}
			// Not a WCAG 2.1 AA rule (Understanding 1.4.11 exempts state
			// changes), but what "focus is clearly visible" means here.
			pairs = append(pairs, pair{"focused against unfocused " + string(b.fill) + " button", over(fill, focus), fill, 1.4})
		}
		pairs = append(pairs,
			pair{"disabled text on a disabled button", c(theme.ColorNameDisabled), c(theme.ColorNameDisabledButton), 4.5},
			pair{"text on a button", c(theme.ColorNameForeground), button, 4.5},
		)
		for _, around := range []struct {
			what string
			c    color.Color
		}{{"background", bg}, {"dialog", overlay}, {"input", input}} {
			for _, n := range []fyne.ThemeColorName{theme.ColorNameInputBorder, theme.ColorNamePrimary, theme.ColorNameError, theme.ColorNameForeground} {
				pairs = append(pairs, pair{string(n) + " outline or fill against " + around.what, c(n), around.c, 3})
			}
			pairs = append(pairs, pair{"focus indicator against " + around.what, over(around.c, focus), around.c, 3})
		}
		pairs = append(pairs, pair{"scroll bar", over(bg, c(theme.ColorNameScrollBar)), bg, 3},
			// Fyne marks the keyboard focus in a list or table with the
			// hover colour; it must show without drowning the row's text.
			pair{"hovered or keyboard-focused row", over(bg, hover), bg, 1.2})
		for _, p := range pairs {
			if testing.Verbose() {
				t.Logf("%s: %s %.2f:1", mode, p.what, contrast(p.fg, p.bg))
			}
			if r := contrast(p.fg, p.bg); r < p.min {
				t.Errorf("%s: %s %.2f:1, want %.1f:1 (%v on %v)", mode, p.what, r, p.min, hex(p.fg), hex(p.bg))
			}
		}
	}
}

// over composes a translucent colour over an opaque one, as Fyne's button
// does (source over, in sRGB).
func over(under, top color.Color) color.Color {
	ur, ug, ub, _ := under.RGBA()
	tr, tg, tb, ta := top.RGBA() // alpha-premultiplied
	k := 1 - float64(ta)/0xffff
	mix := func(u, t uint32) uint8 { return uint8((float64(t) + float64(u)*k) / 0x101) }
	return color.NRGBA{R: mix(ur, tr), G: mix(ug, tg), B: mix(ub, tb), A: 0xff}
}

// contrast is the WCAG 2.1 contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2.1's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, a := c.RGBA()
	if a != 0xffff {
		panic("luminance of a translucent colour")
	}
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func hex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}

// A theme switch repaints at once: no text or fill keeps a colour of the
// other variant, neither in the section on screen nor in one shown after
// the switch (Fyne refreshes only the widgets on screen).
func TestThemeSwitchRepaints(t *testing.T) {
	f := start(t, billing.JPY, "en")
	stale := map[color.Color]bool{}
	for n, c := range lightPalette {
		if c != darkPalette[n] {
			stale[c] = true
		}
	}
	check := func(where string, o fyne.CanvasObject) {
		t.Helper()
		for _, o := range test.LaidOutObjects(o) {
			var c color.Color
			switch o := o.(type) {
			case *canvas.Text:
				c = o.Color
			case *canvas.Rectangle:
				c = o.FillColor
			default:
				continue
			}
			if stale[c] {
				t.Errorf("%s: %T %v keeps the light theme's %s", where, o, o, hex(c))
			}
		}
	}
	f.rec.onUI(func() {
		f.shell.credit.onLink(link{err: errors.New("unreachable"), asOf: time.Now()}) // the credit greys out
		f.shell.show(f.shell.settings)
		f.browser.Settings().SetTheme(NewTheme("dark"))
		check("after the switch", f.shell.win.Content())
		f.shell.show(f.shell.billing)
		check("billing, shown after the switch", f.shell.win.Content())
	})
}
