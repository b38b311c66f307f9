// Package archive keeps the offline archive of one profile's invoices in a
// folder of the user's choosing:
//
//	<dir>/<year>/<number>.pdf       the invoice as rendered by invoicepdf
//	<dir>/<year>/<number>.json      the invoice exactly as the server sent it
//	<dir>/<year>/<number>.v2.pdf    a later version (unpaid → paid), never
//	<dir>/<year>/<number>.v2.json   an overwrite of the earlier one
//	<dir>/index.db                  the SQLite search index (pure Go)
//	<dir>/audit.jsonl               the append-only, hash-chained audit log
//
// Every file is written atomically and never over another one (temporary
// file in the same folder, fsync, hard link to its name, fsync of the
// folder), so a crash never leaves a partial file under an archive name,
// and no sync, even one with a lost index, replaces an archived file. The index and the audit log are committed
// only after the files they describe are durable.
//
// An Archive is safe for concurrent use; one process at a time may open a
// folder (ErrLocked otherwise).
package archive

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // the index: pure-Go SQLite
)

// File names at the root of an archive folder.
const (
	IndexFile = "index.db"
	AuditFile = "audit.jsonl"
	lockName  = ".lock"
	tmpPrefix = ".tmp-"
)

// ErrLocked is returned by Open when another process has the folder open.
var ErrLocked = errors.New("archive: the folder is in use by another billfold process")

// Archive is one open archive folder.
type Archive struct {
	dir  string
	db   *sql.DB
	lock *os.File
	// readOnly: opened by OpenReadOnly; Sync refuses.
	readOnly bool

	syncMu  sync.Mutex // one Sync at a time
	auditMu sync.Mutex // appends to the audit log
}

// Open opens (creating when needed) the archive in dir. It removes
// temporary files left behind by an interrupted sync and brings the audit
// log file up to date with the index after a crash between the two.
func Open(dir string) (*Archive, error) {
	abs, err := absFolder(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("archive: create folder: %w", err)
	}
	if err := plainArchiveFiles(abs); err != nil {
		return nil, err
	}
	lf, err := os.OpenFile(filepath.Join(abs, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if err := lockFile(lf); err != nil {
		lf.Close()
		return nil, err
	}
	a := &Archive{dir: abs, lock: lf}
	if err := a.openIndex(); err != nil {
		lf.Close()
		return nil, err
	}
	if err := removeTemporaries(a.dir, os.DirFS(a.dir)); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.repairAuditFile(context.Background()); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Dir is the archive's absolute folder.
func (a *Archive) Dir() string { return a.dir }

// Close closes the index and releases the folder.
func (a *Archive) Close() error {
	var err error
	if a.db != nil {
		err = a.db.Close()
	}
	if a.lock != nil {
		if cerr := a.lock.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

const schema = `
CREATE TABLE IF NOT EXISTS invoices (
	id            TEXT PRIMARY KEY,
	customer_id   TEXT NOT NULL,
	number        TEXT NOT NULL,
	base          TEXT NOT NULL UNIQUE, -- "2026/INV-2026-000001", without version and extension
	latest        INTEGER NOT NULL,
	status        TEXT NOT NULL,
	currency      TEXT NOT NULL,
	total         INTEGER NOT NULL,     -- minor units
	issued_at     TEXT NOT NULL,        -- RFC 3339, as sent
	issue_date    TEXT NOT NULL,        -- YYYY-MM-DD as printed on the invoice
	due_date      TEXT NOT NULL,
	paid_date     TEXT NOT NULL,        -- "" when unpaid
	seller        TEXT NOT NULL,
	buyer         TEXT NOT NULL,
	buyer_company TEXT NOT NULL,
	counterparty  TEXT NOT NULL         -- folded seller, buyer and company, for search
);
CREATE INDEX IF NOT EXISTS invoices_issue_date ON invoices(issue_date);
CREATE INDEX IF NOT EXISTS invoices_total ON invoices(total);
CREATE INDEX IF NOT EXISTS invoices_status ON invoices(status);

CREATE TABLE IF NOT EXISTS versions (
	invoice_id  TEXT NOT NULL,
	version     INTEGER NOT NULL,
	status      TEXT NOT NULL,
	json_path   TEXT NOT NULL UNIQUE,   -- relative to the archive folder, with /
	json_sha256 TEXT NOT NULL,
	pdf_path    TEXT NOT NULL UNIQUE,
	pdf_sha256  TEXT NOT NULL,
	archived_at TEXT NOT NULL,
	audit_seq   INTEGER NOT NULL,
	PRIMARY KEY (invoice_id, version)
);

CREATE TABLE IF NOT EXISTS audit (
	seq  INTEGER PRIMARY KEY,
	hash TEXT NOT NULL,
	line TEXT NOT NULL                  -- the record exactly as in audit.jsonl
);

-- How many records audit.jsonl is known to hold durably (appended and
-- fsynced). Open completes the file only beyond this point: fewer lines
-- than this means the file was cut short or deleted, which verify reports.
CREATE TABLE IF NOT EXISTS audit_file (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	lines INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_file_grows BEFORE UPDATE ON audit_file WHEN NEW.lines < OLD.lines
BEGIN SELECT RAISE(ABORT, 'the audit log only grows'); END;

-- The account whose invoices the folder keeps (see Claim).
CREATE TABLE IF NOT EXISTS owner (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	server  TEXT NOT NULL,
	email   TEXT NOT NULL,
	user_id TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS owner_no_update BEFORE UPDATE ON owner
BEGIN SELECT RAISE(ABORT, 'an archive keeps one account'); END;

-- The server's public signing key, pinned by the first sync: invoices and
-- chain heads are checked against it, and a server presenting another key
-- is refused.
CREATE TABLE IF NOT EXISTS server_key (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	public_key TEXT NOT NULL,           -- base64
	key_id     TEXT NOT NULL,
	pinned_at  TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS server_key_no_update BEFORE UPDATE ON server_key
BEGIN SELECT RAISE(ABORT, 'the server key is pinned'); END;

-- Chain heads the server signed, one per sync (api.ArchiveHead as sent).
CREATE TABLE IF NOT EXISTS anchors (
	id   INTEGER PRIMARY KEY,
	seq  INTEGER NOT NULL,
	line TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS anchors_no_update BEFORE UPDATE ON anchors
BEGIN SELECT RAISE(ABORT, 'signed heads are never changed'); END;
CREATE TRIGGER IF NOT EXISTS anchors_no_delete BEFORE DELETE ON anchors
BEGIN SELECT RAISE(ABORT, 'signed heads are never removed'); END;

CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS versions_no_update BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'archived versions are never changed'); END;
CREATE TRIGGER IF NOT EXISTS versions_no_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'archived versions are never removed'); END;
`

func (a *Archive) openIndex() error {
	dsn := sqliteURI(filepath.Join(a.dir, IndexFile)) +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("archive: open index: %w", err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return fmt.Errorf("archive: open index %s: %w", filepath.Join(a.dir, IndexFile), err)
	}
	a.db = db
	return nil
}

// removeTemporaries deletes the temporary files of an interrupted write
// in the archive folder dir, read through fsys: under the folder lock no
// write can be in progress. A subfolder it cannot read is passed over: the
// archive writes only in folders it reads, and a folder the user put there
// unreadable had stopped every command, which all open the archive.
func removeTemporaries(dir string, fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != "." && d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return fmt.Errorf("archive: look for leftovers: %w", err)
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), tmpPrefix) {
			path := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("archive: remove leftover %s: %w", path, err)
			}
		}
		return nil
	})
}

// errTaken is writeNew's answer when the name holds other content.
var errTaken = errors.New("a different file of that name is already there")

// writeNew writes data to dir/name atomically, and never over another
// file: the name ends up referring to all of data, or stays as it was.
// When the name already holds exactly data (written by a sync that was
// interrupted before the index recorded it) that file is kept; when it
// holds anything else the answer is errTaken. The data goes to a temporary
// file, is fsynced, then linked to its name, which fails when the name
// exists, and made read-only (after the temporary name is gone: Windows
// refuses to remove a read-only name). The caller syncs dir before relying
// on it (see syncDir), so that several files share one directory sync.
func writeNew(dir, name string, data []byte) error {
	target := filepath.Join(dir, name)
	if err := sameContent(target, data); !errors.Is(err, fs.ErrNotExist) {
		return adopted(target, err)
	}
	f, err := os.CreateTemp(dir, tmpPrefix+name+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, target)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// A file system without hard links (FAT, some network shares).
			// The name was free a moment ago, and the folder lock keeps
			// every other billfold process out of the folder.
			err = os.Rename(tmp, target)
		}
	}
	os.Remove(tmp) // after a link, only the temporary name goes
	switch {
	case errors.Is(err, fs.ErrExist):
		return adopted(target, sameContent(target, data))
	case err != nil:
		return err
	}
	return os.Chmod(target, 0o444)
}

// adopted makes a file found with the right content read-only like every
// archived file (a crash may have come between its link and its chmod);
// other outcomes of sameContent pass through.
func adopted(target string, same error) error {
	if same != nil {
		return same
	}
	return os.Chmod(target, 0o444)
}

// sameContent is nil when the file at path holds exactly data, errTaken
// when it holds something else, and the error of reading it otherwise
// (fs.ErrNotExist when there is no such file).
func sameContent(path string, data []byte) error {
	f, err := openPlain(path)
	var notPlain *notPlainError
	if errors.As(err, &notPlain) {
		return errTaken // a pipe or a link there is not this version's file
	}
	if err != nil {
		return err
	}
	defer f.Close()
	old, err := io.ReadAll(io.LimitReader(f, int64(len(data))+1))
	switch {
	case err != nil:
		return err
	case !bytes.Equal(old, data):
		return errTaken
	}
	return nil
}

// abs turns a stored relative path (with /) into a path on disk.
func (a *Archive) abs(rel string) string { return filepath.Join(a.dir, filepath.FromSlash(rel)) }

// sqliteURI is the file: URI of an absolute path. SQLite reads '?' as
// the query, '#' as a fragment and %XX as an escape, and a host after
// "//": unescaped, a folder named "Client #2" opened "Client " beside it,
// a new empty index, and a Windows share (\\server\share) was an error.
func sqliteURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… → file:///C:/…
	}
	// A share's //server/share becomes file:////server/share: no host.
	return "file://" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// absFolder is the archive folder dir as an absolute path.
func absFolder(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("archive: no folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	return abs, nil
}

// plainArchiveFiles refuses a folder whose lock, index or audit log is
// there as something other than a regular file (plainFile).
func plainArchiveFiles(abs string) error {
	for _, name := range []string{lockName, IndexFile, AuditFile} {
		if err := plainFile(filepath.Join(abs, name)); err != nil {
			return err
		}
	}
	return nil
}

// plainFile refuses a path that is there as something other than a regular
// file: a link could point outside the folder (audit.jsonl linked to
// another file had sync append to it, and opening the folder cut its last
// line), and a folder or a device is no file of the archive. A path that
// is not there yet is fine.
func plainFile(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("archive: %w", err)
	case !regular(fi.Mode()):
		return fmt.Errorf("archive: %s is not a plain file (%s): refusing to use the folder", path, fi.Mode().Type())
	}
	return nil
}

// openPlain opens a file of the archive for reading, only when it is a
// regular file: a named pipe in its place blocked verify (and sync) for
// good in the open, and a link to /dev/zero in the read.
func openPlain(path string) (*os.File, error) {
	before, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !regular(before.Mode()) {
		return nil, &notPlainError{before.Mode().Type()}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNoBlock, 0)
	if err != nil {
		return nil, err
	}
	// Replaced between the two looks: refused as well.
	if now, err := f.Stat(); err != nil || !regular(now.Mode()) || !os.SameFile(before, now) {
		f.Close()
		return nil, &notPlainError{fs.ModeIrregular}
	}
	return f, nil
}

// readPlain reads a file of the archive that openPlain accepts.
func readPlain(path string) ([]byte, error) {
	f, err := openPlain(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// notPlainError is an archive file found as something other than a
// regular file.
type notPlainError struct{ mode fs.FileMode }

func (e *notPlainError) Error() string {
	return fmt.Sprintf("it is not a plain file but %s", describeMode(e.mode))
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "something that changed while it was opened"
}

// localPath reports whether rel, a path the index holds, is one sync
// writes: "<year>/<name>", inside the folder. The index is a file in the
// folder too, and anyone who can write the folder can change it: a base
// of "../elsewhere/x" made sync write outside the folder, and search hand
// out a file outside it to open.
func localPath(rel string) bool {
	year, name, ok := strings.Cut(rel, "/")
	return ok && year != "" && name != "" && year != "." && year != ".." && name != "." && name != ".." &&
		!strings.ContainsAny(rel, "\\:\x00") && !strings.Contains(name, "/") && filepath.IsLocal(filepath.FromSlash(rel))
}

// archivedFile is the disk path of a stored path that should name a file
// with extension ext ("" when it does not: the index was changed).
func (a *Archive) archivedFile(rel, ext string) string {
	if !localPath(rel) || !strings.HasSuffix(rel, ext) {
		return ""
	}
	return a.abs(rel)
}

// readLines splits data into newline-terminated lines; a last line without
// a newline (a torn append) is returned separately.
func readLines(r io.Reader) (lines [][]byte, torn []byte, err error) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			if len(line) > 0 {
				torn = line
			}
			return lines, torn, nil
		}
		if err != nil {
			return nil, nil, err
		}
		lines = append(lines, bytes.TrimSuffix(line, []byte("\n")))
	}
}
