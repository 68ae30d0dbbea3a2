package walk

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// driver turns the diff stream into linemap steps: it gathers one commit's
// diffs (one per parent for a merge), pairs them with the commit's
// metadata, and applies the commit when the next one starts.
type driver struct {
	ctx     context.Context
	opts    Options
	attr    Attributor
	m       *linemap.Map
	meta    chan *Commit
	shallow map[string]bool
	end     string
	total   int

	// trees holds the trees of commits whose children are not all done.
	trees map[string]*open
	final *linemap.Tree

	cur  *reading
	done int
	// base is the number of commits walked before (Options.Resume).
	base      int
	metaEnded bool
	// lastPath is the last file read, for error messages.
	lastPath string
	// bg reads the trees of parents outside the range (with Moves).
	bg *boundary
	// merges gives each merge's diffs against its
	// parents after the first (combined.go); repo and revs read those of
	// a merge of three or more parents.
	merges      chan *mergeDiffs
	raws        chan *mergeRaw
	mergesEnded bool
	repo        *gitx.Repo
	revs        []string
	// names holds one copy of each author and committer (name).
	names map[string]string
	// changed lists, with moves, a merge's changes relative to a later
	// parent when a search for copies needs them.
	changed *changedLister
}

// open is a commit's tree with the number of its children still to come.
type open struct {
	tree    *linemap.Tree
	pending int
}

// reading is the commit whose diffs are being read.
type reading struct {
	c        *Commit
	children int
	diffs    [][]linemap.Change
	used     []bool
	parent   int
}

// header handles "commit <id> [<child>...] [(from <parent>)]".
func (d *driver) header(h string) error {
	if err := d.ctx.Err(); err != nil {
		return err
	}
	f := strings.Fields(h)
	if len(f) == 0 {
		return fmt.Errorf("empty commit line in git log output")
	}
	id, from := f[0], ""
	children := 0
	for i := 1; i < len(f); i++ {
		if f[i] == "(from" && i+1 < len(f) {
			from = strings.TrimSuffix(f[i+1], ")")
			break
		}
		children++
	}
	if d.cur == nil || d.cur.c.ID != id {
		if err := d.finish(); err != nil {
			return err
		}
		if err := d.start(id, children); err != nil {
			return err
		}
	}
	r := d.cur
	r.parent = 0
	if from != "" {
		r.parent = -1
		for i, p := range r.c.Parents {
			if p == from && !r.used[i] {
				r.parent = i
				break
			}
		}
		if r.parent < 0 {
			return fmt.Errorf("commit %s: diff against %s, which is not one of its parents", id, from)
		}
	}
	r.used[r.parent] = true
	return nil
}

func (d *driver) start(id string, children int) error {
	c, ok := <-d.meta
	if !ok {
		d.metaEnded = true
		return fmt.Errorf("commit %s: the commit list ended before the diffs", id)
	}
	if c.ID != id {
		return fmt.Errorf("the commit list and the diffs disagree: %s against %s", c.ID, id)
	}
	if d.shallow[id] {
		return fmt.Errorf("%w: the parents of commit %s are not in this clone, so the lines it seems to add cannot be traced; run `git fetch --unshallow` (or measure a range that starts after %.12s)", ErrShallow, id, id)
	}
	c.Index = d.base + d.done
	d.lastPath = ""
	prov, src, err := d.attr.Attribute(c)
	if err != nil {
		return fmt.Errorf("provenance of commit %s: %w", id, err)
	}
	c.Provenance, c.Source = prov, src
	if d.opts.OnCommit != nil {
		d.opts.OnCommit(c)
	}
	n := max(len(c.Parents), 1)
	d.cur = &reading{c: c, children: children, diffs: make([][]linemap.Change, n), used: make([]bool, n)}
	return nil
}

func (d *driver) file(f *diff.File) error {
	if d.cur == nil {
		return fmt.Errorf("diff of %q before any commit in git log output", f.Path())
	}
	d.lastPath = f.Path()
	ch := linemap.Change{OldPath: f.OldPath, NewPath: f.NewPath, Binary: f.Binary}
	if !f.Binary && len(f.Hunks) > 0 {
		ch.Hunks = make([]linemap.Hunk, len(f.Hunks))
		for i, h := range f.Hunks {
			ch.Hunks[i] = linemap.Hunk{OldStart: h.OldStart, OldLines: h.OldLines, NewStart: h.NewStart, NewLines: h.NewLines}
			if d.opts.Moves {
				ch.Hunks[i].Added = linesOfHashes(h.AddedHashes)
			}
		}
	}
	r := d.cur
	r.diffs[r.parent] = append(r.diffs[r.parent], ch)
	return nil
}

// finish applies the commit being read.
func (d *driver) finish() error {
	r := d.cur
	if r == nil {
		return nil
	}
	d.cur = nil
	c := r.c
	if d.merges != nil && len(c.Parents) > 1 {
		if err := d.otherParents(r); err != nil {
			return err
		}
	}
	step := linemap.Step{Commit: c, Diffs: r.diffs}
	if d.merges != nil && d.opts.Moves && len(c.Parents) == 2 {
		step.Changed = func(i int) ([]linemap.Change, error) { return d.changedFrom(c, i) }
	}
	for _, p := range c.Parents {
		o := d.trees[p]
		if o == nil {
			// A parent outside the range: its lines are background (read,
			// with moves, so that lines can move out of it).
			bg := d.m.Outside()
			if d.bg != nil {
				content, err := d.bg.content(d.ctx, p)
				if err != nil {
					return err
				}
				bg = d.m.Known(content)
			}
			step.Parents = append(step.Parents, bg)
			step.Last = append(step.Last, true)
			continue
		}
		o.pending--
		last := o.pending <= 0
		if last {
			delete(d.trees, p)
		}
		step.Parents = append(step.Parents, o.tree)
		step.Last = append(step.Last, last)
	}
	tree, births, err := d.m.Apply(step)
	if err != nil {
		return err
	}
	if d.opts.OnBirth != nil {
		for _, b := range births {
			d.opts.OnBirth(b)
		}
	}
	switch {
	case c.ID == d.end:
		d.final = tree
	case r.children > 0:
		d.trees[c.ID] = &open{tree: tree, pending: r.children}
	default:
		d.m.Release(tree) // a tip that is not the end: cannot happen in A..B
	}
	d.trim(c)
	d.done++
	if d.opts.OnProgress != nil {
		d.opts.OnProgress(d.done, max(d.total, d.done))
	}
	return nil
}

// trim drops what nothing reads of a commit once it is applied: its lines
// keep it alive as long as any of them is, so it keeps only what the
// figures need (its metadata without the message, its attribution), in
// memory of its own rather than in the record git printed. The note's
// line spans stay when moves are traced: a moved line's attribution is
// read from them when the walk ends.
func (d *driver) trim(c *linemap.Commit) {
	parents := make([]string, len(c.Parents))
	for i, p := range c.Parents {
		parents[i] = strings.Clone(p)
	}
	c.Meta = provenance.Meta{ID: strings.Clone(c.ID), Parents: parents, Author: d.name(c.Author),
		Committer: d.name(c.Committer), AuthorTime: c.AuthorTime, CommitTime: c.CommitTime, Branch: c.Branch}
	c.Provenance.ID = c.ID
	if !d.opts.Moves {
		c.Provenance.Files = nil
	}
}

// name returns one copy of an author or committer for every commit that
// has it: the commits whose lines are alive stay in memory to the end,
// and a history has far fewer people than commits.
func (d *driver) name(s string) string {
	if n, ok := d.names[s]; ok {
		return n
	}
	if d.names == nil {
		d.names = map[string]string{}
	}
	n := strings.Clone(s)
	d.names[n] = n
	return n
}

// otherParents fills a merge's diffs against its parents: the paths it
// changed relative to the first from git log --raw, the hunks of those
// it changed relative to both from the combined diff; with more than two
// parents, from git diff-tree.
func (d *driver) otherParents(r *reading) error {
	raw, ok := <-d.raws
	rec, ok2 := <-d.merges
	if !ok || !ok2 {
		d.mergesEnded = true
		return fmt.Errorf("merge %s: the merges' diffs ended before the commit list", r.c.ID)
	}
	if rec.id != r.c.ID || raw.id != r.c.ID {
		return fmt.Errorf("the merges' diffs and the commit list disagree: %s and %s against %s", raw.id, rec.id, r.c.ID)
	}
	if len(r.c.Parents) == 2 {
		first := raw.changes
		if len(rec.parents) > 0 {
			byNew := make(map[string]int, len(first))
			for i, ch := range first {
				if ch.NewPath != "" {
					byNew[ch.NewPath] = i
				}
			}
			for _, ch := range rec.parents[0] {
				i, ok := byNew[ch.NewPath]
				if !ok || first[i].OldPath != ch.OldPath {
					return fmt.Errorf("merge %s, %q: the combined diff and the changes against the first parent disagree", r.c.ID, ch.NewPath)
				}
				first[i] = ch
			}
			r.diffs[1] = rec.parents[1]
		}
		r.diffs[0] = first
		return d.checkEnds(r.c.ID, rec.ends)
	}
	for i := range r.c.Parents {
		var changes []linemap.Change
		p := &diff.Parser{OnFile: func(f *diff.File) error {
			ch := linemap.Change{OldPath: f.OldPath, NewPath: f.NewPath, Binary: f.Binary}
			for _, h := range f.Hunks {
				lh := linemap.Hunk{OldStart: h.OldStart, OldLines: h.OldLines, NewStart: h.NewStart, NewLines: h.NewLines}
				if d.opts.Moves {
					lh.Added = contentOf(h.Added)
				}
				ch.Hunks = append(ch.Hunks, lh)
			}
			changes = append(changes, ch)
			return nil
		}}
		if d.opts.Moves {
			p.KeepAdded, p.NoNewline = true, noNewline
		}
		args := append([]string{"diff-tree"}, treeArgs...)
		args = append(args, r.c.Parents[i], r.c.ID, "--")
		if err := d.repo.Stream(d.ctx, nil, p.Parse, args...); err != nil {
			return fmt.Errorf("merge %s: diff against parent %d: %w", r.c.ID, i+1, err)
		}
		r.diffs[i] = changes
	}
	return nil
}

// checkEnds reads, for each file of merge id whose last line the merge
// has from no parent, whether that line ends with a newline, from the
// merge's file (git's combined diff does not always say).
func (d *driver) checkEnds(id string, ends []endCheck) error {
	for _, e := range ends {
		out, err := d.repo.Output(d.ctx, "cat-file", "blob", id+":"+e.path)
		if err != nil {
			return fmt.Errorf("merge %s, %q: reading the file: %w", id, e.path, err)
		}
		if len(out) == 0 || out[len(out)-1] == '\n' {
			continue
		}
		last := out[bytes.LastIndexByte(out, '\n')+1:]
		if string(last) != e.text {
			return fmt.Errorf("merge %s, %q: the combined diff's last line is not the file's", id, e.path)
		}
		l := linemap.LineOf(e.text, false)
		for _, s := range e.slots {
			*s = l
		}
	}
	return nil
}

// changedFrom lists merge c's changes relative to its parent i (paths
// alone, as rawArgs), for blame's search for copies (combined_parents.go).
func (d *driver) changedFrom(c *linemap.Commit, i int) ([]linemap.Change, error) {
	if d.changed == nil {
		d.changed = startChangedLister(d.ctx, d.repo)
	}
	out, err := d.changed.list(c.ID, c.Parents[i])
	if err != nil {
		return nil, fmt.Errorf("merge %s: changes against parent %d: %w", c.ID, i+1, err)
	}
	return out, nil
}

// closeChanged ends the git that lists merges' changes, if it ran.
func (d *driver) closeChanged() error {
	if d.changed == nil {
		return nil
	}
	err := d.changed.close()
	d.changed = nil
	return err
}

// treeArgs diff two commits as logArgs diffs a commit with a parent.
var treeArgs = []string{"-r", "-p", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
	"--diff-algorithm=myers", "--indent-heuristic", "--inter-hunk-context=0",
	"--ignore-submodules=all", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative"}

// wrap names where in the history an error happened.
func (d *driver) wrap(err error) error {
	where := ""
	switch {
	case d.cur != nil && d.lastPath != "":
		where = fmt.Sprintf(" at commit %s (last file read: %q)", d.cur.c.ID, d.lastPath)
	case d.cur != nil:
		where = fmt.Sprintf(" at commit %s", d.cur.c.ID)
	}
	return fmt.Errorf("reading history%s: %w", where, err)
}
