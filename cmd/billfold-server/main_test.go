package main

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary runs main itself when the test starts it as a child.
const asMain = "BILLFOLD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// command runs the server binary with args and extra environment variables.
func command(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asMain+"=1", "BILLFOLD_DSN=")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func TestInvalidBooleanEnvironmentExitsNonZero(t *testing.T) {
	cmd := command(t, []string{"BILLFOLD_DEMO=yes"}, "serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// Bounded: a server that took the value for false would serve on.
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1", err)
	}
	if want := `billfold-server: environment variable BILLFOLD_DEMO="yes" is not a boolean`; !strings.Contains(stderr.String(), want) {
		t.Fatalf("stderr %q, want %q", stderr.String(), want)
	}
}

func TestSIGTERMShutsDownGracefully(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	cmd := command(t, nil, "serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	// A server that never prints its address is killed after 20 s, which
	// ends the scan below instead of hanging the test.
	stuck := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	var base string
	for base == "" && lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "Billfold reference server on "); ok {
			base = addr
		}
	}
	stuck.Stop()
	// Nothing more is read from stdout, so Wait may close it.
	go func() { exited <- cmd.Wait() }()
	if base == "" {
		_ = cmd.Process.Kill()
		t.Fatalf("no address printed: %v", <-exited)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		_ = cmd.Process.Kill()
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want status 0", err)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("no exit within 15 s of SIGTERM")
	}
}

func TestVersionFlag(t *testing.T) {
	out, err := command(t, nil, "--version").Output()
	if err != nil || string(out) != "billfold-server devel\n" {
		t.Fatalf("billfold-server --version: %v, %q", err, out)
	}
}
