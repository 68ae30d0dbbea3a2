package cli_test

import (
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// worldTemplate is a world built once, under a directory that outlives
// the test that built it, and copied with cp -a for each test that starts
// from it.
type worldTemplate struct {
	build func(w *world) []*gittest.Repo

	mu    sync.Mutex
	w     *gittest.World
	repos []*gittest.Repo
}

// copy returns a copy of the world, built the first time, and of the
// repositories build returned.
func (tp *worldTemplate) copy(t *testing.T) (*world, []*gittest.Repo) {
	t.Helper()
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.w == nil {
		root, err := gittest.TempDir()
		if err != nil {
			t.Fatal(err)
		}
		w := gittest.NewWorldAt(t, root)
		tp.repos = tp.build(&world{w})
		tp.w = w
	}
	w, repos := tp.w.Copy(t, tp.repos...)
	return &world{w}, repos
}

// withA is a world with one clone, a, of its empty remote (an init with
// origin added and the hooks installed).
var withA = &worldTemplate{build: func(w *world) []*gittest.Repo {
	return []*gittest.Repo{w.Clone("a")}
}}

// newWorldA returns a copy of withA and its clone a.
func newWorldA(t *testing.T) (*world, *gittest.Repo) {
	t.Helper()
	w, repos := withA.copy(t)
	return w, repos[0]
}
