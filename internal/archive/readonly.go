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

// OpenReadOnly opens an existing archive for search, export and verify.
// Nothing is repaired and no index journal is written, so a copy on
// read-only media or a share opens, and verify leaves what it checks as it
// found it (Open brings a crashed sync's audit log up to date first; here
// verify reports it). The only files it may write are an empty lock file
// where a writable folder has none, and SQLite's shared-memory file beside
// an index a killed sync left with commits in its write-ahead log. While a
// billfold process has the folder open for writing, it answers ErrLocked.
// An index an older billfold made needs Open once.
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
	// writing it meanwhile. A folder without the lock file (a copy) gets
	// one where it can; on read-only media no writer can come either.
	lf, err := os.Open(filepath.Join(abs, lockName))
	if errors.Is(err, fs.ErrNotExist) {
		lf, err = os.OpenFile(filepath.Join(abs, lockName), os.O_RDONLY|os.O_CREATE, 0o644)
		if err != nil {
			lf, err = nil, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if lf != nil {
		if err := shareLock(lf); err != nil {
			lf.Close()
			return nil, err
		}
		a.lock = lf
	}
	// Immutable, SQLite takes no locks and keeps no journal or shared
	// memory beside the index, which a read-only folder could not hold
	// (the folder lock stands in for its locks). But an immutable reader
	// does not see the commits a writer killed before its checkpoint left
	// in the write-ahead log: then the index is read through it, which
	// needs the folder writable for SQLite's shared-memory file.
	params := "mode=ro&immutable=1"
	if fi, err := os.Stat(index + "-wal"); err == nil && fi.Size() > 0 {
		params = "mode=ro"
	}
	if err := a.openIndexReadOnly(index, params); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openIndexReadOnly opens the index with SQLite's URI parameters.
func (a *Archive) openIndexReadOnly(index, params string) error {
	dsn := sqliteURI(index) + "?" + params + "&_pragma=query_only(1)"
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
