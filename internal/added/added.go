// Package added reads what commits added: for each commit, per path, the
// lines it added (for a merge, the lines found in none of its parents),
// from one streamed `git log -m -p`. The post-commit hook, annotate, show,
// rewrite and restore all read commits this way.
package added

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Lines is what one commit added.
type Lines struct {
	Commit  string
	Parents []string
	// Files maps each path (as in the commit) to the line numbers the
	// commit added to it; binary files are listed in Binary instead.
	Files  map[string]provenance.LineSet
	Binary []string
	// Partial is set when the time budget ran out before every file was
	// read: Files then holds only the files read in time.
	Partial bool
	// Blobs maps paths in Files to their object ids in the commit, where
	// git printed them.
	Blobs map[string]string
}

// DiffArgs are the options every diff we read is produced with: no
// context, git's default algorithm and rename detection (as git blame
// uses them), and nothing a user's config could change.
var DiffArgs = []string{"-p", "-U0", "-M", "--full-index", "--no-color", "--no-ext-diff", "--no-textconv",
	"--src-prefix=a/", "--dst-prefix=b/", "--no-relative", "--diff-algorithm=myers", "--indent-heuristic"}

// ErrBudget is returned (wrapped) when the time budget ran out.
var ErrBudget = errors.New("time budget exhausted")

// Stream reads, in one `git log -m -p`, what each commit selected by
// revs added, and calls fn for each commit. With a non-zero deadline,
// reading stops when it passes: the commit in progress is reported with
// Partial set and Stream returns ErrBudget.
func Stream(ctx context.Context, repo *gitx.Repo, deadline time.Time, fn func(Lines) error, revs ...string) error {
	return stream(ctx, repo, deadline, nil, fn, revs)
}

// StreamCommits is Stream for a list of commits, passed to git on stdin
// so that any number fits.
func StreamCommits(ctx context.Context, repo *gitx.Repo, ids []string, fn func(Lines) error) error {
	if len(ids) == 0 {
		return nil
	}
	stdin := strings.NewReader(strings.Join(ids, "\n") + "\n")
	return stream(ctx, repo, time.Time{}, stdin, fn, []string{"--no-walk=unsorted", "--stdin"})
}

func stream(ctx context.Context, repo *gitx.Repo, deadline time.Time, stdin io.Reader, fn func(Lines) error, revs []string) error {
	var cancel context.CancelFunc = func() {}
	if !deadline.IsZero() {
		ctx, cancel = context.WithDeadline(ctx, deadline)
	}
	defer cancel()
	acc := NewAccumulator(fn)
	p := &diff.Parser{
		CommitPrefix: "\x1e",
		OnCommit:     acc.Commit,
		OnFile:       acc.File,
	}
	args := append([]string{"log", "-m", "--root", "--format=%x1e%H %P"}, DiffArgs...)
	args = append(append(args, revs...), "--")
	err := repo.Stream(ctx, stdin, func(r io.Reader) error { return p.Parse(r) }, args...)
	if err != nil && !deadline.IsZero() && (errors.Is(err, context.DeadlineExceeded) || !time.Now().Before(deadline)) && ctx.Err() != nil {
		if ferr := acc.FlushPartial(); ferr != nil {
			return ferr
		}
		return fmt.Errorf("reading diffs: %w", ErrBudget)
	}
	if err != nil {
		return fmt.Errorf("reading diffs: %w", err)
	}
	return acc.Flush()
}

// Accumulator turns the per-parent diffs of `git log -m -p` output into
// what each commit added: a diff.Parser's OnCommit (headers "<id>
// <parents>", one per parent diff) and OnFile feed it, and it hands each
// commit to its function once the next one starts or Flush is called.
type Accumulator struct {
	fn  func(Lines) error
	cur *pending
}

// NewAccumulator returns an Accumulator that hands each commit to fn.
func NewAccumulator(fn func(Lines) error) *Accumulator { return &Accumulator{fn: fn} }

type pending struct {
	id      string
	parents []string
	// perParent holds, for each parent diff seen, the lines added by path.
	perParent []map[string]provenance.LineSet
	binary    map[string]bool
	blobs     map[string]string
	partial   bool
}

// Commit starts the diff of a commit against its next parent.
func (a *Accumulator) Commit(header string) error {
	f := strings.Fields(header)
	if len(f) == 0 {
		return fmt.Errorf("empty commit header in git log output")
	}
	if a.cur == nil || a.cur.id != f[0] {
		if err := a.Flush(); err != nil {
			return err
		}
		a.cur = &pending{id: f[0], parents: f[1:], binary: map[string]bool{}, blobs: map[string]string{}}
	}
	a.cur.perParent = append(a.cur.perParent, map[string]provenance.LineSet{})
	return nil
}

// File adds the diff of one file.
func (a *Accumulator) File(f *diff.File) error {
	if a.cur == nil || len(a.cur.perParent) == 0 {
		return fmt.Errorf("diff of %q outside any commit in git log output", f.Path())
	}
	if f.NewPath == "" {
		return nil // deleted: adds nothing
	}
	if f.Binary {
		a.cur.binary[f.NewPath] = true
		return nil
	}
	var s provenance.LineSet
	for _, h := range f.Hunks {
		if h.NewLines > 0 {
			s.Add(h.NewStart, h.NewStart+h.NewLines-1)
		}
	}
	a.cur.perParent[len(a.cur.perParent)-1][f.NewPath] = s
	if f.NewBlob != "" {
		a.cur.blobs[f.NewPath] = f.NewBlob
	}
	return nil
}

// FlushPartial hands over the commit in progress, if any, marked Partial:
// reading stopped before its diff ended.
func (a *Accumulator) FlushPartial() error {
	if a.cur == nil {
		return nil
	}
	a.cur.partial = true
	return a.Flush()
}

// Flush hands over the commit in progress, if any.
func (a *Accumulator) Flush() error {
	p := a.cur
	a.cur = nil
	if p == nil {
		return nil
	}
	out := Lines{Commit: p.id, Parents: p.parents, Files: map[string]provenance.LineSet{}, Partial: p.partial}
	for path := range p.binary {
		out.Binary = append(out.Binary, path)
	}
	// A commit with n parents added the lines that every parent's diff adds
	// (lines found in none of the parents). git prints nothing for a parent
	// the commit is identical to: then nothing was added.
	need := max(len(p.parents), 1)
	if len(p.perParent) >= need {
		for path, lines := range p.perParent[0] {
			for _, other := range p.perParent[1:] {
				lines = lines.Intersect(other[path])
			}
			if !lines.Empty() {
				out.Files[path] = lines
				if id, ok := p.blobs[path]; ok {
					if out.Blobs == nil {
						out.Blobs = map[string]string{}
					}
					out.Blobs[path] = id
				}
			}
		}
	}
	return a.fn(out)
}
