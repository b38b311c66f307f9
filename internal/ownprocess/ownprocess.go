// Package ownprocess runs a test in a process of its own, for tests of
// what a process sets up once and cannot undo: Fyne's fonts, go-keyring's
// provider. Other tests in the same binary, in any order (-shuffle), then
// cannot have been there first.
package ownprocess

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// marker names, in the started process, the test it runs alone.
const marker = "BILLFOLD_TEST_OWN_PROCESS"

// Here reports whether t runs in its own process. When it does not, Here
// runs the test binary again for t alone, fails t with that run's output
// unless t passed there, and returns false: the caller returns.
//
//	if !ownprocess.Here(t) {
//		return
//	}
func Here(t *testing.T) bool {
	t.Helper()
	if os.Getenv(marker) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), marker+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("in a process of its own: %v\n%s", err, out)
	}
	return false
}
