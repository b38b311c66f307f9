package desktop

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// The stop clean-up (Fyne's own, and an OnStopped hook) is taken out of
// Fyne's stop queue, where handing it to the ending main loop can panic,
// and returned to be run after the loop: nothing is left for Fyne to queue
// when the app stops, and what was taken runs.
func TestStopHookLeavesNothingToQueue(t *testing.T) {
	l := test.NewTempApp(t).Lifecycle()
	hooks, ok := l.(interface {
		OnStopped() func()
		SetOnStoppedHookExecuted(func())
	})
	if !ok {
		t.Fatal("Fyne's lifecycle no longer has OnStopped and SetOnStoppedHookExecuted: check takeStopHook against the new Fyne")
	}
	var ran []string
	hooks.SetOnStoppedHookExecuted(func() { ran = append(ran, "Fyne's clean-up") }) // as app.NewWithID sets it
	l.SetOnStopped(func() { ran = append(ran, "the app's hook") })
	atExit := takeStopHook(l)
	if hooks.OnStopped() != nil {
		t.Fatal("a stop clean-up is still left for Fyne to queue as the app quits")
	}
	atExit()
	if len(ran) != 2 {
		t.Errorf("the clean-up taken out ran %q, want both", ran)
	}
}
