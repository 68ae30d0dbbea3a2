package walk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// truth walks rng and compares, line by line, the commit each surviving
// line was born in with what git blame says, and what each commit added
// with git log --numstat. It returns the number of lines where the walk and
// blame disagree (reported as errors when exact).
func truth(t *testing.T, r *gittest.Repo, rng string, exact bool) (res *walk.Result, blameDiff int) {
	t.Helper()
	return truthWith(t, r, rng, exact, false)
}

// truthWith is truth, with moves traced (compared with git blame -M -C -C)
// when moves is set.
func truthWith(t *testing.T, r *gittest.Repo, rng string, exact, moves bool) (res *walk.Result, blameDiff int) {
	t.Helper()
	e := newEvents(t)
	coll := survival.NewCollector()
	opts := e.options(rng)
	opts.Moves = moves
	onCommit, onBirth, onDeath := opts.OnCommit, opts.OnBirth, opts.OnDeath
	opts.OnCommit = func(c *walk.Commit) { onCommit(c); coll.Commit(c) }
	opts.OnBirth = func(b *walk.Birth) { onBirth(b); coll.Birth(b) }
	opts.OnDeath = func(d walk.Death) { onDeath(d); coll.Death(d) }
	res, err := walk.Run(context.Background(), openRepo(t, r), opts)
	if err != nil {
		t.Fatalf("walk %q: %v", rng, err)
	}
	e.check(res)
	revs := rng
	if revs == "" {
		revs = "HEAD"
	}
	commits := rangeCommits(t, r, revs)
	if len(e.commits) != len(commits) || res.Commits != len(commits) {
		t.Errorf("walked %d commits (result says %d), git log lists %d", len(e.commits), res.Commits, len(commits))
	}
	inRange := map[string]bool{}
	for id := range commits {
		inRange[id] = true
	}

	// Survivors: line by line against blame.
	var flags []string
	if moves {
		flags = []string{"-M", "-C", "-C"}
	}
	want, lens := blameOwnersWith(t, r, flags, revs, res.End, inRange, nil)
	got := walkOwners(res, lens)
	blameDiff = compareOwners(t, got, want, exact)

	// ... and per origin.
	wantBy, gotBy := map[provenance.Origin]int{}, map[provenance.Origin]int{}
	for _, lines := range want {
		for _, id := range lines {
			if id != "" {
				a, _ := originOf(commits[id])
				wantBy[a.Origin]++
			}
		}
	}
	for _, s := range res.Survivors {
		gotBy[s.Birth.Attribution.Origin] += s.Lines
	}
	if exact && fmt.Sprint(wantBy) != fmt.Sprint(gotBy) {
		t.Errorf("surviving by origin: walk %v, blame %v", gotBy, wantBy)
	}

	// The report's totals: added per origin as born, surviving as blame
	// counts them less the second copies, added = surviving + deleted.
	rep := coll.Report(rng, res.End, res.Survivors)
	bornBy := map[provenance.Origin]int{}
	for _, b := range e.births {
		bornBy[b.Attribution.Origin] += b.Lines
	}
	survived := 0
	for _, o := range provenance.Origins {
		tot := rep.Totals.AI
		switch o {
		case provenance.Human:
			tot = rep.Totals.Human
		case provenance.Unknown:
			tot = rep.Totals.Unknown
		}
		if tot.Added != bornBy[o] || tot.Added != tot.Surviving+tot.Deleted || tot.Surviving > wantBy[o] && !moves {
			t.Errorf("report totals for %s: %+v; born %d, blame %d", o, tot, bornBy[o], wantBy[o])
		}
		survived += tot.Surviving
	}
	if exact && survived != lineCount(res.Survivors)-e.copies {
		t.Errorf("report: %d lines survive, walk %d less %d copies", survived, lineCount(res.Survivors), e.copies)
	}
	if rep.Commits.Total != len(commits) {
		t.Errorf("report counts %d commits, want %d", rep.Commits.Total, len(commits))
	}

	// Added: exactly numstat for commits with one parent (at most, with
	// moves: moved lines are not added); a merge adds at most what it adds
	// against its closest parent.
	ns := numstat(t, r, revs)
	born := e.bornBy()
	for _, c := range e.commits {
		switch {
		case len(c.Parents) <= 1 && (born[c.ID] != ns[c.ID] && !moves || born[c.ID] > ns[c.ID]):
			t.Errorf("commit %.8s: walk says %d lines added, numstat %d", c.ID, born[c.ID], ns[c.ID])
		case len(c.Parents) > 1 && born[c.ID] > ns[c.ID]:
			t.Errorf("merge %.8s: walk says %d lines added, more than the %d numstat shows against one parent", c.ID, born[c.ID], ns[c.ID])
		}
	}
	total := 0
	for _, n := range wantBy {
		total += n
	}
	if moves {
		t.Logf("moves: %d of %d lines added in the range's commits were moved or copied", sumBorn(ns)-sumBorn(born), sumBorn(ns))
	}
	t.Logf("%s: %d commits, %d lines born, %d died, %d survive (blame: %d, of them %d second copies); %d disagree with blame",
		revs, len(e.commits), sumBorn(born), e.deaths, lineCount(res.Survivors), total, e.copies, blameDiff)
	if sumBorn(born) != e.deaths+lineCount(res.Survivors)-e.copies {
		t.Errorf("%d born != %d died + %d survive - %d copies", sumBorn(born), e.deaths, lineCount(res.Survivors), e.copies)
	}
	if len(e.commits) > 10 && (total == 0 || e.deaths == 0) {
		t.Errorf("degenerate history: %d surviving lines, %d deaths", total, e.deaths)
	}
	return res, blameDiff
}

func sumBorn(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func lineCount(ss []walk.Survivor) int {
	n := 0
	for _, s := range ss {
		n += s.Lines
	}
	return n
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func TestTruthLinear(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(1, 2, 3, 4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.run(steps(80))
			truth(t, r, "", true)
			// A range starting in the middle: older lines are background.
			start := strings.TrimSpace(r.Git("rev-parse", fmt.Sprint("HEAD~", steps(40))))
			truth(t, r, start+"..HEAD", true)
		})
	}
}

func TestTruthMerges(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(11, 12, 13, 14, 15) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.branches = true
			h.run(steps(100))
			truth(t, r, "", true)
			start := strings.TrimSpace(r.Git("rev-parse", "HEAD~8"))
			truth(t, r, start+"..HEAD", true)
		})
	}
}

// Repeated lines (blank lines, braces) can be matched by a diff in more
// than one way; the walk reads the same diffs blame computes, so it agrees
// with blame on them too.
func TestTruthRepeatedLines(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(21, 22, 23) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.branches = seed != 21
			h.repeated = true
			h.run(steps(100))
			truth(t, r, "", true)
		})
	}
}

// Path filters decide what counts, never a line's commit: on generated
// histories with renames across the filter's edge (and merges), the
// filtered report's surviving lines equal git blame of the included files
// at the end, line for line, and what counts as added is what survives
// there plus what died under an included path.
func TestTruthFiltered(t *testing.T) {
	paths, err := config.NewPaths([]string{"*.go", "docs/"}, []string{"internal/b/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []int64{61, 62} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.branches = seed == 62
			h.run(steps(60))
			for _, rng := range []string{"", strings.TrimSpace(r.Git("rev-parse", fmt.Sprint("HEAD~", steps(25)))) + "..HEAD"} {
				e := newEvents(t)
				coll := survival.NewCollector()
				coll.Filter = paths.Match
				opts := e.options(rng)
				deaths := 0
				onCommit, onBirth, onDeath := opts.OnCommit, opts.OnBirth, opts.OnDeath
				opts.OnCommit = func(c *walk.Commit) { onCommit(c); coll.Commit(c) }
				opts.OnBirth = func(b *walk.Birth) { onBirth(b); coll.Birth(b) }
				opts.OnDeath = func(d walk.Death) {
					onDeath(d)
					coll.Death(d)
					if paths.Match(d.Path) {
						deaths += d.Lines
					}
				}
				res, err := walk.Run(context.Background(), openRepo(t, r), opts)
				if err != nil {
					t.Fatal(err)
				}
				revs := rng
				if revs == "" {
					revs = "HEAD"
				}
				inRange := map[string]bool{}
				for id := range rangeCommits(t, r, revs) {
					inRange[id] = true
				}
				want, lens := blameOwnersWith(t, r, nil, revs, res.End, inRange, func(p string) bool { return !paths.Match(p) })
				got := walkOwners(res, lens)
				if n := compareOwners(t, got, want, true); n != 0 {
					t.Errorf("%s: %d lines of the included files differ from blame", revs, n)
				}
				blamed := 0
				for _, lines := range want {
					for _, id := range lines {
						if id != "" {
							blamed++
						}
					}
				}
				rep := coll.Report(rng, res.End, res.Survivors)
				tot := rep.Totals.AI
				for _, o := range []survival.Rate{rep.Totals.Human, rep.Totals.Unknown} {
					tot.Added += o.Added
					tot.Surviving += o.Surviving
					tot.Deleted += o.Deleted
				}
				if tot.Surviving != blamed || tot.Added != blamed+deaths || tot.Deleted != deaths {
					t.Errorf("%s: report %+v; blame of the included files %d, deaths under them %d", revs, tot, blamed, deaths)
				}
			}
		})
	}
}
