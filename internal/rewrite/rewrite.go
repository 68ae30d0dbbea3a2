// Package rewrite carries provenance over to commits that git rewrote
// (amend, rebase, fixup and squash, cherry-pick, merge --squash).
//
// git's notes.rewriteRef only concatenates the old note onto the new commit;
// rewrite computes the new commit's note instead. For each new commit and the
// old commits it came from, it diffs each old commit's tree against the new
// one (one `git diff-tree --stdin` for every pair), maps each line the new
// commit added back to the old commit's line, and gives it the attribution
// the old commit's note gave that line when the old commit had added it.
// Lines that come from no old commit keep the new commit's own
// classification (its post-commit note, else its message's evidence, else
// human). The result holds records for the new commit only.
package rewrite

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Pair is one line of the post-rewrite hook's stdin: Old was rewritten
// into New.
type Pair struct {
	Old, New string
}

// ParsePairs reads what git passes the post-rewrite hook on stdin:
// "<old-sha> <new-sha> [<extra-info>]" lines. Blank lines are skipped; a
// malformed line is an error naming it.
func ParsePairs(r io.Reader) ([]Pair, error) {
	var pairs []Pair
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || !provenance.IsObjectID(f[0]) || !provenance.IsObjectID(f[1]) {
			return nil, fmt.Errorf("post-rewrite input line %d: %q is not \"<old> <new>\"", n, sc.Text())
		}
		pairs = append(pairs, Pair{Old: f[0], New: f[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading post-rewrite input: %w", err)
	}
	return pairs, nil
}

// Group is one new commit and the old commits it was made from, in the
// order they were applied (for a squash, later commits' lines win).
type Group struct {
	New  string
	Olds []string
}

// GroupPairs turns post-rewrite pairs into groups, in order of first
// appearance; an old commit listed twice for one new commit counts once,
// and pairs whose old and new are the same commit are dropped.
func GroupPairs(pairs []Pair) []Group {
	var groups []Group
	at := map[string]int{}
	for _, p := range pairs {
		if p.Old == p.New {
			continue
		}
		i, ok := at[p.New]
		if !ok {
			i = len(groups)
			at[p.New] = i
			groups = append(groups, Group{New: p.New})
		}
		dup := false
		for _, o := range groups[i].Olds {
			dup = dup || o == p.Old
		}
		if !dup {
			groups[i].Olds = append(groups[i].Olds, p.Old)
		}
	}
	return groups
}

// Result says what Remap did.
type Result struct {
	// Notes are the computed notes, by new commit.
	Notes map[string]provenance.Note
	// Carried counts, over all new commits, the added lines that took
	// their attribution from an old commit.
	Carried int
	// CarriedBy counts them per new commit (set when Options.Carry is).
	CarriedBy map[string]int
	// Written is the number of notes written.
	Written int
	// Warnings are problems that did not stop the remap (unreadable old
	// notes).
	Warnings []string
}

// Options tune Remap.
type Options struct {
	// Classify classifies commits without a note from their metadata.
	Classify resolve.Classifier
	// Message is the message of the notes commit.
	Message string
	// DryRun computes the notes without writing them.
	DryRun bool
	// Carry, when set, turns the attribution a line took from an old
	// commit into the one the new note records (restore marks it
	// "restored"); Sources then names, in each note, the old commits that
	// gave lines their attribution.
	Carry func(provenance.Attribution) provenance.Attribution
	// Fresh are commits made during the rewrite whose note no hook
	// computed (the post-commit hook leaves a rebase's commits to
	// post-rewrite), in the order they were made. Each gets the note
	// OwnNote gives it, called in that order: a group's new commit takes
	// it as its own provenance, an old commit as its note, and the others
	// get it written as it is, with the remapped notes.
	Fresh   []string
	OwnNote func(added.Lines, provenance.Meta) provenance.Note
}

// Remap computes the note of each group's new commit from its old commits'
// provenance and writes it, replacing the note git copied or the
// post-commit hook wrote.
func Remap(ctx context.Context, repo *gitx.Repo, groups []Group, opts Options) (Result, error) {
	res := Result{Notes: map[string]provenance.Note{}}
	groups = existing(ctx, repo, groups)
	fresh := opts.Fresh
	if opts.OwnNote == nil {
		fresh = nil
	}
	if len(groups) == 0 && len(fresh) == 0 {
		return res, nil
	}
	var ids []string
	seen := map[string]bool{}
	for _, id := range fresh {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, g := range groups {
		for _, id := range append([]string{g.New}, g.Olds...) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	adds := map[string]added.Lines{}
	err := added.StreamCommits(ctx, repo, ids, func(a added.Lines) error {
		adds[a.Commit] = a
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("reading what the rewritten commits added: %w", err)
	}
	metas, err := repo.ReadMeta(ctx, append([]string{"--no-walk=unsorted"}, ids...)...)
	if err != nil {
		return res, err
	}
	metaOf := map[string]provenance.Meta{}
	for _, m := range metas {
		metaOf[m.ID] = m
	}
	entries, err := readNotes(ctx, repo, ids)
	if err != nil {
		return res, err
	}
	// The fresh commits' own notes stand for the notes they lack.
	freshNotes := map[string]provenance.Note{}
	for _, id := range fresh {
		if _, ok := adds[id]; !ok {
			continue // not a commit any more
		}
		note := opts.OwnNote(adds[id], metaOf[id])
		freshNotes[id] = note
		entries[id] = notes.Entry{Commit: id, Note: note}
	}
	maps, err := pairMaps(ctx, repo, groups, adds)
	if err != nil {
		return res, err
	}
	for gi, g := range groups {
		own := ownProvenance(g.New, entries, metaOf[g.New], opts.Classify)
		var olds []oldSide
		for oi, o := range g.Olds {
			pc, ok, warn := oldProvenance(o, g.New, entries, metaOf[o], opts.Classify)
			if warn != "" {
				res.Warnings = append(res.Warnings, warn)
			}
			if !ok {
				continue
			}
			olds = append(olds, oldSide{prov: pc, added: adds[o].Files, files: maps[gi][oi]})
		}
		note, carried := compute(g.New, adds[g.New], own, olds, opts.Carry)
		res.Notes[g.New] = note
		res.Carried += carried
		if res.CarriedBy != nil || opts.Carry != nil {
			if res.CarriedBy == nil {
				res.CarriedBy = map[string]int{}
			}
			res.CarriedBy[g.New] = carried
		}
	}
	for id, note := range freshNotes {
		if _, ok := res.Notes[id]; !ok {
			res.Notes[id] = note
		}
	}
	if opts.DryRun {
		return res, nil
	}
	msg := opts.Message
	if msg == "" {
		msg = "Notes remapped by 'git ai-survival' after a rewrite"
	}
	wr, err := notes.New(repo).Write(ctx, res.Notes, true, msg)
	res.Written = wr.Written + wr.Replaced
	if err != nil {
		return res, fmt.Errorf("writing the remapped notes: %w", err)
	}
	return res, nil
}

// existing drops old commits that are not in the repository (a source
// named in a message may be gone) and groups left with none.
func existing(ctx context.Context, repo *gitx.Repo, groups []Group) []Group {
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.New)
		ids = append(ids, g.Olds...)
	}
	isCommit, _ := repo.Commits(ctx, ids) // what git answered before failing
	var kept []Group
	for _, g := range groups {
		if !isCommit[g.New] {
			continue
		}
		ng := Group{New: g.New}
		for _, o := range g.Olds {
			if isCommit[o] && o != g.New {
				ng.Olds = append(ng.Olds, o)
			}
		}
		if len(ng.Olds) > 0 {
			kept = append(kept, ng)
		}
	}
	return kept
}

// ownProvenance is what the new commit says of itself: the records of its
// own note (the post-commit hook's), else its evidence, else human.
func ownProvenance(id string, entries map[string]notes.Entry, m provenance.Meta, classify resolve.Classifier) provenance.Commit {
	if e, ok := entries[id]; ok && e.Describes() {
		return e.Note.Resolve(id)
	}
	if m.ID == "" {
		m.ID = id
	}
	return provenance.Commit{ID: id, Default: classify.Attribute(m), HasDefault: true, Files: map[string][]provenance.Span{}}
}

// oldProvenance is an old commit's provenance: the records that describe
// it, from its own note and from the note git copied onto the new commit;
// else its evidence. ok is false when nothing is known (its lines then keep
// the new commit's classification).
func oldProvenance(id, newID string, entries map[string]notes.Entry, m provenance.Meta, classify resolve.Classifier) (provenance.Commit, bool, string) {
	var recs []provenance.Record
	warn := ""
	for _, from := range []string{id, newID} {
		e, ok := entries[from]
		if !ok {
			continue
		}
		if e.Err != nil {
			if from == id {
				warn = e.Err.Error()
			}
			continue
		}
		for _, r := range e.Note.Records {
			if r.Commit == id {
				recs = append(recs, r)
			}
		}
	}
	if len(recs) > 0 {
		return provenance.Note{Records: recs}.Resolve(id), true, warn
	}
	if classify != nil && m.ID != "" {
		if a, ok := classify(m); ok {
			return provenance.Commit{ID: id, Default: a, HasDefault: true, Files: map[string][]provenance.Span{}}, true, warn
		}
	}
	return provenance.Commit{}, false, warn
}

// oldSide is one old commit as seen from the new one.
type oldSide struct {
	prov  provenance.Commit
	added map[string]provenance.LineSet
	// files maps the new commit's paths to the old commit's lines; a path
	// the diff did not list is unchanged (identity).
	files map[string]fileMap
}

func (o oldSide) lookup(path string, n int) (provenance.Attribution, bool) {
	m, ok := o.files[path]
	if !ok {
		m = identity(path)
	}
	old, ok := m.Old(n)
	if !ok || !o.added[m.OldPath].Contains(old) {
		return provenance.Attribution{}, false
	}
	return o.prov.At(m.OldPath, old), true
}

// compute builds the new commit's note: every line it added gets the
// attribution of the last old commit that had added that line, else its
// own. It returns the note and the number of lines carried over.
func compute(id string, add added.Lines, own provenance.Commit, olds []oldSide, carry func(provenance.Attribution) provenance.Attribution) (provenance.Note, int) {
	type line struct {
		path string
		n    int
		a    provenance.Attribution
	}
	var lines []line
	count := map[provenance.Attribution]int{}
	carried := 0
	used := make([]bool, len(olds))
	paths := make([]string, 0, len(add.Files))
	for p := range add.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, r := range add.Files[p].Ranges() {
			for n := r.Start; n <= r.End; n++ {
				a := own.At(p, n)
				for i := len(olds) - 1; i >= 0; i-- {
					if oa, ok := olds[i].lookup(p, n); ok {
						a = oa
						if carry != nil {
							a = carry(oa)
						}
						used[i] = true
						carried++
						break
					}
				}
				lines = append(lines, line{p, n, a})
				count[a]++
			}
		}
	}
	// The commit record takes the attribution of most lines (the new
	// commit's own on a tie or when it added none), so that a reworded
	// commit still reads as what it was.
	def, best := own.Default, count[own.Default]
	for a, c := range count {
		if c > best || c == best && def != own.Default && key(a) < key(def) {
			def, best = a, c
		}
	}
	b := provenance.NewBuilder(id, def)
	if carry != nil {
		var sources []string
		for i, o := range olds {
			if used[i] {
				sources = append(sources, o.prov.ID)
			}
		}
		b.SetSources(sources)
	}
	for _, l := range lines {
		b.Add(l.path, l.n, l.n, l.a)
	}
	return b.Note(), carried
}

// pairMaps diffs every (old, new) pair in one `git diff-tree --stdin` and
// returns, per group and per old commit, the new paths' line maps.
func pairMaps(ctx context.Context, repo *gitx.Repo, groups []Group, adds map[string]added.Lines) ([][]map[string]fileMap, error) {
	maps := make([][]map[string]fileMap, len(groups))
	type slot struct{ g, o int }
	var order []slot
	var in strings.Builder
	paths := map[string]bool{}
	for gi, g := range groups {
		maps[gi] = make([]map[string]fileMap, len(g.Olds))
		for oi, o := range g.Olds {
			maps[gi][oi] = map[string]fileMap{}
			fmt.Fprintf(&in, "%s %s\n", g.New, o)
			order = append(order, slot{gi, oi})
			for p := range adds[o].Files {
				paths[p] = true
			}
		}
		for p := range adds[g.New].Files {
			paths[p] = true
		}
	}
	if len(paths) == 0 {
		return maps, nil
	}
	next := 0
	var cur map[string]fileMap
	p := &diff.Parser{
		CommitPrefix: "\x1e",
		OnCommit: func(header string) error {
			if next >= len(order) {
				return fmt.Errorf("git diff-tree printed more diffs than pairs asked for")
			}
			s := order[next]
			if id := strings.TrimSpace(header); id != groups[s.g].New {
				return fmt.Errorf("git diff-tree printed %q where %s was expected", id, groups[s.g].New)
			}
			cur = maps[s.g][s.o]
			next++
			return nil
		},
		OnFile: func(f *diff.File) error {
			if cur == nil || f.NewPath == "" {
				return nil
			}
			m := fileMap{OldPath: f.OldPath}
			if f.Binary {
				m.OldPath = ""
			}
			m.Hunks = append(m.Hunks, f.Hunks...)
			sortHunks(m.Hunks)
			cur[f.NewPath] = m
			return nil
		},
	}
	args := append([]string{"diff-tree", "--stdin", "--always", "-r", "--format=%x1e%H"}, added.DiffArgs...)
	args = append(args, "--")
	// Only the paths the commits added matter; the old commits' paths are
	// there so that renames between old and new are still found.
	if len(paths) <= 2000 {
		for p := range paths {
			args = append(args, ":(literal)"+p)
		}
	}
	err := repo.Stream(ctx, strings.NewReader(in.String()), func(r io.Reader) error { return p.Parse(r) }, args...)
	if err != nil {
		return nil, fmt.Errorf("diffing the rewritten commits against the old ones: %w", err)
	}
	if next != len(order) {
		return nil, fmt.Errorf("git diff-tree printed %d diffs for %d pairs", next, len(order))
	}
	return maps, nil
}

// readNotes reads the notes of the given commits only.
func readNotes(ctx context.Context, repo *gitx.Repo, ids []string) (map[string]notes.Entry, error) {
	out, err := notes.New(repo).ReadMany(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("reading the notes of the rewritten commits: %w", err)
	}
	return out, nil
}

func key(a provenance.Attribution) string {
	return a.Label() + "\x00" + string(a.Evidence) + "\x00" + a.Session
}
