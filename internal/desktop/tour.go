//go:build ci || screentour

package desktop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/session"
	"billfold/ui"
)

// The screenshot tour (scripts/screens.sh): with BILLFOLD_TOUR set to a
// folder, the demo walks through every screen (ui.Tour) of the customer,
// then of a staff member, then the sign-in window. At each it prints
// "tour: shot NAME" and waits until the script has taken its picture and
// created NAME.done in the folder. Nothing of it is in a production build.
func init() { tour = runTour }

// tourStepTimeout bounds the wait for one screen to show what it loads.
const tourStepTimeout = 90 * time.Second

func runTour(t tourStart) {
	dir := os.Getenv("BILLFOLD_TOUR")
	if dir == "" {
		return
	}
	go func() {
		if err := walkTour(t, dir); err != nil {
			fmt.Println("tour: failed:", err)
			os.Exit(3)
		}
		fmt.Println("tour: done")
		fyne.Do(t.app.Quit)
	}()
}

func walkTour(t tourStart, dir string) error {
	ctx := context.Background()
	// The staff member reads the UI's language, as one signing in does.
	staff, err := apiclient.New(t.server, apiclient.Options{Language: ui.Language()})
	if err != nil {
		return err
	}
	user, err := staff.SignIn(ctx, server.DemoStaff, server.DemoPassword)
	if err != nil {
		return fmt.Errorf("staff sign-in: %w", err)
	}
	if err := adjustForTour(ctx, staff); err != nil {
		return err
	}
	fyne.DoAndWait(func() { fillScreen(t.main.Window()) })
	if err := walkSteps(dir, ui.Tour(t.main)); err != nil {
		return err
	}
	var staffShell ui.Shell
	fyne.DoAndWait(func() {
		staffShell = t.open(&session.Session{Client: staff, User: user})
		staffShell.Window().Show()
		fillScreen(staffShell.Window())
		t.main.Window().Hide()
	})
	if err := walkSteps(dir, ui.Tour(staffShell)); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		w := ui.SignIn(t.app, t.accounts, t.runner, func(*session.Session) {})
		w.CenterOnScreen()
		w.Show()
		fitScreen(w)
		staffShell.Window().Hide()
	})
	time.Sleep(time.Second) // the saved accounts are read off the UI goroutine
	return shot(dir, "sign-in")
}

// fillScreen makes a window as large as the screen lets it, as if the user
// had maximised it: the pictures show each screen size used in full.
func fillScreen(w fyne.Window) {
	if screen, ok := workArea(w); ok {
		w.Resize(screen)
	}
}

// adjustForTour records a staff adjustment for the demo customer, so that
// the ledger has a staff's reason, long as they can be.
func adjustForTour(ctx context.Context, staff *apiclient.Client) error {
	list, err := staff.StaffCustomers(ctx, server.DemoCustomerJA)
	if err != nil || len(list.Items) == 0 {
		return fmt.Errorf("find the demo customer: %v", err)
	}
	_, err = staff.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), list.Items[0].ID, api.AdjustmentRequest{
		Amount: billing.New(2_000, billing.JPY),
		Reason: "障害のお詫び（2026年5月12日 東京リージョンのネットワーク障害による約3時間の停止）",
	})
	if err != nil {
		return fmt.Errorf("staff adjustment: %w", err)
	}
	return nil
}

func walkSteps(dir string, steps []ui.TourStep) error {
	for _, s := range steps {
		var skip bool
		if fyne.DoAndWait(func() { skip = s.Skipped() }); skip {
			continue
		}
		fyne.DoAndWait(s.Do)
		deadline := time.Now().Add(tourStepTimeout)
		for ready := false; !ready; {
			if time.Now().After(deadline) {
				return fmt.Errorf("step %q: not ready after %v", s.Name, tourStepTimeout)
			}
			time.Sleep(100 * time.Millisecond)
			fyne.DoAndWait(func() { ready = s.Ready() })
		}
		if s.Name != "" {
			if err := shot(dir, s.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// shot asks the script for a picture of what is on screen and waits for
// it. Wrapped texts take a few frames to find their height first.
func shot(dir, name string) error {
	time.Sleep(700 * time.Millisecond)
	fmt.Println("tour: shot", name)
	done := filepath.Join(dir, name+".done")
	for deadline := time.Now().Add(tourStepTimeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(done); err == nil {
			return nil
		}
	}
	return fmt.Errorf("no picture of %q taken", name)
}
