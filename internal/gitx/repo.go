package gitx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Repo is what git says about the repository around a directory.
type Repo struct {
	*Git
	// Top is the working tree's top directory ("" in a bare repository).
	Top string
	// GitDir is this worktree's git directory; CommonDir is shared by all
	// worktrees (they differ in linked worktrees).
	GitDir, CommonDir string
	Bare              bool
	Shallow           bool
}

// ErrNotRepository is returned when dir is not inside a git repository.
var ErrNotRepository = errors.New("not a git repository")

// Open describes the repository containing dir.
func Open(ctx context.Context, dir string) (*Repo, error) {
	g := New(dir)
	out, err := g.Output(ctx, "rev-parse", "--path-format=absolute",
		"--git-dir", "--git-common-dir", "--is-bare-repository", "--is-shallow-repository", "--show-toplevel")
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "not a git repository") {
			where := dir
			if abs, aerr := filepath.Abs(dir); aerr == nil {
				where = abs
			}
			return nil, fmt.Errorf("%s: %w (run this inside a git repository, or 'git init' one)", where, ErrNotRepository)
		}
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "this operation must be run in a work tree") {
			// --show-toplevel fails in a bare repository: ask again without it.
			out, err = g.Output(ctx, "rev-parse", "--path-format=absolute",
				"--git-dir", "--git-common-dir", "--is-bare-repository", "--is-shallow-repository")
		}
		if err != nil {
			return nil, err
		}
	}
	f := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(f) < 4 {
		return nil, fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	r := &Repo{Git: g, GitDir: f[0], CommonDir: f[1], Bare: f[2] == "true", Shallow: f[3] == "true"}
	if len(f) > 4 {
		r.Top = f[4]
		r.Git = New(r.Top)
	}
	return r, nil
}

// AtHookDir describes the repository a hook runs in without asking git:
// git starts hooks at the top of the working tree, so dir is Top. Only
// Top and the Git runner are set; hooks use it to save a git process on
// every commit.
func AtHookDir(dir string) *Repo {
	return &Repo{Git: New(dir), Top: dir}
}

// OwnGitDir is r's own git directory (a linked worktree's, not the common
// one): GitDir when known, else found without git when possible (see
// GitDirAt), else asked of git.
func (r *Repo) OwnGitDir(ctx context.Context) (string, error) {
	if r.GitDir != "" {
		return r.GitDir, nil
	}
	if r.Top != "" {
		if d, ok := GitDirAt(r.Top); ok {
			return d, nil
		}
	}
	return r.Line(ctx, "rev-parse", "--path-format=absolute", "--git-dir")
}

// GitDirAt finds the git directory of the working tree whose top is top,
// without running git: $GIT_DIR when set (git sets it for hooks), else
// top/.git, following a "gitdir:" file in linked worktrees.
func GitDirAt(top string) (string, bool) {
	if d := os.Getenv("GIT_DIR"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join(top, d)
		}
		return d, true
	}
	p := filepath.Join(top, ".git")
	fi, err := os.Stat(p)
	if err != nil {
		return "", false
	}
	if fi.IsDir() {
		return p, true
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", false
	}
	d := strings.TrimSpace(rest)
	if !filepath.IsAbs(d) {
		d = filepath.Join(top, d)
	}
	return d, true
}

// Remotes lists the repository's remotes.
func (r *Repo) Remotes(ctx context.Context) ([]string, error) {
	out, err := r.Output(ctx, "remote")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// PreferredRemote is the remote to use when none is named: origin when
// there is one, else the only remote; ok is false otherwise.
func PreferredRemote(remotes []string) (name string, ok bool) {
	for _, r := range remotes {
		if r == "origin" {
			return r, true
		}
	}
	if len(remotes) == 1 {
		return remotes[0], true
	}
	return "", false
}

// RequireWorkTree returns an error naming the problem in a bare repository.
func (r *Repo) RequireWorkTree(what string) error {
	if r.Bare || r.Top == "" {
		return fmt.Errorf("%s needs a working tree, and %s is a bare repository", what, r.GitDir)
	}
	return nil
}

// GitPath is `git rev-parse --git-path <p>` made absolute.
func (r *Repo) GitPath(ctx context.Context, p string) (string, error) {
	s, err := r.Line(ctx, "rev-parse", "--path-format=absolute", "--git-path", p)
	if err != nil {
		return "", err
	}
	return s, nil
}

// ShallowCommits are the commits whose parents a shallow clone lacks
// (empty when the clone is not shallow).
func (r *Repo) ShallowCommits(ctx context.Context) (map[string]bool, error) {
	path, err := r.GitPath(ctx, "shallow")
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return map[string]bool{}, nil
		}
		return nil, fmt.Errorf("reading the shallow boundary: %w", err)
	}
	set := map[string]bool{}
	for _, id := range strings.Fields(string(data)) {
		set[id] = true
	}
	return set, nil
}

// Commits returns which of ids (full object ids) name commits in the
// repository, with one `git cat-file --batch-check`.
func (g *Git) Commits(ctx context.Context, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	out, err := g.Input(ctx, strings.NewReader(strings.Join(ids, "\n")+"\n"), "cat-file", "--batch-check=%(objectname) %(objecttype)")
	for _, line := range strings.Split(string(out), "\n") {
		if id, typ, ok := strings.Cut(line, " "); ok && typ == "commit" {
			found[id] = true
		}
	}
	return found, err
}

// ResolveCommit returns the full id of rev as a commit.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("%q is not a revision", rev)
	}
	id, err := r.Line(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil || id == "" {
		return "", fmt.Errorf("%q does not name a commit in this repository", rev)
	}
	return id, nil
}

// HasCommits reports whether HEAD points at a commit.
func (r *Repo) HasCommits(ctx context.Context) bool {
	_, err := r.Line(ctx, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	return err == nil
}

// Config reads one config value; ok is false when it is unset.
func (r *Repo) Config(ctx context.Context, key string) (value string, ok bool, err error) {
	out, err := r.Output(ctx, "config", "--get", key)
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return strings.TrimRight(string(out), "\n"), true, nil
}
