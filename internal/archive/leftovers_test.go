package archive

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A subfolder the archive cannot read does not stop it from opening (every
// command opens it): the leftovers of an interrupted write are removed
// where they can be read and the unreadable folder is passed over. Made
// unreadable through the file system the walk reads, not by its mode: the
// tests run as root, who reads any folder.
func TestLeftoversAreRemovedPastAnUnreadableFolder(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"cus_a/INV-1", "cus_b/INV-2"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(sub)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	readable := filepath.Join(dir, "cus_a", "INV-1", tmpPrefix+"v1.pdf-123")
	behind := filepath.Join(dir, "cus_b", "INV-2", tmpPrefix+"v1.pdf-456")
	for _, p := range []string{readable, behind} {
		if err := os.WriteFile(p, []byte("half"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeTemporaries(dir, unreadable{os.DirFS(dir), "cus_b"}); err != nil {
		t.Fatalf("an unreadable folder stopped the archive: %v", err)
	}
	if _, err := os.Stat(readable); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the leftover in a readable folder is still there (%v)", err)
	}
	if _, err := os.Stat(behind); err != nil {
		t.Errorf("the walk went into the unreadable folder: %v", err)
	}
	// The archive's own folder unreadable is an error, said as one.
	if err := removeTemporaries(dir, unreadable{os.DirFS(dir), "."}); err == nil {
		t.Error("an unreadable archive folder was taken for an empty one")
	}
}

// unreadable is a file system in which one folder cannot be listed.
type unreadable struct {
	fs.FS
	dir string
}

func (u unreadable) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == u.dir {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return fs.ReadDir(u.FS, name)
}
