package desktop

import (
	"testing"

	"fyne.io/fyne/v2/app"
)

// The app's own stop clean-up is taken out of Fyne's stop queue (where
// handing it to the ending main loop can panic) and returned to be run
// after the loop: nothing is left for Fyne to queue when the app stops.
func TestStopHookLeavesNothingToQueue(t *testing.T) {
	a := app.NewWithID("test.billfold.stophook")
	l := a.Lifecycle()
	stopped, ok := l.(interface{ OnStopped() func() })
	if !ok {
		t.Fatal("Fyne's lifecycle no longer has OnStopped: check takeStopHook against the new Fyne")
	}
	if stopped.OnStopped() == nil {
		t.Fatal("Fyne set no stop clean-up: nothing to take")
	}
	ran := false
	l.SetOnStopped(func() { ran = true })
	atExit := takeStopHook(l)
	if f := stopped.OnStopped(); f != nil {
		t.Fatal("a stop clean-up is still left for Fyne to queue as the app quits")
	}
	atExit()
	if !ran {
		t.Error("the clean-up taken out did not run the app's stop hook")
	}
}
