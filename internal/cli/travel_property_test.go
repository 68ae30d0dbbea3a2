package cli_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// editor makes edits whose lines are all distinct, so that every diff is
// unambiguous.
type editor struct {
	r    *gittest.Repo
	rnd  *rand.Rand
	next int
}

func (e *editor) insert(file string, n int, ai bool) {
	e.r.T.Helper()
	var old []string
	if b, err := os.ReadFile(filepath.Join(e.r.Dir, file)); err == nil && len(b) > 0 {
		old = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	at := e.rnd.Intn(len(old) + 1)
	var add []string
	for i := 0; i < n; i++ {
		e.next++
		who := "human"
		if ai {
			who = "ai"
		}
		add = append(add, fmt.Sprintf("%s line %d by %s", file, e.next, who))
	}
	lines := append(append(append([]string{}, old[:at]...), add...), old[at:]...)
	e.r.Write(file, strings.Join(lines, "\n")+"\n")
}

func (e *editor) commit(file string, ai bool, what string) {
	e.r.T.Helper()
	e.insert(file, 1+e.rnd.Intn(4), ai)
	msg := what
	if ai {
		msg += claudeTrailer
	}
	e.r.Commit(msg)
}

func unpushed(r *gittest.Repo) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.Git("rev-list", "--count", "origin/main..HEAD")))
	return n
}

// TestPropertyEveryReachableCommitHasACompleteNote runs random sequences of
// commits, amends, fixups, cherry-picks, squash merges and concurrent
// pushes, then checks that every commit reachable from the remote's main
// has, locally and on the remote, a note whose lines are exactly the lines
// the commit added.
func TestPropertyEveryReachableCommitHasACompleteNote(t *testing.T) {
	t.Parallel()
	seeds, steps := int64(3), 14
	if testing.Short() {
		seeds, steps = 1, 9 // make test-slow runs them all, whole
	}
	for seed := int64(1); seed <= seeds; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			a := w.Clone("a")
			a.Write("a0.go", "start\n")
			a.Commit("Start")
			a.Git("push", "-q", "-u", "origin", "main")
			b := w.Clone("b")
			rnd := rand.New(rand.NewSource(seed))
			ea := &editor{r: a, rnd: rnd}
			eb := &editor{r: b, rnd: rnd, next: 1000}
			side := 0
			var ops []string
			for step := 0; step < steps; step++ {
				switch op := rnd.Intn(8); {
				case op <= 1:
					ops = append(ops, "commit")
					ea.commit(fmt.Sprintf("a%d.go", rnd.Intn(2)), rnd.Intn(2) == 0, "A commits")
				case op == 2 && unpushed(a) > 0:
					ops = append(ops, "amend")
					if rnd.Intn(2) == 0 {
						ea.insert("a0.go", 1, false)
						a.Git("add", "-A")
					}
					a.Git("commit", "-q", "--amend", "-m", "Amended")
				case op == 3 && unpushed(a) > 1:
					ops = append(ops, "fixup")
					a.Env = append(a.Env, "GIT_SEQUENCE_EDITOR=sed -i -e '2s/^pick/fixup/'")
					a.Git("rebase", "-q", "-i", "HEAD~2")
					a.Env = a.Env[:len(a.Env)-1]
				case op == 4:
					ops = append(ops, "cherry-pick")
					side++
					a.Git("checkout", "-q", "-b", fmt.Sprint("pick", side), "HEAD~"+fmt.Sprint(min(1, unpushed(a))))
					ea.commit(fmt.Sprintf("p%d.go", side), rnd.Intn(2) == 0, "To be picked")
					picked := a.Head()
					a.Git("checkout", "-q", "main")
					a.Git("cherry-pick", picked)
				case op == 5:
					ops = append(ops, "merge --squash")
					side++
					a.Git("checkout", "-q", "-b", fmt.Sprint("sq", side))
					ea.commit(fmt.Sprintf("s%d.go", side), true, "Squashed agent work")
					ea.commit(fmt.Sprintf("s%d.go", side), false, "Squashed human work")
					a.Git("checkout", "-q", "main")
					a.Git("merge", "-q", "--squash", fmt.Sprint("sq", side))
					a.Git("commit", "-q", "--no-edit")
				case op == 6:
					ops = append(ops, "B pushes, A rebases")
					eb.commit(fmt.Sprintf("b%d.go", rnd.Intn(2)), rnd.Intn(2) == 0, "B commits")
					b.Git("pull", "-q", "--rebase")
					b.Git("push", "-q", "origin", "main")
					a.Git("pull", "-q", "--rebase")
				default:
					ops = append(ops, "push")
					a.Git("pull", "-q", "--rebase")
					a.Git("push", "-q", "origin", "main")
				}
			}
			a.Git("pull", "-q", "--rebase")
			a.Git("push", "-q", "origin", "main")
			b.Git("pull", "-q", "--rebase")
			t.Logf("operations: %s", strings.Join(ops, ", "))
			w.checkRemoteNotes()
			for _, r := range []*gittest.Repo{a, b, w.Remote} {
				checkCompleteNotes(t, r, "main")
			}
			checkOrigins(t, a, "main")
			ja, jb := reportOf(t, a), reportOf(t, b)
			if fmt.Sprint(ja) != fmt.Sprint(jb) {
				t.Errorf("the clones report different figures:\nA %+v\nB %+v", ja, jb)
			}
		})
	}
}

// checkCompleteNotes asserts that every commit reachable from rev has a
// note whose records for it cover exactly the lines it added.
func checkCompleteNotes(t *testing.T, r *gittest.Repo, rev string) {
	t.Helper()
	r.MustTool("show", rev) // merges what was fetched
	ctx := context.Background()
	repo := r.Open(t)
	ids := strings.Fields(r.Git("rev-list", rev))
	err := added.StreamCommits(ctx, repo, ids, func(added added.Lines) error {
		out, _, err := r.Run("", "git", "notes", "--ref="+provenance.NotesRef, "show", added.Commit)
		if err != nil {
			t.Errorf("%s: commit %s has no note", r.Dir, added.Commit[:12])
			return nil
		}
		note, _, err := provenance.Parse([]byte(out))
		if err != nil {
			t.Errorf("%s: note of %s: %v", r.Dir, added.Commit[:12], err)
			return nil
		}
		covered := map[string]*provenance.LineSet{}
		for _, rec := range note.Records {
			if rec.Commit != added.Commit || rec.File == "" {
				continue
			}
			if covered[rec.File] == nil {
				covered[rec.File] = &provenance.LineSet{}
			}
			covered[rec.File].AddSet(rec.Lines)
		}
		for path, lines := range added.Files {
			got := provenance.LineSet{}
			if covered[path] != nil {
				got = *covered[path]
			}
			if got.String() != lines.String() {
				t.Errorf("%s: commit %s, %s: note covers %q, commit added %q", r.Dir, added.Commit[:12], path, got.String(), lines.String())
			}
			delete(covered, path)
		}
		for path, s := range covered {
			t.Errorf("%s: commit %s: note covers %s:%s, which the commit did not add", r.Dir, added.Commit[:12], path, s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkOrigins asserts that every line each commit reachable from rev
// added has the origin of the commit that first wrote it (the editor
// writes "by ai" or "by human" into each line).
func checkOrigins(t *testing.T, r *gittest.Repo, rev string) {
	t.Helper()
	for _, c := range strings.Fields(r.Git("rev-list", rev)) {
		s := show(t, r, c)
		for _, f := range s.Files {
			content := strings.Split(r.Git("show", c+":"+f.Path), "\n")
			for _, rg := range f.Ranges {
				set, err := provenance.ParseLineSet(rg.Lines)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range set.Ranges() {
					for n := x.Start; n <= x.End; n++ {
						want := "human"
						if strings.HasSuffix(content[n-1], " by ai") {
							want = "ai"
						}
						if rg.Origin != want {
							t.Errorf("commit %s %s:%d %q is %s, want %s", c[:12], f.Path, n, content[n-1], rg.Origin, want)
						}
					}
				}
			}
		}
	}
}
