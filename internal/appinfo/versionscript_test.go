package appinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// scripts/version.sh turns git's view of a checkout into the versions make
// package stamps and packages with; run here on a repository of its own.
func TestVersionScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "version.sh"))
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	sh := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if err := os.MkdirAll(filepath.Join(repo, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "scripts", "version.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	versions := func() string {
		return strings.Join([]string{sh("scripts/version.sh"), sh("scripts/version.sh", "--app"),
			sh("scripts/version.sh", "--build"), sh("scripts/version.sh", "--deb")}, " ")
	}
	want := func(pattern string) {
		t.Helper()
		if got := versions(); !regexp.MustCompile("^" + pattern + "$").MatchString(got) {
			t.Fatalf("versions %q, want %s", got, pattern)
		}
	}
	sh("git", "init", "-q")
	sh("git", "add", ".")
	sh("git", "commit", "-qm", "one")
	want(`v0\.0\.0-1-g[0-9a-f]+ 0\.0\.0 1 0\.0\.0\+1\.g[0-9a-f]+`)
	sh("git", "tag", "v1.2.0")
	want(`v1\.2\.0 1\.2\.0 1 1\.2\.0`)
	sh("git", "commit", "-q", "--allow-empty", "-m", "two")
	sh("git", "tag", "v1.3.0-rc1") // not a release tag
	want(`v1\.2\.0-1-g[0-9a-f]+ 1\.2\.0 2 1\.2\.0\+1\.g[0-9a-f]+`)
	if err := os.WriteFile(filepath.Join(repo, "scripts", "version.sh"), append(script, '\n'), 0o755); err != nil {
		t.Fatal(err)
	}
	want(`v1\.2\.0-1-g[0-9a-f]+-dirty 1\.2\.0 2 1\.2\.0\+1\.g[0-9a-f]+\.dirty`)
}
