package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"billfold/ui"
)

// The test binary plays the program when the test starts it as a child:
// "main" runs main itself, "translations" only what the app does first with
// the locale (Fyne's packages have initialised by then).
const asChild = "BILLFOLD_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(asChild) {
	case "main":
		main()
		os.Exit(0)
	case "translations":
		if err := ui.LoadTranslations(""); err != nil {
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child runs the test binary as the program with a locale of its own.
func child(t *testing.T, role string, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, asChild+"="+role)
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// LANG=C.UTF-8 (Debian's default in containers, SSH sessions and cron)
// printed "Fyne error: Error parsing user locale C" at every start and
// every `billfold archive` run: Fyne reads the locale while its packages
// initialise, and again when the app loads its translations.
func TestCodesetCLocalePrintsNoFyneError(t *testing.T) {
	for _, env := range [][]string{
		{"LANG=C.UTF-8"}, {"LANG=C.utf8"}, {"LC_ALL=C.UTF-8", "LANG=ja_JP.UTF-8"}, {"LANG=C"}, {"LANG=POSIX"}, nil,
	} {
		_, stderr, err := child(t, "translations", env)
		if err != nil || stderr != "" {
			t.Errorf("%v: %v, standard error:\n%s", env, err, stderr)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	stdout, stderr, err := child(t, "main", []string{"LANG=C.UTF-8"}, "--version")
	if err != nil || stdout != "billfold devel\n" || stderr != "" {
		t.Fatalf("billfold --version: %v, stdout %q, stderr %q", err, stdout, stderr)
	}
}

// `billfold archive` runs before any window: what the .deb check and
// scheduled jobs run.
func TestArchiveHelpFromMain(t *testing.T) {
	stdout, stderr, err := child(t, "main", []string{"LANG=C.UTF-8"}, "archive", "--help")
	if err != nil || !strings.HasPrefix(stdout, "usage: billfold archive <command>") || stderr != "" {
		t.Fatalf("billfold archive --help: %v, stdout %q, stderr %q", err, stdout, stderr)
	}
	_, stderr, err = child(t, "main", nil, "archive", "frobnicate")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr, "billfold archive: unknown command") {
		t.Fatalf("billfold archive frobnicate: %v, stderr %q; want exit status 2", err, stderr)
	}
}
