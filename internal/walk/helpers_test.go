package walk_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// newRepo is gittest.New without building the binary: the walk needs only
// git, so these tests do not depend on the rest of the tree compiling.
func newRepo(t testing.TB) *gittest.Repo {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "[user]\n\tname = Test Person\n\temail = person@example.com\n[init]\n\tdefaultBranch = main\n" +
		"[core]\n\tautocrlf = false\n[merge]\n\tconflictStyle = merge\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &gittest.Repo{T: t, Dir: filepath.Join(root, "repo"), Home: home, Env: gittest.Environ(home, "")}
	r.Git("init", "-q", "-b", "main", r.Dir)
	return r
}

// openRepo opens r for the walk with r's environment.
func openRepo(t testing.TB, r *gittest.Repo) *gitx.Repo {
	t.Helper()
	repo, err := gitx.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Git.Env = r.Env
	return repo
}

// byMessage is the tests' attributor: a message starting "AI:" is
// claude-code's (inferred), "NOTE:" a person's (from a note), anything else
// a person's with no evidence.
var byMessage = walk.AttributorFunc(func(c *walk.Commit) (provenance.Commit, provenance.Source, error) {
	a, src := originOf(c.Message)
	return provenance.Commit{ID: c.ID, Default: a, HasDefault: true}, src, nil
})

func originOf(msg string) (provenance.Attribution, provenance.Source) {
	switch {
	case strings.HasPrefix(msg, "AI:"):
		return provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Evidence: provenance.EvidenceTrailer}, provenance.SourceInferred
	case strings.HasPrefix(msg, "NOTE:"):
		return provenance.HumanAttribution(), provenance.SourceNote
	}
	return provenance.HumanAttribution(), provenance.SourceNone
}

// events records a walk's events and checks that every line is born once
// and then either dies once or survives.
type events struct {
	t       testing.TB
	commits []*walk.Commit
	births  []*walk.Birth
	state   map[*walk.Birth][]byte // per line: 0 live, 'd' dead, 's' survivor
	deaths  int
	copies  int // survivors found in more than one place
}

func newEvents(t testing.TB) *events {
	return &events{t: t, state: map[*walk.Birth][]byte{}}
}

func (e *events) options(rng string) walk.Options {
	return walk.Options{
		Range:      rng,
		Attributor: byMessage,
		OnCommit:   func(c *walk.Commit) { e.commits = append(e.commits, c) },
		OnBirth: func(b *walk.Birth) {
			if _, dup := e.state[b]; dup {
				e.t.Errorf("birth reported twice: %s %s", b.Commit.ID, b.Path)
			}
			e.births = append(e.births, b)
			e.state[b] = make([]byte, b.Lines)
		},
		OnDeath: func(d walk.Death) {
			s := e.state[d.Birth]
			if s == nil {
				e.t.Errorf("death of lines never born: %s %s", d.Birth.Commit.ID, d.Birth.Path)
				return
			}
			for i := d.Offset; i < d.Offset+d.Lines; i++ {
				if s[i] != 0 {
					e.t.Errorf("line %d of %s:%s died twice (second time at %s)", i, d.Birth.Commit.ID[:8], d.Birth.Path, d.Commit.ID[:8])
				}
				s[i] = 'd'
			}
			e.deaths += d.Lines
		},
	}
}

// check marks the survivors and verifies every line is accounted for.
func (e *events) check(res *walk.Result) {
	e.t.Helper()
	for _, s := range res.Survivors {
		st := e.state[s.Birth]
		for i := s.Offset; i < s.Offset+s.Lines; i++ {
			switch st[i] {
			case 'd':
				e.t.Errorf("survivor %s:%d (born %s) also died", s.Path, s.Line+i-s.Offset, s.Birth.Commit.ID[:8])
			case 's':
				// A merge can keep a line in two files (one side renamed
				// the file, the other changed it and git kept both).
				e.copies++
			}
			st[i] = 's'
		}
	}
	for b, st := range e.state {
		for i, c := range st {
			if c == 0 {
				e.t.Errorf("line %d of %s:%s neither died nor survived", i, b.Commit.ID[:8], b.Path)
				return
			}
		}
	}
}

// bornBy sums births per commit.
func (e *events) bornBy() map[string]int {
	m := map[string]int{}
	for _, b := range e.births {
		m[b.Commit.ID] += b.Lines
	}
	return m
}

// lineOwners is, per path of the end tree, the commit each line was born
// in ("" for background).
type lineOwners map[string][]string

func walkOwners(res *walk.Result, lens map[string]int) lineOwners {
	o := lineOwners{}
	for p, n := range lens {
		o[p] = make([]string, n)
	}
	for _, s := range res.Survivors {
		lines := o[s.Path]
		for i := 0; i < s.Lines; i++ {
			if k := s.Line - 1 + i; k < len(lines) {
				lines[k] = s.Birth.Commit.ID
			}
		}
	}
	return o
}

// blameOwnersWith blames every text file of end (limited to revs, e.g.
// "A..B" or "B") with the given git blame flags and keeps the commits in
// inRange.
func blameOwnersWith(t testing.TB, r *gittest.Repo, flags []string, revs, end string, inRange map[string]bool, skip func(string) bool) (lineOwners, map[string]int) {
	t.Helper()
	o := lineOwners{}
	lens := map[string]int{}
	for _, p := range strings.Split(strings.TrimSuffix(r.Git("ls-tree", "-r", "-z", "--name-only", end), "\x00"), "\x00") {
		if p == "" || skip != nil && skip(p) {
			continue
		}
		out := r.Git(append(append([]string{"blame", "--porcelain"}, flags...), revs, "--", p)...)
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			f := strings.Fields(l)
			if strings.HasPrefix(l, "\t") || len(f) < 3 || len(f) > 4 || len(f[0]) != 40 || !isHex(f[0]) {
				continue
			}
			n, err := strconv.Atoi(f[2])
			if err != nil {
				t.Fatalf("blame line %q", l)
			}
			for len(lines) < n {
				lines = append(lines, "")
			}
			if inRange[f[0]] {
				lines[n-1] = f[0]
			}
		}
		o[p] = lines
		lens[p] = len(lines)
	}
	return o, lens
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// compareOwners reports lines whose birth commit differs, and returns the
// number of differing lines.
func compareOwners(t testing.TB, got, want lineOwners, report bool) int {
	t.Helper()
	bad := 0
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		w, g := want[p], got[p]
		for i := range w {
			var gi string
			if i < len(g) {
				gi = g[i]
			}
			if gi != w[i] {
				if report && bad < 10 {
					t.Errorf("%s:%d: walk says born in %.8s, blame says %.8s", p, i+1, gi, w[i])
				}
				bad++
			}
		}
	}
	return bad
}

// rangeCommits lists the commits of revs with their messages.
func rangeCommits(t testing.TB, r *gittest.Repo, revs ...string) map[string]string {
	t.Helper()
	out := r.Git(append([]string{"log", "-z", "--format=%H%x1f%B"}, revs...)...)
	m := map[string]string{}
	for _, rec := range strings.Split(out, "\x00") {
		if id, msg, ok := strings.Cut(rec, "\x1f"); ok {
			m[strings.TrimSpace(id)] = msg
		}
	}
	return m
}

// numstat returns, per commit, the fewest lines git log -m --numstat says
// it added against any one parent (0 when git shows no diff against some
// parent), with the walk's diff options. For a commit with one parent that
// is exactly what it added; a merge added at most that many.
func numstat(t testing.TB, r *gittest.Repo, revs ...string) map[string]int {
	t.Helper()
	args := []string{"log", "--diff-merges=separate", "--root", "--numstat", "-M", "--diff-algorithm=myers",
		"--indent-heuristic", "--format=%x1e%H %P"}
	out := r.Git(append(args, revs...)...)
	sums := map[string][]int{}
	parents := map[string]int{}
	for _, block := range strings.Split(out, "\x1e")[1:] {
		lines := strings.Split(block, "\n")
		f := strings.Fields(lines[0])
		parents[f[0]] = len(f) - 1
		sum := 0
		for _, l := range lines[1:] {
			cols := strings.SplitN(l, "\t", 3)
			if len(cols) < 3 || cols[0] == "-" {
				continue
			}
			n, err := strconv.Atoi(cols[0])
			if err != nil {
				t.Fatalf("numstat line %q", l)
			}
			sum += n
		}
		sums[f[0]] = append(sums[f[0]], sum)
	}
	m := map[string]int{}
	for id, s := range sums {
		least := s[0]
		for _, n := range s[1:] {
			least = min(least, n)
		}
		if len(s) < parents[id] {
			least = 0
		}
		m[id] = least
	}
	return m
}

// seeds are the seeds a property test runs: all of them, or only the
// first with -short (make test-slow runs them all).
func seeds(all ...int64) []int64 {
	if testing.Short() {
		return all[:1]
	}
	return all
}

// steps is how many steps a generated history takes: n, or half of it
// with -short (make test-slow runs the whole length).
func steps(n int) int {
	if testing.Short() {
		return n / 2
	}
	return n
}
