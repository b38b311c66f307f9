package stripetest

import (
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel kill stripe-mock when the test binary dies
// without running its cleanups (a panic, a -timeout), so none is left over.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
