package gittest

import (
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
