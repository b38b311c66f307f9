package archive_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
	"billfold/internal/server/servertest"
)

// The child process of TestCrash reads its instructions from these.
const (
	crashDirEnv = "BILLFOLD_ARCHIVE_CRASH_DIR"
	crashURLEnv = "BILLFOLD_ARCHIVE_CRASH_URL"
	crashWhoEnv = "BILLFOLD_ARCHIVE_CRASH_WHO" // email:password
)

// TestCrashChild is the child process of TestCrash: it syncs and prints
// its progress until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("runs as the child of TestCrash")
	}
	email, password, _ := strings.Cut(os.Getenv(crashWhoEnv), ":")
	c, err := apiclient.New(os.Getenv(crashURLEnv), apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.SignIn(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	ar, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ar.Sync(ctx, apisource.New(c), archive.SyncOptions{BatchSize: 8, Progress: func(done, total int) {
		fmt.Printf("progress %d %d\n", done, total)
	}})
	fmt.Printf("finished %v\n", err)
}

// TestCrash kills a child process with SIGKILL in the middle of a sync of
// 300 invoices: no archive file is partial, verify passes, and the next
// sync completes the archive.
func TestCrash(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "高橋 美咲", "高橋デザイン事務所", billing.JPY)
	const n = 300
	if err := env.Server.SeedBulkInvoices(ctx, acc.Email, n); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	cmd := exec.Command(os.Args[0], "-test.run", "^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashURLEnv+"="+env.URL, crashWhoEnv+"="+acc.Email+":"+acc.Password)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(out)
	var lastLine string
	for sc.Scan() {
		lastLine = sc.Text()
		var done, total int
		if _, err := fmt.Sscanf(lastLine, "progress %d %d", &done, &total); err == nil && done >= 60 && done < total {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("the child was not killed mid-sync; last output %q, stderr %s", lastLine, stderr.String())
	}

	// Before anyone cleans up: every file under an archive name is whole.
	leftovers := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(name, ".tmp-"):
			leftovers++ // a temporary file: never an archive name
		case strings.HasSuffix(name, ".json"):
			if !json.Valid(data) {
				t.Errorf("partial JSON %s (%d bytes)", p, len(data))
			}
		case strings.HasSuffix(name, ".pdf"):
			if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("%%EOF")) {
				t.Errorf("partial PDF %s (%d bytes)", p, len(data))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	ar := openArchive(t, dir) // removes the temporary files, completes audit.jsonl
	// Nothing altered: the only findings are files of batches that did not
	// commit and a chain head not signed yet.
	rep, err := ar.Verify(ctx)
	if err != nil {
		t.Fatalf("verify after the crash: %v", err)
	}
	untracked, _ := problems(rep, archive.UntrackedFile)
	for _, p := range rep.Problems {
		if p.Kind != archive.UntrackedFile && p.Kind != archive.Unanchored {
			t.Errorf("verify after the crash: %s", p)
		}
	}
	archived := rep.Records
	t.Logf("killed after %d of %d invoices were committed; %d complete but unindexed files, %d temporary files",
		archived, n, len(untracked), leftovers)
	if archived == 0 || archived >= n {
		t.Fatalf("%d invoices archived before the kill: not mid-sync", archived)
	}
	for _, u := range append(untracked, rep.Untracked...) {
		if strings.Contains(u, ".tmp-") {
			t.Errorf("temporary file survived Open: %s", u)
		}
	}

	res, err := ar.Sync(ctx, apisource.New(acc.Client), archive.SyncOptions{})
	if err != nil || res.Listed != n || res.New != n-archived || res.Unchanged != archived {
		t.Fatalf("sync after the crash: %+v, %v", res, err)
	}
	rep, err = ar.Verify(ctx)
	if err != nil || !rep.OK() || rep.Records != n || rep.Files != 2*n || len(rep.Untracked) != 0 {
		t.Fatalf("verify after the resumed sync: %+v, %v", rep, err)
	}
}

// TestTornAuditAppend: a crash between the index commit and the append to
// audit.jsonl leaves the file short, possibly with a torn last line; Open
// completes it from the index.
func TestTornAuditAppend(t *testing.T) {
	ctx := context.Background()
	dir := syncedFolder(t, 4)
	logPath := filepath.Join(dir, archive.AuditFile)
	orig, _ := os.ReadFile(logPath)
	lines := bytes.SplitAfter(orig, []byte("\n"))
	torn := append(bytes.Clone(lines[0]), lines[1][:len(lines[1])/2]...) // record 1 whole, record 2 torn, 3–4 missing
	if err := os.WriteFile(logPath, torn, 0o644); err != nil {
		t.Fatal(err)
	}
	setDurableMark(t, dir, 1) // the crash also came before the index noted the append as durable
	ar := openArchive(t, dir)
	if now, _ := os.ReadFile(logPath); !bytes.Equal(now, orig) {
		t.Fatalf("audit.jsonl not completed:\n%s", now)
	}
	if rep, err := ar.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

// TestAuditMarkCatchesUp: after a crash between the append to audit.jsonl
// and the mark that notes it durable, Open catches the mark up; cutting
// the file back later is then reported, not repaired.
func TestAuditMarkCatchesUp(t *testing.T) {
	ctx := context.Background()
	dir := syncedFolder(t, 3)
	setDurableMark(t, dir, 0)
	ar, err := archive.Open(dir) // the file is complete: the mark catches up
	if err != nil {
		t.Fatal(err)
	}
	ar.Close()
	logPath := filepath.Join(dir, archive.AuditFile)
	orig, _ := os.ReadFile(logPath)
	cut := bytes.Join(bytes.SplitAfter(orig, []byte("\n"))[:1], nil)
	if err := os.WriteFile(logPath, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	ar = openArchive(t, dir)
	if now, _ := os.ReadFile(logPath); !bytes.Equal(now, cut) {
		t.Fatal("a log cut back after the mark caught up was rebuilt")
	}
	if rep, err := ar.Verify(ctx); err != nil || rep.OK() {
		t.Fatalf("verify passed a cut log: %+v, %v", rep, err)
	}
}

// syncedFolder is a closed archive folder holding n synced invoices.
func syncedFolder(t *testing.T, n int) string {
	t.Helper()
	env := servertest.New(t, servertest.Backends(t)[0])
	acc := newAccount(t, env, "Bob Ray", "", billing.USD)
	for i := range n {
		issue(t, env, acc.ID, time.Date(2026, 3, i+1, 0, 0, 0, 0, time.UTC), "Hosting", 999)
	}
	dir := t.TempDir()
	ar, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	if _, err := ar.Sync(context.Background(), apisource.New(acc.Client), archive.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// setDurableMark sets how many audit records the index believes durable
// in audit.jsonl, as a crash before the mark's update leaves it.
func setDurableMark(t *testing.T, dir string, lines int) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, archive.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM audit_file; INSERT INTO audit_file (id, lines) VALUES (1, ?)`, lines); err != nil {
		t.Fatal(err)
	}
}
