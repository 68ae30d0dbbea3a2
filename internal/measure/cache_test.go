package measure_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/evidence"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/walkcache"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// newRepo is a temporary repository with its own HOME and fixed dates.
func newRepo(t testing.TB) *gittest.Repo {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "[user]\n\tname = Test Person\n\temail = person@example.com\n[init]\n\tdefaultBranch = main\n[core]\n\tautocrlf = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &gittest.Repo{T: t, Dir: filepath.Join(root, "repo"), Home: home, Env: gittest.Environ(home, "")}
	r.Git("init", "-q", "-b", "main", r.Dir)
	return r
}

// gen makes random histories: edits, new and deleted files, renames,
// blocks moved between files, AI commits (by trailer), side branches
// merged back without conflicts (they edit their own files).
type gen struct {
	t    testing.TB
	r    *gittest.Repo
	rnd  *rand.Rand
	next int
	n    int
}

func newGen(t testing.TB, r *gittest.Repo, seed int64) *gen {
	return &gen{t: t, r: r, rnd: rand.New(rand.NewSource(seed))}
}

func (g *gen) lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		g.next++
		out[i] = fmt.Sprintf("line %d of something %08x", g.next, g.rnd.Uint32())
	}
	return out
}

func (g *gen) read(path string) []string {
	data, err := os.ReadFile(filepath.Join(g.r.Dir, path))
	if err != nil {
		return nil
	}
	s := strings.TrimSuffix(string(data), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (g *gen) write(path string, lines []string) {
	g.r.Write(path, strings.Join(lines, "\n")+"\n")
}

func (g *gen) files(prefix string) []string {
	var out []string
	for _, f := range strings.Split(strings.TrimSpace(g.r.Git("ls-files", "-z")), "\x00") {
		if f != "" && strings.HasPrefix(f, prefix) && (prefix != "" || !strings.HasPrefix(f, "s/")) {
			out = append(out, f)
		}
	}
	return out
}

// commit makes one random commit on the files under prefix.
func (g *gen) commit(prefix string) string {
	files := g.files(prefix)
	switch k := g.rnd.Intn(10); {
	case len(files) == 0 || k == 0:
		g.n++
		g.write(fmt.Sprintf("%sf%d.txt", prefix, g.n), g.lines(3+g.rnd.Intn(20)))
	case k == 1 && len(files) > 2:
		g.r.Git("rm", "-q", files[g.rnd.Intn(len(files))])
	case k == 2:
		g.n++
		g.r.Git("mv", files[g.rnd.Intn(len(files))], fmt.Sprintf("%sr%d.txt", prefix, g.n))
	case k == 3 && len(files) > 1:
		// Move a block to another file.
		from, to := files[g.rnd.Intn(len(files))], files[g.rnd.Intn(len(files))]
		a := g.read(from)
		if from != to && len(a) > 6 {
			i := g.rnd.Intn(len(a) - 5)
			block := append([]string(nil), a[i:i+5]...)
			g.write(from, append(a[:i:i], a[i+5:]...))
			b := g.read(to)
			j := g.rnd.Intn(len(b) + 1)
			g.write(to, append(append(append([]string(nil), b[:j]...), block...), b[j:]...))
		}
	default:
		f := files[g.rnd.Intn(len(files))]
		a := g.read(f)
		for range 1 + g.rnd.Intn(3) {
			i := g.rnd.Intn(len(a) + 1)
			del := min(g.rnd.Intn(4), len(a)-i)
			a = append(append(append([]string(nil), a[:i]...), g.lines(g.rnd.Intn(5))...), a[i+del:]...)
		}
		if len(a) == 0 {
			a = g.lines(1)
		}
		g.write(f, a)
	}
	g.r.Git("add", "-A")
	msg := fmt.Sprintf("change %d", g.next)
	if g.rnd.Intn(2) == 0 {
		msg += "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
	}
	return g.r.Commit(msg, "--allow-empty")
}

// history makes n commits on main, with side branches merged back when
// branches is set.
func (g *gen) history(n int, branches bool) {
	for i := 0; i < n; i++ {
		if branches && i > 2 && g.rnd.Intn(6) == 0 {
			g.side(1 + g.rnd.Intn(3))
			continue
		}
		g.commit("")
	}
}

// side makes a branch from HEAD with k commits on its own files, a
// commit on main, and merges the branch.
func (g *gen) side(k int) {
	g.n++
	name := fmt.Sprintf("side%d", g.n)
	g.r.Git("checkout", "-q", "-b", name)
	for range k {
		g.commit("s/")
	}
	g.r.Git("checkout", "-q", "main")
	g.commit("")
	g.r.Tick()
	g.r.Git("merge", "-q", "--no-ff", "-m", "merge "+name, name)
}

type env struct {
	t    *testing.T
	r    *gittest.Repo
	repo *gitx.Repo
	cfg  *config.Config
	warn []string
}

func newEnv(t *testing.T, seed int64, commits int, branches bool) (*env, *gen) {
	r := newRepo(t)
	g := newGen(t, r, seed)
	g.history(commits, branches)
	repo, err := gitx.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Git.Env = r.Env
	return &env{t: t, r: r, repo: repo, cfg: config.Default()}, g
}

// report measures rng with or without the cache, with curves, and returns
// the JSON and what the cache did.
func (e *env) report(rng string, moves, noCache bool) (string, walkcache.Stats) {
	e.t.Helper()
	rules, err := evidence.Builtin().WithConfig(e.cfg.Rules)
	if err != nil {
		e.t.Fatal(err)
	}
	classify := rules.Classify
	var st walkcache.Stats
	rep, err := measure.Report(context.Background(), e.repo, measure.Options{
		Range: rng, Config: e.cfg, Classify: classify, Moves: moves, Curves: true,
		NoCache: noCache, OnCache: func(s walkcache.Stats) { st = s },
		Warn: func(s string) { e.warn = append(e.warn, s) },
	})
	if err != nil {
		e.t.Fatal(err)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		e.t.Fatal(err)
	}
	// Figures computed in floating point are compared to 12 digits: the
	// curves sum them in no fixed order.
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		e.t.Fatal(err)
	}
	if data, err = json.MarshalIndent(round(v), "", " "); err != nil {
		e.t.Fatal(err)
	}
	return string(data), st
}

func round(v any) any {
	switch x := v.(type) {
	case float64:
		s, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
		return s
	case []any:
		for i := range x {
			x[i] = round(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = round(x[k])
		}
	}
	return v
}

// check reports rng from the cache and from scratch, fails unless they are
// identical, and returns what the cache did.
func (e *env) check(what, rng string, moves bool) walkcache.Stats {
	e.t.Helper()
	got, st := e.report(rng, moves, false)
	want, _ := e.report(rng, moves, true)
	if got != want {
		e.t.Fatalf("%s: the cached report differs from a fresh one (%+v)\ncached: %s\nfresh:  %s", what, st, got, want)
	}
	return st
}

func (e *env) commits(rng string) int {
	out := strings.Fields(e.r.Git("rev-list", "--count", rng))
	var n int
	fmt.Sscan(out[0], &n)
	return n
}

func TestCacheContinuesWithOnlyTheNewCommits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seed     int64
		branches bool
		moves    bool
		short    bool // run with -short too
	}{{1, false, false, false}, {2, true, false, false}, {3, true, true, true}, {4, false, true, false}, {5, true, false, false}} {
		t.Run(fmt.Sprintf("seed%d-branches%t-moves%t", tc.seed, tc.branches, tc.moves), func(t *testing.T) {
			if testing.Short() && !tc.short {
				t.Skip("skipped with -short: make test-slow runs every seed")
			}
			t.Parallel()
			e, g := newEnv(t, tc.seed, 25, tc.branches)
			st := e.check("first report", "", tc.moves)
			if st.Resumed || !st.Saved {
				t.Fatalf("first report: %+v, want a saved full walk", st)
			}
			total := e.commits("HEAD")
			g.commit("")
			st = e.check("after one commit", "", tc.moves)
			if !st.Resumed || st.Walked != 1 || st.Replayed != total {
				t.Fatalf("after one commit: %+v, want 1 walked and %d replayed", st, total)
			}
			// A branch forked from the cached end, merged back: 4 commits.
			g.side(2)
			st = e.check("after a merge", "", tc.moves)
			if !st.Resumed || st.Walked != 4 {
				t.Fatalf("after a merge of a new branch: %+v, want 4 walked", st)
			}
			st = e.check("nothing new", "", tc.moves)
			if !st.Resumed || st.Walked != 0 {
				t.Fatalf("nothing new: %+v, want 0 walked", st)
			}
			more := 3
			if testing.Short() {
				more = 1 // make test-slow makes three
			}
			for range more {
				g.commit("")
				if st = e.check("after another commit", "", tc.moves); !st.Resumed || st.Walked != 1 {
					t.Fatalf("after another commit: %+v", st)
				}
			}
			if len(e.warn) > 0 {
				t.Errorf("warnings: %q", e.warn)
			}
		})
	}
}

func TestCacheOfARange(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 7, 20, true)
	start := strings.TrimSpace(e.r.Git("rev-parse", "HEAD~5"))
	rng := start + ".."
	e.check("first", rng, false)
	g.commit("")
	if st := e.check("after one commit", rng, false); !st.Resumed || st.Walked != 1 {
		t.Fatalf("%+v", st)
	}
	// The whole history has its own entry.
	if st := e.check("whole history", "", false); st.Resumed {
		t.Fatalf("whole history used the range's entry: %+v", st)
	}
	g.commit("")
	if st := e.check("range again", rng, false); !st.Resumed || st.Walked != 1 {
		t.Fatalf("%+v", st)
	}
}

func TestCacheRebuildsARewrittenHistory(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 11, 20, true)
	e.check("first", "", false)
	e.r.Write("amended.txt", "amended\n")
	e.r.Git("add", "-A")
	e.r.Git("commit", "-q", "--amend", "-m", "amended")
	st := e.check("amended", "", false)
	if st.Resumed || st.Rebuilt != "history rewritten" {
		t.Fatalf("after amend: %+v", st)
	}
	// Rebase the last commit onto a new commit made from its parent.
	g.commit("")
	e.check("before rebase", "", false)
	e.r.Git("checkout", "-q", "-b", "base", "HEAD~1")
	e.r.Write("base.txt", "a new base\n")
	e.r.Git("add", "base.txt")
	e.r.Commit("new base")
	e.r.Git("checkout", "-q", "main")
	e.r.Git("rebase", "-q", "base")
	if st := e.check("rebased", "", false); st.Resumed || st.Rebuilt != "history rewritten" {
		t.Fatalf("after rebase: %+v", st)
	}
	g.commit("")
	if st := e.check("after the rebuild", "", false); !st.Resumed || st.Walked != 1 {
		t.Fatalf("%+v", st)
	}
}

func TestCacheRebuildsAfterAMergeOfOldHistory(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 13, 15, false)
	e.r.Git("branch", "old", "HEAD~6")
	e.check("first", "", false)
	e.r.Git("checkout", "-q", "old")
	g.commit("s/")
	e.r.Git("checkout", "-q", "main")
	e.r.Git("merge", "-q", "--no-ff", "-m", "merge old", "old")
	if st := e.check("merge of a branch forked before the cached end", "", false); st.Resumed || st.Rebuilt == "" {
		t.Fatalf("%+v", st)
	}
}

func entryFile(t *testing.T, e *env) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(walkcache.Dir(e.repo), "*.walk"))
	if err != nil || len(files) != 1 {
		t.Fatalf("cache entries: %v %v", files, err)
	}
	return files[0]
}

func TestCacheCorrupt(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 17, 20, true)
	e.check("first", "", true)
	path := entryFile(t, e)
	if !strings.HasPrefix(path, filepath.Join(e.r.Dir, ".git")+string(filepath.Separator)) {
		t.Fatalf("cache entry %s is not under the git directory", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type damage struct {
		name string
		data []byte
	}
	cases := []damage{
		{"truncated", data[:len(data)/2]},
		{"flipped byte", flip(data, len(data)/3)},
		{"flipped checksum", flip(data, 60)},
	}
	if !testing.Short() { // make test-slow runs every kind of damage
		cases = append(cases, damage{"header only", data[:20]}, damage{"empty", nil},
			damage{"flipped byte in the header", flip(data, 9)})
	}
	for _, c := range cases {
		g.commit("")
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		e.warn = nil
		st := e.check(c.name, "", true)
		if st.Resumed {
			t.Fatalf("%s: %+v", c.name, st)
		}
		if st.Rebuilt == "format version" {
			continue // a flipped version number: another version's entry, rebuilt quietly
		}
		if len(e.warn) != 1 || !strings.Contains(e.warn[0], "corrupt") {
			t.Errorf("%s: warnings %q, want one about a corrupt cache", c.name, e.warn)
		}
		// Rebuilt and saved: the next report continues it.
		g.commit("")
		e.warn = nil
		if st := e.check(c.name+", then one commit", "", true); !st.Resumed || st.Walked != 1 || len(e.warn) != 0 {
			t.Fatalf("%s, then one commit: %+v %q", c.name, st, e.warn)
		}
	}
}

func flip(data []byte, i int) []byte {
	out := append([]byte(nil), data...)
	out[i] ^= 0x5a
	return out
}

func addNote(t *testing.T, r *gittest.Repo, commit string, origin provenance.Origin, force bool) {
	t.Helper()
	a := provenance.Attribution{Origin: origin, Evidence: provenance.EvidenceManual}
	if origin == provenance.AI {
		a.Agent = "cursor"
	}
	n := provenance.Note{Records: []provenance.Record{{Version: provenance.SchemaVersion, Commit: commit, Attribution: a}}}
	args := []string{"notes", "--ref=" + provenance.NotesRef, "add", "-m", strings.TrimSpace(string(n.Bytes()))}
	if force {
		args = append(args, "-f")
	}
	r.Git(append(args, commit)...)
}

func TestCacheNotes(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 19, 20, true)
	old := strings.TrimSpace(e.r.Git("rev-parse", "HEAD~4"))
	addNote(t, e.r, old, provenance.Human, false)
	before, _ := e.report("", false, false)

	// A note for a new commit: the walk continues.
	id := g.commit("")
	addNote(t, e.r, id, provenance.AI, false)
	if st := e.check("note on the new commit", "", false); !st.Resumed || st.Walked != 1 {
		t.Fatalf("%+v", st)
	}
	// A note replaced on an old commit (annotate --force): rebuilt.
	addNote(t, e.r, old, provenance.AI, true)
	st := e.check("note replaced on an old commit", "", false)
	if st.Resumed || st.Rebuilt != "notes changed for walked commits" {
		t.Fatalf("%+v", st)
	}
	after, _ := e.report("", false, false)
	if after == before {
		t.Fatal("the new note changed nothing")
	}
	// A note removed.
	e.r.Git("notes", "--ref="+provenance.NotesRef, "remove", old)
	if st := e.check("note removed", "", false); st.Resumed {
		t.Fatalf("%+v", st)
	}
}

func TestCacheConfig(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 23, 15, false)
	e.check("first", "", false)
	g.commit("")
	paths, err := config.NewPaths(nil, []string{"s/"})
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = &config.Config{Paths: paths, Inference: true}
	// Paths decide what counts after the walk: the saved walk serves
	// every filter (check compares with a walk without the cache).
	if st := e.check("paths changed", "", false); !st.Resumed || st.Walked != 1 {
		t.Fatalf("%+v", st)
	}
	e.cfg = &config.Config{Paths: &config.Paths{}, Inference: false}
	if st := e.check("inference off", "", false); st.Resumed {
		t.Fatalf("%+v", st)
	}
	e.cfg = config.Default()
	g.commit("")
	if st := e.check("back to the defaults", "", false); !st.Resumed || st.Walked != 1 {
		t.Fatalf("%+v", st)
	}
}
