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
// paths moved to the new directory in the environment and in the files
// that name the old one (see movePaths).
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
	movePaths(t, root, old)
	return c
}

// movePaths rewrites old, the directory a tree under root was copied from,
// to root in every regular file of the tree that names it, outside git's
// object stores and indexes (the git config, remotes' urls, the reflogs,
// the state of installed agent hooks).
func movePaths(t testing.TB, root, old string) {
	t.Helper()
	from, to := []byte(old), []byte(root)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), "HEAD")); err == nil && d.Name() == "objects" {
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
		t.Fatalf("moving the paths of %s to %s: %v", old, root, err)
	}
}
