// Package opener hands a web address or a file to the desktop's default
// application (the browser, the PDF viewer, the file manager) and learns
// whether that worked, so the app can say so and offer the address to
// copy instead of waiting for a page that never opened.
package opener

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// Reason is why the desktop could not open an address.
type Reason int

const (
	// NoOpener: the program that opens addresses (xdg-open) is missing.
	NoOpener Reason = iota + 1
	// NoHandler: no application is set up for this kind of address (no
	// browser, no PDF viewer).
	NoHandler
	// NotFound: the file does not exist.
	NotFound
	// Failed: the application was found but did not open the address.
	Failed
)

func (r Reason) String() string {
	switch r {
	case NoOpener:
		return "no opener program"
	case NoHandler:
		return "no application for this address"
	case NotFound:
		return "file not found"
	}
	return "failed"
}

// Error is an address the desktop could not open.
type Error struct {
	URL    string
	Reason Reason
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("open %s: %s: %v", e.URL, e.Reason, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// AsError finds the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	return errors.AsType[*Error](err)
}

// System opens addresses with the platform's opener. On Linux and the
// BSDs outside Flatpak that is xdg-open, run to its end so that its exit
// status says whether it worked and no dead process is left behind;
// elsewhere (Windows, macOS, a Flatpak's portal) it is Fallback, the Fyne
// app's OpenURL, which reports what those platforms report.
type System struct {
	// Command is the opener program; "" is xdg-open.
	Command string
	// Fallback opens u where no opener program is run.
	Fallback func(u *url.URL) error
}

// Open opens u and returns once the opener has finished, or has handed
// the address over and kept running (a browser started by xdg-open in the
// foreground), or ctx ended; the opener is reaped in any case.
func (s System) Open(ctx context.Context, u *url.URL) error {
	if !useCommand() {
		if s.Fallback == nil {
			return &Error{URL: u.String(), Reason: NoOpener, Err: errors.ErrUnsupported}
		}
		if err := s.Fallback(u); err != nil {
			return &Error{URL: u.String(), Reason: Failed, Err: err}
		}
		return nil
	}
	cmd := s.Command
	if cmd == "" {
		cmd = "xdg-open"
	}
	return run(ctx, cmd, u.String())
}
