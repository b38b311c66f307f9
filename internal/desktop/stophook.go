package desktop

import "fyne.io/fyne/v2"

// Fyne 2.7.2 queues its own clean-up (writing preferences changed in the
// last 100 ms) when the app stops, on a goroutine that hands it to the main
// loop; the loop closes its queue as it ends, and a hand-over just after
// that kills the app as it quits with "panic: send on closed channel"
// (runOnMainWithWait, from Lifecycle.RunEventQueue; seen in
// scripts/smoke.sh on one stop in a dozen). takeStopHook takes the clean-up
// out of Fyne's queue, with an OnStopped hook set before, and returns them,
// for Run to call on the main goroutine once the loop has ended (an
// OnStopped hook set later would bring the race back). With a Fyne whose
// lifecycle does not offer this, it changes nothing and returns a no-op.
func takeStopHook(l fyne.Lifecycle) func() {
	hooks, ok := l.(interface {
		OnStopped() func()
		SetOnStoppedHookExecuted(func())
	})
	if !ok {
		return func() {}
	}
	f := hooks.OnStopped()
	hooks.SetOnStoppedHookExecuted(nil)
	l.SetOnStopped(nil)
	if f == nil {
		return func() {}
	}
	return f
}
