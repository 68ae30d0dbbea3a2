package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
)

// Action says what happened to one hook.
type Action string

// What Install does to a hook.
const (
	// Installed: there was no hook; the file is ours.
	Installed Action = "installed"
	// Chained: our block was inserted into the existing shell hook.
	Chained Action = "chained"
	// Wrapped: the existing hook was moved aside (HookChange.Aside) and
	// our hook runs it.
	Wrapped Action = "wrapped"
	// Updated: an older version of our block was replaced.
	Updated Action = "updated"
	// UpToDate: nothing to do.
	UpToDate Action = "up to date"
	// Newer: the hook has a newer version of our block; left alone.
	Newer Action = "newer"
)

// What Uninstall does to a hook.
const (
	// Removed: the hook was ours alone and is deleted.
	Removed Action = "removed"
	// Restored: the hook that was there before install is back, byte for
	// byte.
	Restored Action = "restored"
	// Stripped: the hook was edited after install; only our block was
	// taken out.
	Stripped Action = "stripped"
	// Left: the hook no longer holds our block; left as it is.
	Left Action = "left"
	// Missing: the hook file is gone already.
	Missing Action = "missing"
)

// HookChange is what happened to one hook file.
type HookChange struct {
	Hook   string
	Path   string
	Action Action
	// Aside is where the foreign hook was moved (Wrapped) or moved back
	// from (Restored).
	Aside string
}

// Result is what Install or Uninstall did.
type Result struct {
	// Dir is the hooks directory git uses.
	Dir    string
	Hooks  []HookChange
	Config []ConfigChange
	// Warnings are single lines without the "warning: " prefix.
	Warnings []string
	// NothingInstalled is set by Uninstall when there was nothing to undo.
	NothingInstalled bool
	// Lazy is set by Install with Options.Lazy.
	Lazy bool
}

func (r *Result) warnf(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// Dir returns the directory git runs repo's hooks from: `git rev-parse
// --git-path hooks`, which follows core.hooksPath (a relative one is
// relative to the top of the working tree) and, in a linked worktree, leads
// to the common directory's hooks.
func Dir(ctx context.Context, repo *gitx.Repo) (string, error) {
	// Not --path-format=absolute: git fails on a core.hooksPath it cannot
	// resolve, and ensureDir says better what is wrong with it.
	dir, err := repo.Line(ctx, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", fmt.Errorf("finding the hooks directory: %w", err)
	}
	if !filepath.IsAbs(dir) {
		base := repo.Dir // where git ran: the top of the working tree
		if base == "" {
			if base, err = os.Getwd(); err != nil {
				return "", err
			}
		}
		dir = filepath.Join(base, dir)
	}
	return filepath.Clean(dir), nil
}

// begin does what install and uninstall both start with: it checks for a
// working tree, finds the hooks directory, takes the install lock and loads
// the saved state. The caller must call unlock.
func begin(ctx context.Context, repo *gitx.Repo, command string) (dir string, st *state, unlock func(), err error) {
	if err := repo.RequireWorkTree("git ai-survival " + command); err != nil {
		return "", nil, nil, err
	}
	if dir, err = Dir(ctx, repo); err != nil {
		return "", nil, nil, err
	}
	if unlock, err = lock(repo.CommonDir); err != nil {
		return "", nil, nil, err
	}
	if st, err = loadState(repo.CommonDir); err != nil {
		unlock()
		return "", nil, nil, err
	}
	return dir, st, unlock, nil
}

// Install puts our hooks into the hooks directory of repo, chaining the hooks
// already there, and adds our configuration. Installing again changes
// nothing, except that older versions of our hooks are updated. What it did
// is recorded under the common dir for Uninstall.
func Install(ctx context.Context, repo *gitx.Repo) (*Result, error) {
	return InstallWith(ctx, repo, Options{})
}

// Options change what Install puts in place.
type Options struct {
	// Lazy leaves the post-commit hook out (and takes ours out of it when
	// an earlier install put it there): commits then run nothing of ours,
	// and each commit's note is written by the next agent checkpoint,
	// push, rewrite or command (see hookrun.LazyFile). Installing again
	// without it puts the post-commit hook back.
	Lazy bool
}

// InstallWith is Install with options.
func InstallWith(ctx context.Context, repo *gitx.Repo, opts Options) (res *Result, err error) {
	dir, st, unlock, err := begin(ctx, repo, "install")
	if err != nil {
		return nil, err
	}
	defer unlock()
	res = &Result{Dir: dir, Lazy: opts.Lazy}
	defer func() {
		if serr := st.save(); serr != nil && err == nil {
			err = serr
		}
	}()
	if err := ensureDir(dir, st); err != nil {
		return res, err
	}
	changed := false
	for _, h := range All {
		p := filepath.Join(dir, h.Name)
		if opts.Lazy && h.Name == PostCommit.Name {
			c, had, err := leaveOut(h, p, st, res)
			if err != nil {
				return res, err
			}
			if had {
				res.Hooks = append(res.Hooks, c)
			}
			continue
		}
		c, err := installHook(h, p, st, res)
		if err != nil {
			return res, err
		}
		res.Hooks = append(res.Hooks, c)
		changed = changed || (c.Action != UpToDate && c.Action != Newer)
	}
	if changed {
		warnPlacement(ctx, repo, dir, res)
	}
	if err := setLazy(ctx, repo, opts.Lazy); err != nil {
		return res, err
	}
	res.Config, err = installConfig(ctx, repo, st)
	return res, err
}

// leaveOut takes our block out of the hook at p, as Uninstall does, when
// it holds it; had says whether it did.
func leaveOut(h Hook, p string, st *state, res *Result) (c HookChange, had bool, err error) {
	e, err := adoptOurs(h, p, st)
	if err != nil || e == nil {
		return c, false, err
	}
	c, err = uninstallHook(*e, st, res)
	if err != nil {
		return c, true, err
	}
	st.dropHook(p)
	return c, true, nil
}

// setLazy creates hookrun.LazyFile (keeping an existing one, whose time
// says since when, and making the notes' catch-up start from now in this
// worktree) or removes it.
func setLazy(ctx context.Context, repo *gitx.Repo, lazy bool) error {
	p := filepath.Join(repo.CommonDir, hookrun.LazyFile)
	if !lazy {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", p, err)
		}
		// Notes a post-commit hook leaves out are filled in from here on.
		if gd, err := repo.OwnGitDir(ctx); err == nil && !exists(filepath.Join(gd, capture.CaughtUpFile)) {
			return capture.StartCatchUp(ctx, repo)
		}
		return nil
	}
	if exists(p) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", p, err)
	}
	text := "Written by 'git ai-survival install --lazy': no post-commit hook; each commit's note\n" +
		"is written by the next agent checkpoint, push, rewrite or git-ai-survival command.\n"
	if err := fsx.WriteFileAtomic(p, []byte(text), 0o644); err != nil {
		return fmt.Errorf("creating %s: %w", p, err)
	}
	return capture.StartCatchUp(ctx, repo)
}

// warnPlacement says when the hooks just written reach beyond this clone:
// a hooks directory outside the repository (a shared core.hooksPath) runs
// them for every repository using it, and one in the working tree that git
// does not ignore shows them in git status.
func warnPlacement(ctx context.Context, repo *gitx.Repo, dir string, res *Result) {
	inside := func(base string) bool {
		rel, err := filepath.Rel(base, dir)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	switch {
	case inside(repo.CommonDir) || inside(repo.GitDir):
	case repo.Top != "" && inside(repo.Top):
		_, err := repo.Output(ctx, "check-ignore", "-q", "--", filepath.Join(dir, All[0].Name))
		var ge *gitx.Error
		if errors.As(err, &ge) && ge.ExitCode == 1 {
			res.warnf("%s is part of the working tree: the hooks changed there show in 'git status' (commit them to share them, or list them in .git/info/exclude)", dir)
		}
	default:
		res.warnf("%s is outside this repository (core.hooksPath): the hooks there now run for every repository that uses it", dir)
	}
}

// ensureDir creates the hooks directory when it is missing (recording what
// it created) and checks that it can be written to.
func ensureDir(dir string, st *state) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("cannot use %s as the hooks directory: it is not a directory (check core.hooksPath)", dir)
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		top := dir
		for {
			parent := filepath.Dir(top)
			if _, perr := os.Lstat(parent); perr == nil || parent == top {
				break
			}
			top = parent
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot create the hooks directory %s: %w", dir, unwrapPath(err))
		}
		if rel := st.rel(top); !slices.Contains(st.Dirs, rel) {
			st.Dirs = append(st.Dirs, rel)
		}
	case err != nil:
		return fmt.Errorf("cannot use the hooks directory %s: %w", dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".ai-survival-probe-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write to the hooks directory %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// unwrapPath drops the operation and path of a *fs.PathError when the
// message names the path already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

func installHook(h Hook, p string, st *state, res *Result) (HookChange, error) {
	c := HookChange{Hook: h.Name, Path: p}
	e := st.hook(p)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		if e != nil && e.Kind == kindWrapped && exists(p+AsideSuffix) {
			// Our wrapper was deleted but the hook it runs is still there.
			content := []byte(h.Wrapper())
			if err := fsx.WriteFileAtomic(p, content, 0o755); err != nil {
				return c, writeErr(p, err)
			}
			e.Written = digest(content)
			c.Action, c.Aside = Updated, p+AsideSuffix
			return c, nil
		}
		if e != nil {
			st.dropHook(p)
		}
		content := []byte(h.Script())
		if err := fsx.WriteFileAtomic(p, content, 0o755); err != nil {
			return c, writeErr(p, err)
		}
		st.putHook(hookEntry{Name: h.Name, Path: st.rel(p), Kind: kindCreated, Written: digest(content)})
		c.Action = Installed
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading %s: %w", p, err)
	}
	if fi.IsDir() {
		return c, fmt.Errorf("%s is a directory, not a hook; move it away and run 'git ai-survival install' again", p)
	}
	var content []byte
	if fi.Mode().IsRegular() {
		if content, err = os.ReadFile(p); err != nil {
			return c, fmt.Errorf("reading %s: %w", p, err)
		}
		sp, found, err := findBlock(content)
		if err != nil {
			return c, fmt.Errorf("%s: %v; fix or remove it and run 'git ai-survival install' again", p, err)
		}
		if found {
			if e == nil {
				ne, err := adopt(h, p, content, sp, fi, st)
				if err != nil {
					return c, err
				}
				st.putHook(ne)
				e = st.hook(p)
			}
			if e.Kind == kindWrapped {
				c.Aside = p + AsideSuffix
			}
			if sp.Version > Version {
				res.warnf("%s holds a newer git-ai-survival hook (v%d, this is v%d); left as is", p, sp.Version, Version)
				c.Action = Newer
				return c, nil
			}
			updated := replaceBlock(content, sp, h.Block())
			c.Action = UpToDate
			if !bytes.Equal(updated, content) {
				if err := fsx.WriteFileAtomic(p, updated, perm(fi)); err != nil {
					return c, writeErr(p, err)
				}
				c.Action = Updated
			}
			e.Written = digest(updated)
			return c, nil
		}
	}
	// A foreign hook.
	if e != nil {
		// It was ours once and has been replaced since (by a hook manager
		// re-creating its hooks, or by hand): this is the hook to keep now.
		if e.Kind == kindWrapped && exists(p+AsideSuffix) {
			res.warnf("%s was replaced after install; the hook moved aside then is still at %s but no longer runs", p, p+AsideSuffix)
		}
		st.dropHook(p)
	}
	if fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 && isShellScript(content) {
		backup, err := st.backup(p, h.Name, content)
		if err != nil {
			return c, err
		}
		updated := insertBlock(content, h.Block())
		if err := fsx.WriteFileAtomic(p, updated, perm(fi)); err != nil {
			return c, writeErr(p, err)
		}
		st.putHook(hookEntry{Name: h.Name, Path: st.rel(p), Kind: kindInserted, Mode: perm(fi), Backup: backup, Written: digest(updated)})
		c.Action = Chained
		return c, nil
	}
	return wrap(h, p, fi, content, st)
}

// wrap moves the foreign hook at p aside and puts our wrapper in its place.
func wrap(h Hook, p string, fi fs.FileInfo, content []byte, st *state) (HookChange, error) {
	aside := p + AsideSuffix
	c := HookChange{Hook: h.Name, Path: p, Action: Wrapped, Aside: aside}
	if _, err := os.Lstat(aside); err == nil {
		return c, fmt.Errorf("cannot move %s aside: %s already exists; move one of them away and run 'git ai-survival install' again", p, aside)
	}
	e := hookEntry{Name: h.Name, Path: st.rel(p), Kind: kindWrapped}
	switch {
	case fi.Mode().IsRegular():
		backup, err := st.backup(p, h.Name, content)
		if err != nil {
			return c, err
		}
		e.Mode, e.Backup = perm(fi), backup
	case fi.Mode()&fs.ModeSymlink != 0:
		link, err := os.Readlink(p)
		if err != nil {
			return c, fmt.Errorf("reading %s: %w", p, err)
		}
		e.Link = link
	default:
		return c, fmt.Errorf("%s is not a regular file (%v); move it away and run 'git ai-survival install' again", p, fi.Mode().Type())
	}
	if err := os.Rename(p, aside); err != nil {
		return c, writeErr(p, err)
	}
	wrapper := []byte(h.Wrapper())
	if err := fsx.WriteFileAtomic(p, wrapper, 0o755); err != nil {
		_ = os.Rename(aside, p)
		return c, writeErr(p, err)
	}
	e.Written = digest(wrapper)
	st.putHook(e)
	return c, nil
}

// adopt makes a state entry for a hook that holds our block but that this
// repository's state does not know (a hooks directory committed with our
// hooks, or a lost state): what uninstall would have recorded.
func adopt(h Hook, p string, content []byte, sp span, fi fs.FileInfo, st *state) (hookEntry, error) {
	e := hookEntry{Name: h.Name, Path: st.rel(p), Written: digest(content)}
	rest := stripBlock(content, sp)
	switch {
	case string(rest) == shebang:
		e.Kind = kindCreated
	case string(rest) == shebang+h.wrapperTail():
		e.Kind = kindWrapped
	default:
		backup, err := st.backup(p, h.Name, rest)
		if err != nil {
			return e, err
		}
		e.Kind, e.Mode, e.Backup = kindInserted, perm(fi), backup
	}
	return e, nil
}

func perm(fi fs.FileInfo) fs.FileMode {
	return fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func writeErr(p string, err error) error {
	return fmt.Errorf("cannot write %s: %w", p, unwrapPath(err))
}

// lock keeps two installs or uninstalls from running at once.
func lock(common string) (func(), error) {
	dir := filepath.Join(common, "ai-survival")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", dir, unwrapPath(err))
	}
	name := filepath.Join(dir, "install.lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s exists: another 'git ai-survival install' or 'uninstall' is running; if none is, remove that file and try again", name)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", name, unwrapPath(err))
	}
	f.Close()
	return func() {
		_ = os.Remove(name)
		_ = os.Remove(dir) // only when empty
	}, nil
}

// Active reports whether repo's post-commit hook runs ours, or install
// --lazy left it out (see Options.Lazy): without either, agent checkpoints
// are never used. It reads one or two files.
func Active(ctx context.Context, repo *gitx.Repo) bool {
	dir, err := Dir(ctx, repo)
	if err != nil {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, PostCommit.Name))
	if err == nil && strings.Contains(string(b), beginPrefix) {
		return true
	}
	_, lazy := hookrun.LazySince(ctx, repo)
	return lazy
}
