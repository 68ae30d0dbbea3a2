// Package walk is the survival engine's one pass over history. It streams
// the diffs of a range, oldest first, from a single `git log -p` (and the
// commits' metadata from one more `git log`, the merges' diffs from two
// more, combined.go), asks an Attributor for each
// commit's provenance, and keeps the line-origin map (package linemap) up to
// date: every line a commit in the range adds is born with its commit and
// attribution, every line that leaves the history dies, and the lines of the
// range's end are the survivors, traced as `git blame` traces them.
//
// Memory is bounded by the trees of the open branches (the end snapshot in
// a linear history), not by the length of history: a commit's tree is
// changed in place when no other commit needs its parent's, and file
// versions are shared between the trees of different branches.
//
// Merges follow blame's pass-to-parents: a file identical to one parent's
// version is that version; otherwise each line unchanged relative to parent
// 1 keeps parent 1's origin, else parent 2's, and so on; lines in none of
// the parents are born in the merge. Whole-file renames are followed as
// git log -M pairs them, which is how blame finds them. In a range A..B,
// parents outside the range are background trees whose files are never
// read: their lines take up positions, are never born, and are not counted.
//
// With Options.Moves, lines are traced as git blame -M -C -C traces them:
// the diffs are read with their content (a "\ No newline at end of file"
// marker kept with its line), every file version keeps a 64-bit hash per
// line, and the lines a commit adds are first looked for in the parent's
// files, in blame's order and with its thresholds (linemap's moves.go); a
// line found there keeps its origin instead of dying and being born again.
// Without Moves none of this is read or kept. Blame decides on a moved
// block with the pieces of it that survive to the end of its range, so the
// walk carries a block as the lines it came from and settles it at the
// end, on the same pieces (linemap's settle.go): a piece is searched again,
// and one too small for the threshold is born in the commit that moved it.
// Differences from blame remain where blame's piece holds lines the walk
// did not carry, or its best stretch is lines that have died since, and
// where blame's diff pairs repeated lines (blank lines, braces, the lines
// of generated code) differently. In a range A..B
// the files of the commits outside it that commits of the range have as
// parents (A, and where older branches join) are read, with one git
// cat-file --batch each (boundary.go): their lines are background,
// and blocks moved or copied out of them stay background, as blame gives
// them to the boundary.
//
// A walk can be saved and continued (package walkcache): Result.Tree is
// the end's map (linemap's Tree.Export makes it plain values), and
// Options.Resume starts a later walk of the same range from it, walking
// only the commits after the saved end.
package walk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// The walk's records are linemap's; the aliases spare callers an import.
type (
	Commit   = linemap.Commit
	Birth    = linemap.Birth
	Death    = linemap.Death
	Survivor = linemap.Survivor
	// Thresholds are git blame's -M<num> and -C<num>.
	Thresholds = linemap.Thresholds
)

// Attributor gives the provenance of a commit from its metadata (id,
// parents, author, committer, times, message; Provenance and Source are not
// set yet): the attribution of every line the commit added, and whether it
// came from a note, was inferred, or is unknown.
type Attributor interface {
	Attribute(c *Commit) (provenance.Commit, provenance.Source, error)
}

// AttributorFunc adapts a function to Attributor.
type AttributorFunc func(c *Commit) (provenance.Commit, provenance.Source, error)

// Attribute calls f.
func (f AttributorFunc) Attribute(c *Commit) (provenance.Commit, provenance.Source, error) {
	return f(c)
}

// unknownAttributor says nothing is known about any commit.
func unknownAttributor(c *Commit) (provenance.Commit, provenance.Source, error) {
	return provenance.Commit{ID: c.ID, Default: provenance.UnknownAttribution()}, provenance.SourceNone, nil
}

// Options configure a walk.
type Options struct {
	// Range is what to measure: "" (all history of HEAD), "REV" (all history
	// of REV), or "A..B" as git rev-list reads it ("A.." is A..HEAD).
	// The end of the range is B (HEAD by default).
	Range string
	// Attributor gives each commit's provenance; nil makes every line
	// unknown.
	Attributor Attributor
	// OnProgress is called after each commit with the number of commits
	// done and the number in the range.
	OnProgress func(done, total int)
	// OnCommit receives each commit of the range, attributed, oldest first
	// (parents before children), before its births and deaths. Once the
	// commit is applied, the walk drops its Message (and, without Moves,
	// its Provenance.Files): a callback that needs them later copies them.
	OnCommit func(*Commit)
	// OnBirth receives the lines each commit added, per path and
	// attribution, once the commit is applied.
	OnBirth func(*Birth)
	// OnDeath receives lines as they leave the history: the commit where
	// the last tree holding them lost them. Every line born either dies
	// exactly once or is a survivor. Death.Kind says whether the commit
	// replaced them in place (and By with what) or deleted them.
	OnDeath func(Death)
	// OnMove receives, with Moves, lines a commit moved: removed from one
	// place and found again in another (Path). They are not deaths.
	OnMove func(Death)
	// Moves traces moved and copied lines to where they came from, as
	// git blame -M -C -C does, instead of counting a death and a birth.
	// It reads the diffs with their content, which costs time and memory
	// (a 64-bit hash per line of the open trees).
	Moves bool
	// MoveThresholds are, with Moves, git blame's -M<num> and -C<num>
	// (zero: its defaults, 20 and 40).
	MoveThresholds linemap.Thresholds
	// Resume continues an earlier walk of the range from its end instead
	// of walking the commits up to it (see Resume).
	Resume *Resume
	// SeparateMerges reads each merge's full diff against each of its
	// parents (git log -m) instead of the paths it changed relative to
	// its first parent and git's combined diff (combined.go; with Moves,
	// the paths changed relative to another parent are listed when a
	// search for copies needs them): the same lines traced, at several times the
	// cost on histories with long-lived branches. For comparisons.
	SeparateMerges bool
}

// Result is what a walk leaves.
type Result struct {
	// Range is the range as given; Start and End are the resolved commits
	// of A and B (Start is "" when the range reaches the root).
	Range, Start, End string
	// Commits is the number of commits walked.
	Commits int
	// Survivors are the measured lines of End's tree, by path and line.
	Survivors []Survivor
	// Tree is End's line-origin map, to save (Tree.Export) and resume
	// from; nil when the walk left other trees open.
	Tree *linemap.Tree
}

// ErrShallow is returned (wrapped) when the range reaches the boundary of
// a shallow clone, where git knows a commit but not its parents.
var ErrShallow = errors.New("the history is shallow")

// Run walks the range once and returns the survivors at its end.
//
// A shallow clone is fine as long as the range does not reach its
// boundary (every commit walked has its parents); otherwise Run fails with
// ErrShallow and says to run `git fetch --unshallow`.
func Run(ctx context.Context, repo *gitx.Repo, opts Options) (*Result, error) {
	res := &Result{Range: opts.Range}
	startRev, endRev, err := splitRange(opts.Range)
	if err != nil {
		return nil, err
	}
	if res.End, err = repo.ResolveCommit(ctx, endRev); err != nil {
		if opts.Range == "" && !repo.HasCommits(ctx) {
			return nil, errors.New("the repository has no commits yet: nothing to measure")
		}
		return nil, fmt.Errorf("range %q: %q does not name a commit", opts.Range, endRev)
	}
	revs := []string{res.End}
	if startRev != "" {
		if res.Start, err = repo.ResolveCommit(ctx, startRev); err != nil {
			return nil, fmt.Errorf("range %q: %q does not name a commit", opts.Range, startRev)
		}
		revs = []string{"^" + res.Start, res.End}
	}
	if opts.Resume != nil {
		if opts.Resume.Commit == res.End {
			res.Tree, res.Survivors = opts.Resume.Tree, linemap.New(linemap.Options{}).Survivors(opts.Resume.Tree)
			return res, nil
		}
		revs = append([]string{"^" + opts.Resume.Commit}, revs...)
	}
	var shallow map[string]bool
	if repo.Shallow {
		if shallow, err = repo.ShallowCommits(ctx); err != nil {
			return nil, err
		}
	}
	total := 0
	if opts.OnProgress != nil {
		out, err := repo.Line(ctx, append([]string{"rev-list", "--count"}, revs...)...)
		if err != nil {
			return nil, fmt.Errorf("counting the commits of %q: %w", opts.Range, err)
		}
		total, _ = strconv.Atoi(out)
	}

	attr := opts.Attributor
	if attr == nil {
		attr = AttributorFunc(unknownAttributor)
	}
	d := &driver{
		ctx:     ctx,
		opts:    opts,
		attr:    attr,
		shallow: shallow,
		end:     res.End,
		total:   total,
		trees:   map[string]*open{},
	}
	d.m = linemap.New(linemap.Options{OnDeath: opts.OnDeath, OnMove: opts.OnMove, Moves: opts.Moves, Thresholds: opts.MoveThresholds})
	if opts.Moves {
		d.bg = &boundary{repo: repo, blobs: map[string][]linemap.Line{}, trees: map[string]map[string][]linemap.Line{}}
	}
	if opts.Resume != nil {
		d.resume(opts.Resume)
	}

	mctx, cancelMeta := context.WithCancel(ctx)
	defer cancelMeta()
	d.meta = make(chan *Commit, 256)
	metaDone := make(chan error, 1)
	go func() { metaDone <- readMeta(mctx, repo, revs, d.meta) }()

	var combinedDone chan error
	combined := !opts.SeparateMerges
	if combined {
		d.repo, d.revs = repo, revs
		d.merges = make(chan *mergeDiffs, 256)
		d.raws = make(chan *mergeRaw, 256)
		combinedDone = make(chan error, 2)
		go func() { combinedDone <- readCombined(mctx, repo, revs, opts.Moves, d.merges) }()
		go func() { combinedDone <- readRaw(mctx, repo, revs, d.raws) }()
	}
	// waitCombined ends the combined diffs' stream and returns its error.
	waitCombined := func(cancel bool) error {
		if combinedDone == nil {
			return nil
		}
		if cancel {
			cancelMeta()
		}
		err := <-combinedDone
		if err2 := <-combinedDone; err == nil {
			err = err2
		}
		combinedDone = nil
		return err
	}
	defer waitCombined(true)

	p := &diff.Parser{CommitPrefix: "commit ", OnCommit: d.header, OnFile: d.file}
	if opts.Moves {
		p.HashAdded = hashLine
	}
	args := append(append([]string{}, logArgsFor(!combined)...), revs...)
	err = repo.Stream(ctx, nil, p.Parse, append(args, "--")...)
	if err == nil {
		err = d.finish()
	}
	if cerr := d.closeChanged(); err == nil && cerr != nil {
		err = fmt.Errorf("listing merges' changes: %w", cerr)
	}
	if err != nil {
		cancelMeta()
		metaErr := <-metaDone
		if d.metaEnded && metaErr != nil && !errors.Is(metaErr, context.Canceled) {
			err = metaErr
		}
		if cerr := waitCombined(true); d.mergesEnded && cerr != nil && !errors.Is(cerr, context.Canceled) {
			err = cerr
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if merr := describeMissing(ctx, repo, revs, err); merr != err {
			return nil, fmt.Errorf("reading history: %w", merr)
		}
		return nil, d.wrap(err)
	}
	if _, more := <-d.meta; more {
		cancelMeta()
		<-metaDone
		return nil, errors.New("reading history: the commit list and the diffs disagree (a commit without its diff)")
	}
	if err := <-metaDone; err != nil {
		return nil, fmt.Errorf("reading commits: %w", err)
	}
	if d.merges != nil {
		_, more := <-d.merges
		_, moreRaw := <-d.raws
		if more || moreRaw {
			return nil, errors.New("reading history: the merges' diffs and the commit list disagree (a merge too many)")
		}
		if err := waitCombined(false); err != nil {
			return nil, fmt.Errorf("reading the merges' diffs: %w", err)
		}
	}
	res.Commits = d.done
	if d.final != nil && opts.Moves {
		for _, b := range d.m.Settle(d.final) {
			if opts.OnBirth != nil {
				opts.OnBirth(b)
			}
		}
	}
	if d.final != nil {
		res.Survivors = d.m.Survivors(d.final)
		res.Tree = d.endTree()
	}
	return res, nil
}

// logArgs stream every commit's diff against each of its parents: no
// context, git's default (myers) algorithm with the indent heuristic and
// whole-file rename detection, as git blame diffs; nothing a user's
// configuration could change. --children tells when a commit's tree is no
// longer needed; the short format's "commit <id> <children> (from
// <parent>)" line says which parent a merge's diff is against, even when
// git skips the diff against another parent for being empty.
var logArgs = []string{"log", "--reverse", "--topo-order", "--children",
	"--format=short", "--no-abbrev-commit", "--no-decorate", "--no-notes",
	"--diff-merges=separate", "--root", "-p", "-U0", "-M", "--no-color",
	"--no-ext-diff", "--no-textconv", "--diff-algorithm=myers", "--indent-heuristic",
	"--inter-hunk-context=0", "--ignore-submodules=all",
	"--src-prefix=a/", "--dst-prefix=b/", "--no-relative"}

// logArgsFor is logArgs; without separate merge diffs, the stream has
// no diffs for merges: those come from two more streams (combined.go).
func logArgsFor(separate bool) []string {
	if separate {
		return logArgs
	}
	out := append([]string{}, logArgs...)
	for i, a := range out {
		if a == "--diff-merges=separate" {
			out[i] = "--diff-merges=off"
		}
	}
	return out
}

// readMeta streams the commits' metadata in the walk's order.
func readMeta(ctx context.Context, repo *gitx.Repo, revs []string, out chan<- *Commit) error {
	defer close(out)
	args := append([]string{"--reverse", "--topo-order"}, revs...)
	return repo.StreamMeta(ctx, func(m provenance.Meta) error {
		select {
		case out <- &Commit{Meta: m}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, args...)
}

// splitRange returns the start (may be "") and end revisions of a range.
func splitRange(r string) (string, string, error) {
	switch {
	case strings.Contains(r, "..."):
		return "", "", fmt.Errorf("range %q: a symmetric difference (A...B) has no single end; use A..B", r)
	case strings.HasPrefix(r, "-"):
		return "", "", fmt.Errorf("range %q: not a revision or range", r)
	case r == "":
		return "", "HEAD", nil
	}
	a, b, ok := strings.Cut(r, "..")
	if !ok {
		return "", r, nil
	}
	if a == "" {
		a = "HEAD"
	}
	if b == "" {
		b = "HEAD"
	}
	if strings.HasPrefix(a, "-") || strings.HasPrefix(b, "-") {
		return "", "", fmt.Errorf("range %q: not a revision or range", r)
	}
	return a, b, nil
}

var missingObject = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:unable to read|bad object|missing blob object|could not read) '?([0-9a-f]{40,64})`)
})

// describeMissing adds, to an error caused by a missing object, the path
// and commit that need it (one more git process, on this error path only).
func describeMissing(ctx context.Context, repo *gitx.Repo, revs []string, err error) error {
	var ge *gitx.Error
	if !errors.As(err, &ge) {
		return err
	}
	m := missingObject().FindStringSubmatch(ge.Stderr)
	if m == nil {
		return err
	}
	id := m[1]
	where := ""
	args := append([]string{"log", "--format=%x1e%H", "--raw", "--no-abbrev", "--no-renames", "--find-object=" + id}, revs...)
	if out, lerr := repo.Output(ctx, append(args, "--")...); lerr == nil {
		for _, block := range strings.Split(string(out), "\x1e") {
			commit, raw, _ := strings.Cut(block, "\n")
			for _, l := range strings.Split(raw, "\n") {
				if meta, path, ok := strings.Cut(l, "\t"); ok && strings.Contains(meta, id) {
					where = fmt.Sprintf(" (%q in commit %s)", path, strings.TrimSpace(commit))
				}
			}
		}
	}
	return fmt.Errorf("object %s%s is missing from the repository; fetch it again or repair the clone (git fsck names what else is lost): %w", id, where, err)
}
