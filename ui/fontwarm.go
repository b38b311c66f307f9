package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// WarmFonts has Fyne load the faces of the two text styles Billfold draws,
// regular and bold, on a goroutine, and closes the channel it returns when
// they are loaded. Loading them (parsing the UI face, the fallback of
// every style, once, and Fyne's Noto Sans for each style) is ~15 ms of CPU
// that the first screen otherwise spends on the main goroutine after the
// window is created; started before the window, it runs while OpenGL sets
// the window up.
//
// Nothing else may measure or draw text until the channel is closed:
// under migrated_fynedo Fyne's font and text-size caches are plain maps,
// and the faces they hold are not safe to shape text with concurrently.
// Receiving from it before handing work to the main goroutine (fyne.Do),
// or before Fyne's loop starts, orders the two.
func WarmFonts() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			fyne.MeasureText("Billfold 請求書", theme.TextSize(), style)
		}
	}()
	return done
}
