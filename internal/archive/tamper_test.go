package archive_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/server/servertest"
)

// TestTamper changes one byte of a stored PDF, of a stored JSON, edits the
// audit log and removes a file: verify names each.
func TestTamper(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "鈴木 一郎", "鈴木工業", billing.JPY)
	for i := range 3 {
		issue(t, env, acc.ID, time.Date(2026, time.Month(i+2), 1, 9, 0, 0, 0, jst), "保守契約", 10000)
	}
	dir := t.TempDir()
	ar := openArchive(t, dir)
	if _, err := ar.Sync(ctx, acc.Client, archive.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	es, _ := ar.Search(ctx, archive.Query{})
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }

	expect := func(name, path string, kind archive.ProblemKind) {
		t.Helper()
		rep, err := ar.Verify(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.OK() {
			t.Fatalf("%s: verify passed", name)
		}
		for _, p := range rep.Problems {
			if p.Path == path && p.Kind == kind {
				if len(rep.Problems) != 1 {
					t.Errorf("%s: more problems than the one: %v", name, rep.Problems)
				}
				return
			}
		}
		t.Fatalf("%s: want %s %s, got %v", name, kind, path, rep.Problems)
	}
	flip := func(path string, at int) (restore func()) {
		t.Helper()
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		changed := bytes.Clone(orig)
		changed[at] ^= 0x01
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, changed, 0o644); err != nil {
			t.Fatal(err)
		}
		return func() {
			if err := os.WriteFile(path, orig, 0o444); err != nil {
				t.Fatal(err)
			}
		}
	}

	pdf := es[1].PDFPath
	restore := flip(pdf, 2000)
	expect("one byte of a PDF", rel(pdf), archive.Altered)
	restore()

	js := es[2].JSONPath
	restore = flip(js, 10)
	expect("one byte of a JSON", rel(js), archive.Altered)
	restore()

	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("restored: %+v, %v", rep, err)
	}

	// The audit log: a changed record (even with its own hash recomputed
	// it no longer links), and a removed line.
	logPath := filepath.Join(dir, archive.AuditFile)
	orig, _ := os.ReadFile(logPath)
	edited := bytes.Replace(orig, []byte(`"status":"unpaid"`), []byte(`"status":"paid"`), 1)
	if bytes.Equal(edited, orig) {
		t.Fatal("nothing to edit in the audit log")
	}
	if err := os.WriteFile(logPath, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	expect("edited audit record", archive.AuditFile, archive.BrokenChain)
	lines := bytes.SplitAfter(orig, []byte("\n"))
	if err := os.WriteFile(logPath, append(bytes.Clone(lines[0]), lines[2]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, _ := ar.Verify(ctx); rep.OK() {
		t.Fatal("a removed audit line passed verify")
	}
	if err := os.WriteFile(logPath, orig, 0o644); err != nil {
		t.Fatal(err)
	}

	// The log cut short or deleted while the archive was closed: opening
	// it again must not rebuild the evidence from the index.
	for _, c := range []struct {
		name string
		data []byte
	}{{"audit log cut short", bytes.Join(lines[:len(lines)-2], nil)}, {"audit log deleted", nil}} {
		ar.Close()
		if c.data == nil {
			if err := os.Remove(logPath); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(logPath, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		ar = openArchive(t, dir)
		expect(c.name, archive.AuditFile, archive.BrokenChain)
		if now, err := os.ReadFile(logPath); !bytes.Equal(now, c.data) {
			t.Fatalf("%s: Open changed the log (%v):\n%s", c.name, err, now)
		}
	}
	if err := os.WriteFile(logPath, orig, 0o644); err != nil {
		t.Fatal(err)
	}

	// A missing file.
	gone := es[0].PDFPath
	data, _ := os.ReadFile(gone)
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	expect("missing PDF", rel(gone), archive.Missing)
	if err := os.WriteFile(gone, data, 0o444); err != nil {
		t.Fatal(err)
	}

	// An extra file is reported, but is not an alteration.
	extra := filepath.Join(filepath.Dir(gone), "note.txt")
	if err := os.WriteFile(extra, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ar.Verify(ctx)
	if err != nil || !rep.OK() || len(rep.Untracked) != 1 || rep.Untracked[0] != rel(extra) {
		t.Fatalf("untracked: %+v, %v", rep, err)
	}
}
