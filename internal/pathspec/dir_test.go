package pathspec

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPrefixAndRepoPath(t *testing.T) {
	top := t.TempDir()
	sub := filepath.Join(top, "src", "app")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(sub, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ top, dir, want string }{
		{top, top, ""},
		{top, sub, "src/app/"},
		{top, link, "src/app/"}, // as git, through the symlink
		{top, filepath.Dir(top), ""},
		{"", sub, ""},
	} {
		if got := Prefix(c.top, c.dir); got != c.want {
			t.Errorf("Prefix(%q, %q) = %q, want %q", c.top, c.dir, got, c.want)
		}
	}

	for _, c := range []struct{ top, dir, file, want, err string }{
		{top, sub, "main.go", "src/app/main.go", ""},
		{top, sub, "../lib/x.go", "src/lib/x.go", ""},
		{top, top, filepath.Join(top, "a.go"), "a.go", ""},
		{top, top, "../elsewhere.go", "", "../elsewhere.go is outside the repository " + top},
		{"", sub, "a/b.go", "a/b.go", ""},
	} {
		got, err := RepoPath(c.top, c.dir, c.file)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("RepoPath(%q): %q %v, want error %q", c.file, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("RepoPath(%q, %q, %q) = %q %v, want %q", c.top, c.dir, c.file, got, err, c.want)
		}
	}
}
