package ui

import (
	"slices"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/server/servertest"
)

// openDrawnFirst opens a yen customer's main window that draws before its
// data goes in, holding results for at most wait when nothing draws it.
func openDrawnFirst(t *testing.T, wait time.Duration) (*customerShell, *recorder) {
	t.Helper()
	return openDrawnFirstIn(t, billing.JPY, wait)
}

// openDrawnFirstIn is openDrawnFirst for a customer whose account is in c.
func openDrawnFirstIn(t *testing.T, c billing.Currency, wait time.Duration) (*customerShell, *recorder) {
	t.Helper()
	defer func(w time.Duration) { firstFrameWait = w }(firstFrameWait)
	firstFrameWait = wait
	f := openOn(t, servertest.New(t, servertest.Backends(t)[0]), c, "en", func(_ *fixture, d *Deps) { d.DrawBeforeData = true })
	return f.shell, f.rec
}

// heldResults waits until n results are waiting for the window to be drawn.
func heldResults(t *testing.T, rec *recorder, n int64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); rec.runner.waiting.Load() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d results held, want %d", rec.runner.waiting.Load(), n)
		}
	}
}

func TestTheFirstFrameIsDrawnBeforeTheLoadedData(t *testing.T) {
	s, rec := openDrawnFirst(t, time.Hour)
	heldResults(t, rec, 3) // the account's rules, its balance and its invoices
	for _, task := range []Task{TaskConfig, TaskSummary, TaskInvoices} {
		if n := rec.mark(task); n != 0 {
			t.Fatalf("%q was applied %d times before the window was drawn", task, n)
		}
	}
	rec.onUI(func() { s.Window().Canvas().Capture() })
	rec.wait(t, TaskConfig, 0)
	rec.wait(t, TaskSummary, 0)
	rec.wait(t, TaskInvoices, 0)
	// Later loads are not held: the window has been drawn.
	before := rec.mark(TaskSummary)
	rec.onUI(s.onRefresh)
	rec.wait(t, TaskSummary, before)
}

func TestAWindowNeverDrawnStillGetsItsData(t *testing.T) {
	_, rec := openDrawnFirst(t, time.Millisecond)
	rec.wait(t, TaskConfig, 0)
	rec.wait(t, TaskSummary, 0)
	rec.wait(t, TaskInvoices, 0)
}

func TestClosingAWindowBeforeItIsDrawnEndsItsWork(t *testing.T) {
	s, rec := openDrawnFirst(t, time.Hour)
	heldResults(t, rec, 3)
	rec.onUI(s.Close)
	done := make(chan struct{})
	go func() {
		rec.runner.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("the closed window's work still waits to be applied (%d results)", rec.runner.waiting.Load())
	}
}

// The screenshot tour is made as the main window opens, before what the
// account offers has arrived (held until the window is drawn): whether it
// pays by bank transfer is asked as the step comes, not as it is made.
func TestTheTourIsMadeBeforeTheGatewaysArrive(t *testing.T) {
	for _, tc := range []struct {
		currency billing.Currency
		skipped  bool // bank transfer is offered in yen only
	}{{billing.JPY, false}, {billing.USD, true}} {
		t.Run(string(tc.currency), func(t *testing.T) {
			s, rec := openDrawnFirstIn(t, tc.currency, time.Hour)
			heldResults(t, rec, 3)
			steps := Tour(s)
			i := slices.IndexFunc(steps, func(st TourStep) bool { return st.Name == "bank-transfer" })
			if i < 0 {
				t.Fatal("the tour made before the gateways arrived has no bank-transfer step")
			}
			rec.onUI(func() { s.Window().Canvas().Capture() })
			rec.wait(t, TaskConfig, 0)
			rec.onUI(func() {
				if got := steps[i].Skipped(); got != tc.skipped {
					t.Errorf("a %s account skips its bank-transfer step: %v, want %v", tc.currency, got, tc.skipped)
				}
			})
		})
	}
}
