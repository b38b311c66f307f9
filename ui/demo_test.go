package ui

import (
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/test"

	"billfold/billing"
)

// Signing out of the demo does not close the app without a word: its
// window says the demo ended and offers to start it again.
func TestSigningOutOfTheDemoSaysItEnded(t *testing.T) {
	var restarted, quit atomic.Int32
	f := startWith(t, billing.JPY, "en", func(_ *fixture, d *Deps) {
		d.Demo = true
		d.RestartDemo = func() { restarted.Add(1) }
		d.SignOut = func() { quit.Add(1) } // what the demo did: quit the app
	})
	signedOut := f.rec.mark(TaskSignOut)
	f.rec.onUI(func() { test.Tap(findButton(f.shell.win.Content(), "Sign out")) })
	f.rec.wait(t, TaskSignOut, signedOut)
	f.rec.onUI(func() {
		text := dump(f.shell.win.Content())
		if !strings.Contains(text, "The demo has ended") || quit.Load() != 0 || f.shell.ctx.Err() == nil {
			t.Fatalf("after signing out of the demo: quit %d, shell stopped %v, window says:\n%s", quit.Load(), f.shell.ctx.Err() != nil, text)
		}
		test.Tap(findButton(f.shell.win.Content(), "Start the demo again"))
	})
	if restarted.Load() != 1 {
		t.Fatalf("restarted %d times", restarted.Load())
	}
}
