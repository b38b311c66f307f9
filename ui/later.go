package ui

import "fyne.io/fyne/v2"

// later is a screen built the first time it is shown or asked for: the
// sections and tabs a window does not open on cost its start nothing.
// Built at once, the customer's Archive, Settings, Add Funds and
// Transactions were a third of the main goroutine's work between the
// demo's window being created and its first screen having content (8 of
// 25 ms): widgets set up before they are shown (a disabled button, an
// entry's placeholder, a chosen option) make their renderers and decode
// their icons there and then. Like the widgets it builds, a later screen
// is for the UI goroutine only: under migrated_fynedo Fyne's caches are
// plain maps (the screenshot tour once built one on its own goroutine,
// and died of a concurrent map write).
type later[S screen] struct {
	build func() S
	s     S
	built bool
}

func newLater[S screen](build func() S) *later[S] { return &later[S]{build: build} }

// get is the screen, built the first time.
func (l *later[S]) get() S {
	if !l.built {
		l.s, l.built = l.build(), true
	}
	return l.s
}

// ifBuilt is the screen, if something has built it.
func (l *later[S]) ifBuilt() (S, bool) { return l.s, l.built }

func (l *later[S]) object() fyne.CanvasObject   { return l.get().object() }
func (l *later[S]) refresh()                    { l.get().refresh() }
func (l *later[S]) focusTarget() fyne.Focusable { return l.get().focusTarget() }

// leave stops what the built screen shows, if it has something to stop.
func (l *later[S]) leave() {
	if lv, ok := any(l.s).(leaver); ok && l.built {
		lv.leave()
	}
}
