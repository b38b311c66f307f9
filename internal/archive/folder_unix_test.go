//go:build unix

package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"billfold/internal/archive"
)

// notHanging runs f and fails the test when it has not returned after a
// minute: what it guards against is a hang, not slowness.
func notHanging(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s did not return", what)
	}
}

// A named pipe or a link to /dev/zero in place of an archived file: verify
// waited for a writer to the pipe, or read zeros, for ever. Both are now
// reported as altered, and a sync whose next version's name is taken by a
// pipe archives it under another name.
func TestAPipeOrADeviceInTheFolderHangsNothing(t *testing.T) {
	ctx := context.Background()
	src, dir := archivedFolder(t, 2)
	pdfs, _ := filepath.Glob(filepath.Join(dir, "2026", "*.pdf"))
	jsons, _ := filepath.Glob(filepath.Join(dir, "2026", "*-2.json"))
	if len(pdfs) != 2 || len(jsons) != 1 {
		t.Fatalf("archived files: %v %v", pdfs, jsons)
	}
	pipe, zero := pdfs[0], jsons[0]
	for _, p := range []string{pipe, zero} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	// The name the next version of invoice 1 would get.
	next := filepath.Join(dir, "2026", "INV-2026-1.v2.json")
	if err := syscall.Mkfifo(next, 0o644); err != nil {
		t.Fatal(err)
	}

	ar := openArchive(t, dir)
	var rep archive.Report
	var err error
	notHanging(t, "verify", func() { rep, err = ar.Verify(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, p := range rep.Problems {
		if p.Kind == archive.Altered {
			found[p.Path] = p.Detail
		}
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	if !strings.Contains(found[rel(pipe)], "named pipe") || !strings.Contains(found[rel(zero)], "link") {
		t.Fatalf("verify: %v", rep.Problems)
	}

	inv := memInvoice("", 1, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), "VPS", 2000)
	src.put("", inv)
	var res archive.SyncResult
	notHanging(t, "sync", func() { res, err = ar.Sync(ctx, src, archive.SyncOptions{}) })
	if err != nil || res.Changed != 1 {
		t.Fatalf("sync: %+v %v", res, err)
	}
}
