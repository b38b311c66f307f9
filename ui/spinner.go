package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// spinner says that something is under way with a bar that sweeps to and
// fro, as Fyne's infinite progress bar does, but animates only while it is
// shown. Fyne's bar (2.7.2) keeps its animation going after Hide, and
// starts it again whenever its renderer is made, hidden or not: a bar
// hidden after signing in, adding funds, or on the "Starting the demo…"
// screen the main window replaced, redrew the window 60 times a second
// until Fyne dropped its renderer a minute later. The idle window used
// half of a core meanwhile, and Mesa's llvmpipe held 8 MB of frames.
type spinner struct {
	widget.BaseWidget
	anim     *fyne.Animation
	renderer *spinnerRenderer
	done     float32 // how far the sweep is, 0 to 1
}

// newSpinner returns a spinner that animates from when it is first drawn
// until it is hidden.
func newSpinner() *spinner {
	s := &spinner{}
	s.ExtendBaseWidget(s)
	return s
}

// Show shows the spinner and starts its sweep.
func (s *spinner) Show() {
	s.BaseWidget.Show()
	s.start()
}

// Hide stops the sweep and hides the spinner.
func (s *spinner) Hide() {
	s.stop()
	s.BaseWidget.Hide()
}

// animating reports whether the sweep is running.
func (s *spinner) animating() bool { return s.anim != nil }

func (s *spinner) start() {
	if s.anim != nil || s.renderer == nil || !s.Visible() {
		return
	}
	s.anim = &fyne.Animation{Duration: 3 * time.Second, Curve: fyne.AnimationLinear, RepeatCount: fyne.AnimationRepeatForever,
		AutoReverse: true, Tick: s.tick}
	s.anim.Start()
}

func (s *spinner) stop() {
	if s.anim != nil {
		s.anim.Stop()
		s.anim = nil
	}
}

func (s *spinner) tick(done float32) {
	s.done = done
	if s.renderer != nil {
		s.renderer.placeBar()
		canvas.Refresh(&s.renderer.bar)
	}
}

// CreateRenderer implements fyne.Widget.
func (s *spinner) CreateRenderer() fyne.WidgetRenderer {
	r := &spinnerRenderer{s: s}
	r.objects = []fyne.CanvasObject{&r.track, &r.bar}
	r.applyTheme()
	s.renderer = r
	s.start()
	return r
}

type spinnerRenderer struct {
	s          *spinner
	track, bar canvas.Rectangle
	objects    []fyne.CanvasObject
}

// barShare is the bar's width as a share of the track's, as Fyne's.
const barShare = 1.0 / 5

// placeBar puts the bar where the sweep is, clipped to the track.
func (r *spinnerRenderer) placeBar() {
	size := r.s.Size()
	span := size.Width * (1 + barShare/2)
	width := size.Width * barShare
	x := span*r.s.done - (span-size.Width)/2 - width/2
	if x < 0 {
		width += x
		x = 0
	}
	if x+width > size.Width {
		width = size.Width - x
	}
	r.bar.Move(fyne.NewPos(x, 0))
	r.bar.Resize(fyne.NewSize(max(width, 0), size.Height))
}

func (r *spinnerRenderer) applyTheme() {
	th := r.s.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	primary := th.Color(theme.ColorNamePrimary, v)
	track := color.NRGBAModel.Convert(primary).(color.NRGBA)
	track.A /= 2 // as Fyne's track
	r.track.FillColor = track
	r.bar.FillColor = primary
	r.track.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.bar.CornerRadius = r.track.CornerRadius
}

func (r *spinnerRenderer) Layout(size fyne.Size) {
	r.track.Resize(size)
	r.placeBar()
}

// MinSize is that of Fyne's progress bars: one line of "100%".
func (r *spinnerRenderer) MinSize() fyne.Size {
	th := r.s.Theme()
	pad := 2 * th.Size(theme.SizeNameInnerPadding)
	text := fyne.MeasureText("100%", th.Size(theme.SizeNameText), fyne.TextStyle{})
	return fyne.NewSize(text.Width+pad, text.Height+pad)
}

func (r *spinnerRenderer) Refresh() {
	r.applyTheme()
	r.track.Refresh()
	r.bar.Refresh()
}

func (r *spinnerRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Destroy stops the sweep of a spinner Fyne no longer draws.
func (r *spinnerRenderer) Destroy() {
	if r.s.renderer == r { // not a renderer replaced since
		r.s.stop()
		r.s.renderer = nil
	}
}
