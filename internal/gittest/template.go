package gittest

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// NewTemplate makes an empty repository on branch main under a directory
// that outlives the test (see TempDir): the template of repositories that
// tests copy with Copy.
func NewTemplate(t testing.TB) *Repo {
	t.Helper()
	root, err := TempDir()
	if err != nil {
		t.Fatal(err)
	}
	r := NewAt(t, filepath.Join(root, "repo"), filepath.Join(root, "home"))
	r.Git("init", "-q", "-b", "main", r.Dir)
	return r
}

// Copy copies a repository made by New or NewTemplate (its work tree and
// its HOME, which share a parent directory) into a new temporary directory
// of t with one cp -a. The copy keeps its clock and environment, with
// paths moved to the new directory, in the environment and in every file
// outside the object store and the index that names the old one (the git
// config, the state of installed agent hooks).
func (r *Repo) Copy(t testing.TB) *Repo {
	t.Helper()
	old := filepath.Dir(r.Dir)
	if filepath.Dir(r.Home) != old {
		t.Fatalf("copying %s: its HOME %s is not beside it", r.Dir, r.Home)
	}
	root := filepath.Join(t.TempDir(), "r")
	if out, err := exec.Command("cp", "-a", old, root).CombinedOutput(); err != nil {
		t.Fatalf("copying the repository %s: %v\n%s", old, err, out)
	}
	c := &Repo{T: t, tick: r.tick,
		Dir:  filepath.Join(root, filepath.Base(r.Dir)),
		Home: filepath.Join(root, filepath.Base(r.Home))}
	for _, kv := range r.Env {
		c.Env = append(c.Env, string(bytes.ReplaceAll([]byte(kv), []byte(old), []byte(root))))
	}
	from, to := []byte(old), []byte(root)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "objects" && filepath.Base(filepath.Dir(p)) == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || d.Name() == "index" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, from) {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(p, bytes.ReplaceAll(b, from, to), info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copying the repository %s: %v", old, err)
	}
	return c
}
