package opener

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"time"
)

// handedOver is how long an opener may run before it counts as having
// opened the address: xdg-open returns at once when it hands the address
// to a running browser, but runs a browser it starts itself in the
// foreground until that browser closes.
const handedOver = 5 * time.Second

// run starts the opener program on address and waits for its verdict. It
// always waits for the process in the end — when the verdict came by time
// or by ctx, in the background — so that it never stays a zombie.
func run(ctx context.Context, program, address string) error {
	cmd := exec.Command(program, address)
	// Its messages go where the app's go; a pipe of our own would be
	// inherited by the browser it starts and hold Wait until that closes.
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		reason := Failed
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			reason = NoOpener
		}
		return &Error{URL: address, Reason: reason, Err: err}
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	timer := time.NewTimer(handedOver)
	defer timer.Stop()
	select {
	case err := <-exited:
		return verdict(address, err)
	case <-timer.C:
		return nil // still running: it has the address
	case <-ctx.Done():
		return ctx.Err()
	}
}

// verdict reads xdg-open's exit status: 2 a file that does not exist, 3
// a tool it needs is missing (no browser, no handler), 4 the action
// failed (the handler refused).
func verdict(address string, err error) error {
	if err == nil {
		return nil
	}
	reason := Failed
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		switch exit.ExitCode() {
		case 2:
			reason = NotFound
		case 3:
			reason = NoHandler
		}
	}
	return &Error{URL: address, Reason: reason, Err: err}
}
