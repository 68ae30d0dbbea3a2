package capture

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWorktreeObject(t *testing.T) {
	t.Parallel()
	top := t.TempDir()
	if err := os.WriteFile(filepath.Join(top, "a.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(top, "link")); err != nil {
		t.Fatal(err)
	}
	const (
		sha1Hello   = "ce013625030ba8dba906f756967f9e9ca394464a" // git hash-object of "hello\n"
		sha256Hello = "2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4"
	)
	for _, c := range []struct {
		path, id string
		ok       bool
	}{
		{"a.txt", sha1Hello, true},
		{"a.txt", sha256Hello, true},
		{"a.txt", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", false}, // the empty blob
		{"a.txt", "", false},
		{"link", sha1Hello, false}, // a symlink's blob is its target, never its file
		{"missing", sha1Hello, false},
	} {
		b, ok := worktreeObject(top, c.path, c.id)
		if ok != c.ok || (ok && string(b) != "hello\n") {
			t.Errorf("worktreeObject(%s, %s) = %q, %v", c.path, c.id, b, ok)
		}
	}
}
