package hooks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
)

// Uninstall undoes Install: hooks it changed are restored byte for byte,
// hooks it created are removed, the configuration values it added are
// removed, and its state is deleted. Hooks holding our block that the state
// does not know (a committed hooks directory) lose the block too. When
// there is nothing to undo, Result.NothingInstalled is set.
func Uninstall(ctx context.Context, repo *gitx.Repo) (res *Result, err error) {
	dir, st, unlock, err := begin(ctx, repo, "uninstall")
	if err != nil {
		return nil, err
	}
	defer unlock()
	res = &Result{Dir: dir}
	defer func() {
		// On failure, keep what is left to undo for the next attempt.
		if serr := st.save(); serr != nil && err == nil {
			err = serr
		}
	}()

	// Hooks in the current hooks directory that hold our block unknown to
	// the state are adopted first, so that all are undone the same way.
	for _, h := range All {
		if _, err := adoptOurs(h, filepath.Join(dir, h.Name), st); err != nil {
			return res, err
		}
	}
	lazyErr := removeLazy(ctx, repo)
	if st.empty() {
		res.NothingInstalled = true
		return res, lazyErr
	}

	for len(st.Hooks) > 0 {
		e := st.Hooks[0]
		c, err := uninstallHook(e, st, res)
		if err != nil {
			return res, err
		}
		res.Hooks = append(res.Hooks, c)
		st.dropHook(st.abs(e.Path))
	}
	res.Config, err = uninstallConfig(ctx, repo, st)
	if err != nil {
		return res, err
	}
	for i := len(st.Dirs) - 1; i >= 0; i-- {
		removeEmptyDirs(st.abs(st.Dirs[i]))
	}
	st.Dirs = nil
	return res, nil
}

func uninstallHook(e hookEntry, st *state, res *Result) (HookChange, error) {
	p := st.abs(e.Path)
	h, ok := Lookup(e.Name)
	if !ok {
		h = Hook{Name: e.Name}
	}
	c := HookChange{Hook: e.Name, Path: p, Action: Left}
	aside := p + AsideSuffix
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		if e.Kind == kindWrapped && exists(aside) {
			return restoreAside(e, p, st)
		}
		c.Action = Missing
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading %s: %w", p, err)
	}
	var content []byte
	var sp span
	found := false
	if fi.Mode().IsRegular() {
		if content, err = os.ReadFile(p); err != nil {
			return c, fmt.Errorf("reading %s: %w", p, err)
		}
		sp, found, _ = findBlock(content)
	}
	if !found {
		if e.Kind == kindWrapped && exists(aside) {
			res.warnf("%s no longer holds the git-ai-survival hook and was left as is; the hook moved aside by install is still at %s", p, aside)
		}
		return c, nil
	}
	rest := stripBlock(content, sp)
	exact := digest(content) == e.Written
	switch e.Kind {
	case kindCreated:
		if string(rest) == shebang {
			if err := os.Remove(p); err != nil {
				return c, writeErr(p, err)
			}
			c.Action = Removed
			return c, nil
		}
	case kindInserted:
		if exact && e.Backup != "" {
			orig, err := st.readBackup(e.Backup)
			if err == nil {
				if err := fsx.WriteFileAtomic(p, orig, e.Mode); err != nil {
					return c, writeErr(p, err)
				}
				c.Action = Restored
				return c, nil
			}
		}
	case kindWrapped:
		if exact || string(rest) == shebang+h.wrapperTail() {
			return restoreAside(e, p, st)
		}
		if exists(aside) {
			res.warnf("%s was edited after install; took out the git-ai-survival block and kept the rest, which still runs %s", p, aside)
		}
	}
	if err := fsx.WriteFileAtomic(p, rest, perm(fi)); err != nil {
		return c, writeErr(p, err)
	}
	c.Action = Stripped
	return c, nil
}

// restoreAside puts back the hook that wrap moved aside: the file itself
// when it is still there (with any change made to it since), else the
// backup.
func restoreAside(e hookEntry, p string, st *state) (HookChange, error) {
	aside := p + AsideSuffix
	c := HookChange{Hook: e.Name, Path: p, Action: Restored, Aside: aside}
	if exists(aside) {
		if err := os.Rename(aside, p); err != nil {
			return c, writeErr(p, err)
		}
		return c, nil
	}
	c.Aside = ""
	switch {
	case e.Backup != "":
		orig, err := st.readBackup(e.Backup)
		if err != nil {
			return c, fmt.Errorf("the hook that was at %s before install is gone from %s and from the backup: %w", p, aside, err)
		}
		if err := fsx.WriteFileAtomic(p, orig, e.Mode); err != nil {
			return c, writeErr(p, err)
		}
	case e.Link != "":
		_ = os.Remove(p)
		if err := os.Symlink(e.Link, p); err != nil {
			return c, writeErr(p, err)
		}
	default:
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return c, writeErr(p, err)
		}
		c.Action = Removed
	}
	return c, nil
}

// removeEmptyDirs removes dir and the directories below it, as long as they
// are empty.
func removeEmptyDirs(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, en := range entries {
		if en.IsDir() {
			removeEmptyDirs(filepath.Join(dir, en.Name()))
		}
	}
	_ = os.Remove(dir)
}

// removeLazy removes hookrun.LazyFile and where the notes' catch-up of
// this worktree stopped.
func removeLazy(ctx context.Context, repo *gitx.Repo) error {
	files := []string{filepath.Join(repo.CommonDir, hookrun.LazyFile)}
	if gd, err := repo.OwnGitDir(ctx); err == nil {
		files = append(files, filepath.Join(gd, capture.CaughtUpFile))
	}
	for _, p := range files {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", p, err)
		}
	}
	return nil
}

// adoptOurs returns the state's entry of the hook at p, first adopting
// it into the state when the file holds our block unknown to the state;
// nil when it holds none.
func adoptOurs(h Hook, p string, st *state) (*hookEntry, error) {
	if e := st.hook(p); e != nil {
		return e, nil
	}
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, nil
	}
	content, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	sp, found, ferr := findBlock(content)
	if ferr != nil || !found {
		return nil, nil
	}
	e, err := adopt(h, p, content, sp, fi, st)
	if err != nil {
		return nil, err
	}
	st.putHook(e)
	return st.hook(p), nil
}
