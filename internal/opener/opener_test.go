//go:build linux

package opener

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeOpener writes a shell script that stands in for xdg-open: it records
// the address it got and runs body.
func fakeOpener(t *testing.T, body string) (program, got string) {
	t.Helper()
	dir := t.TempDir()
	got = filepath.Join(dir, "got")
	program = filepath.Join(dir, "xdg-open")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + got + "\n" + body + "\n"
	if err := os.WriteFile(program, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return program, got
}

// zombies lists this process's children that exited and were never
// waited for.
func zombies(t *testing.T) []string {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	me := strconv.Itoa(os.Getpid())
	var out []string
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		rest := string(data[strings.LastIndexByte(string(data), ')')+1:])
		f := strings.Fields(rest)
		if len(f) >= 2 && f[0] == "Z" && f[1] == me {
			out = append(out, path)
		}
	}
	return out
}

var page = &url.URL{Scheme: "https", Host: "pay.example.jp", Path: "/checkout/tok_1", RawQuery: "a=1&b=2"}

func TestOpenReportsTheOpenersVerdictAndReapsIt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   string
		reason Reason // 0: opened
	}{
		{"opened", "exit 0", 0},
		{"no browser", "echo 'xdg-open: no method available' >&2; exit 3", NoHandler},
		{"no such file", "exit 2", NotFound},
		{"handler failed", "exit 4", Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			program, got := fakeOpener(t, tc.body)
			err := System{Command: program}.Open(context.Background(), page)
			if tc.reason == 0 && err != nil {
				t.Fatalf("opened: %v", err)
			}
			if tc.reason != 0 {
				e, ok := AsError(err)
				if !ok || e.Reason != tc.reason || e.URL != page.String() {
					t.Fatalf("err %v, want reason %v for %s", err, tc.reason, page)
				}
			}
			if data, err := os.ReadFile(got); err != nil || string(data) != page.String() {
				t.Fatalf("the opener got %q (%v), want %q", data, err, page)
			}
			if z := zombies(t); len(z) > 0 {
				t.Fatalf("the opener was left a zombie: %v", z)
			}
		})
	}
}

func TestOpenWithoutAnOpenerProgram(t *testing.T) {
	err := System{Command: filepath.Join(t.TempDir(), "xdg-open")}.Open(context.Background(), page)
	if e, ok := AsError(err); !ok || e.Reason != NoOpener {
		t.Fatalf("err %v, want NoOpener", err)
	}
}

// An opener still running when the caller gives up (the window closed) is
// still waited for, in the background, and leaves no zombie.
func TestAnOpenerThatOutlivesTheCallIsReaped(t *testing.T) {
	dir := t.TempDir()
	release := filepath.Join(dir, "release")
	program, _ := fakeOpener(t, "while [ ! -e "+release+" ]; do sleep 0.01; done; exit 0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- System{Command: program}.Open(ctx, page) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second) // guards a hang, not a speed
	for {
		z := zombies(t)
		if len(z) == 0 && !running(t, program) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("opener not reaped: zombies %v", z)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running reports whether a child runs program.
func running(t *testing.T, program string) bool {
	t.Helper()
	cmds, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, path := range cmds {
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), program) {
			return true
		}
	}
	return false
}
