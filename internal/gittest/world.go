package gittest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// World is a bare repository that plays the server (GitHub or GitLab), and
// the clones that push to it and pull from it, each with its own HOME,
// all under one temporary directory.
type World struct {
	T      *testing.T
	Root   string
	Remote *Repo
}

// NewWorld makes a world with an empty remote (branch main).
func NewWorld(t *testing.T) *World {
	t.Helper()
	root := t.TempDir()
	w := &World{T: t, Root: root}
	w.Remote = NewAt(t, filepath.Join(root, "remote.git"), filepath.Join(root, "home-remote"))
	w.Remote.Git("init", "-q", "--bare", "-b", "main", w.Remote.Dir)
	return w
}

// Clone makes a clone called name with the hooks installed (the first one
// of an empty remote is an init with origin added). It pulls by merging
// and commits without an editor.
func (w *World) Clone(name string) *Repo {
	w.T.Helper()
	r := NewAt(w.T, filepath.Join(w.Root, name), filepath.Join(w.Root, "home-"+name))
	r.Env = append(r.Env, "GIT_EDITOR=true")
	if strings.TrimSpace(w.Remote.Git("for-each-ref", "refs/heads")) == "" {
		r.Git("init", "-q", "-b", "main", r.Dir)
		r.Git("remote", "add", "origin", w.Remote.Dir)
	} else {
		r.Git("clone", "-q", w.Remote.Dir, r.Dir)
	}
	r.Git("config", "pull.rebase", "false")
	r.MustTool("install")
	return r
}

// NewWorldAt makes a world with an empty remote under root, a directory
// that outlives the test (see TempDir): the template of worlds that tests
// copy with Copy.
func NewWorldAt(t *testing.T, root string) *World {
	t.Helper()
	w := &World{T: t, Root: root}
	w.Remote = NewAt(t, filepath.Join(root, "remote.git"), filepath.Join(root, "home-remote"))
	w.Remote.Git("init", "-q", "--bare", "-b", "main", w.Remote.Dir)
	return w
}

// Copy copies the world (the remote, and the repositories given, which
// live under its root) into a new temporary directory of t: each copy
// keeps its clock and environment, with paths moved to the new root (see
// movePaths), and the clones' remotes point at the copied remote. One
// cp -a replaces all the commits and pushes that made the world.
func (w *World) Copy(t *testing.T, repos ...*Repo) (*World, []*Repo) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "w")
	if out, err := exec.Command("cp", "-a", w.Root, root).CombinedOutput(); err != nil {
		t.Fatalf("copying the world %s: %v\n%s", w.Root, err, out)
	}
	move := func(r *Repo) *Repo {
		c := &Repo{T: t, tick: r.tick,
			Dir:  strings.Replace(r.Dir, w.Root, root, 1),
			Home: strings.Replace(r.Home, w.Root, root, 1)}
		for _, kv := range r.Env {
			c.Env = append(c.Env, strings.ReplaceAll(kv, w.Root, root))
		}
		return c
	}
	movePaths(t, root, w.Root)
	cw := &World{T: t, Root: root, Remote: move(w.Remote)}
	var out []*Repo
	for _, r := range repos {
		out = append(out, move(r))
	}
	return cw, out
}
