package archive

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errReadOnly is Sync's answer in an archive opened with OpenReadOnly.
var errReadOnly = errors.New("archive: the folder was opened for reading only")

// OpenReadOnly opens an existing archive for search, export and verify
// without writing to the folder: no lock file, journal or index is created
// and nothing is repaired, so a copy on read-only media or a share opens,
// and verify leaves what it checks as it found it (Open brings a crashed
// sync's audit log up to date first; here verify reports it). While a
// billfold process has the folder open for writing, it answers ErrLocked.
// An index that an interrupted write left unfinished, or that an older
// billfold made, needs Open once.
func OpenReadOnly(dir string) (*Archive, error) {
	abs, err := absFolder(dir)
	if err != nil {
		return nil, err
	}
	if err := plainArchiveFiles(abs); err != nil {
		return nil, err
	}
	index := filepath.Join(abs, IndexFile)
	if _, err := os.Stat(index); err != nil {
		return nil, fmt.Errorf("archive: %s holds no archive: %w", abs, err)
	}
	a := &Archive{dir: abs, readOnly: true}
	// A writer's lock: the index is read as it stands, so no sync may be
	// writing it meanwhile. No lock file (a copy without it) needs none.
	if lf, err := os.Open(filepath.Join(abs, lockName)); err == nil {
		if err := shareLock(lf); err != nil {
			lf.Close()
			return nil, err
		}
		a.lock = lf
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("archive: %w", err)
	}
	// Commits still in the write-ahead log are invisible to an immutable
	// reader: such an index is opened (and so completed) by Open.
	if fi, err := os.Stat(index + "-wal"); err == nil && fi.Size() > 0 {
		a.Close()
		return nil, fmt.Errorf("archive: the index has writes a sync did not finish (%s-wal): open the folder for syncing once to complete them", IndexFile)
	}
	if err := a.openIndexReadOnly(index); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openIndexReadOnly opens the index as immutable: SQLite then takes no
// locks and keeps no journal or shared-memory file beside it, which a
// read-only folder could not hold (the folder lock stands in for its
// locks).
func (a *Archive) openIndexReadOnly(index string) error {
	dsn := "file:" + filepath.ToSlash(index) + "?mode=ro&immutable=1&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("archive: open index: %w", err)
	}
	var n int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
		('invoices', 'versions', 'audit', 'audit_file', 'owner', 'server_key', 'anchors')`).Scan(&n)
	switch {
	case err != nil:
		db.Close()
		return fmt.Errorf("archive: open index %s: %w", index, err)
	case n != 7:
		db.Close()
		return fmt.Errorf("archive: the index %s is from an older billfold: open the folder for syncing once to update it", index)
	}
	a.db = db
	return nil
}
