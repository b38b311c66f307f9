package archive_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
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
	if _, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{}); err != nil {
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

	// The search entries that search and export show: a changed total,
	// and an entry pointed at an older version.
	db, err := sql.Open("sqlite", filepath.Join(dir, archive.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct{ name, change, undo string }{
		{"changed total", `UPDATE invoices SET total = total + 1 WHERE id = ?`, `UPDATE invoices SET total = total - 1 WHERE id = ?`},
		{"changed latest version", `UPDATE invoices SET latest = 0 WHERE id = ?`, `UPDATE invoices SET latest = 1 WHERE id = ?`},
	} {
		if _, err := db.Exec(c.change, es[1].ID); err != nil {
			t.Fatal(err)
		}
		expect(c.name, archive.IndexFile+" (invoices)", archive.IndexMismatch)
		if _, err := db.Exec(c.undo, es[1].ID); err != nil {
			t.Fatal(err)
		}
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

	// An extra file in an invoice folder fails verify (it may be a forged
	// invoice); one at the folder's top (a note, an export) does not.
	extra := filepath.Join(filepath.Dir(gone), "note.txt")
	if err := os.WriteFile(extra, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect("a file nobody archived", rel(extra), archive.UntrackedFile)
	if err := os.Remove(extra); err != nil {
		t.Fatal(err)
	}
	top := filepath.Join(dir, "2026.csv")
	if err := os.WriteFile(top, []byte("number\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ar.Verify(ctx)
	if err != nil || !rep.OK() || len(rep.Untracked) != 1 || rep.Untracked[0] != rel(top) {
		t.Fatalf("untracked: %+v, %v", rep, err)
	}
}

// TestLostIndexNeverOverwrites: with index.db lost (or restored from an
// older backup) the next sync hands out the same file names again. Files
// with the same content are adopted; an invoice that changed meanwhile goes
// under other names, and the archived files stay byte for byte.
func TestLostIndexNeverOverwrites(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	staff := env.NewStaff()
	acc := newAccount(t, env, "Ann Lee", "Lee Ltd", billing.EUR)
	kept := issue(t, env, acc.ID, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), "Hosting", 1250)
	paid := issue(t, env, acc.ID, time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), "Hosting", 2500)
	dir := t.TempDir()
	ar := openArchive(t, dir)
	if _, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	es, _ := ar.Search(ctx, archive.Query{})
	for _, e := range es {
		for _, p := range []string{e.PDFPath, e.JSONPath} {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			before[p] = b
		}
	}
	ar.Close()
	for _, name := range []string{archive.IndexFile, archive.IndexFile + "-wal", archive.IndexFile + "-shm", archive.AuditFile} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}

	// A crash between a file's link and its chmod leaves it writable: the
	// next sync adopts it, read-only.
	for p := range before {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	payWithCredit(t, env, staff.Token, acc, paid)
	ar = openArchive(t, dir)
	res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{})
	if err != nil || res.New != 2 {
		t.Fatalf("sync into the folder without its index: %+v, %v", res, err)
	}
	for p, b := range before {
		if now, err := os.ReadFile(p); err != nil || !bytes.Equal(now, b) {
			t.Fatalf("%s was overwritten (%v)", p, err)
		}
	}
	es, _ = ar.Search(ctx, archive.Query{})
	for _, e := range es {
		_, existed := before[e.JSONPath]
		if want := e.ID == kept; existed != want {
			t.Errorf("%s: archived at %s; adopting the earlier file: %v, want %v", e.Number, filepath.Base(e.JSONPath), existed, want)
		}
		for _, p := range []string{e.JSONPath, e.PDFPath} {
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o444 {
				t.Errorf("%s is not read-only (%v, %v)", filepath.Base(p), st.Mode(), err)
			}
		}
	}
	// The paid invoice's first files are untracked now: verify says so.
	if rep, err := ar.Verify(ctx); err != nil {
		t.Fatal(err)
	} else if paths, only := problems(rep, archive.UntrackedFile); !only || len(paths) != 2 {
		t.Fatalf("verify: %+v", rep)
	}
}
