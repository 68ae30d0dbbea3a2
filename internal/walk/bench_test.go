package walk_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// fastHistory writes, with one git fast-import, a history of n commits over
// files of a few hundred lines, every tenth commit a merge of a short side
// branch.
func fastHistory(tb testing.TB, r *gittest.Repo, n, files int, seed int64) {
	tb.Helper()
	fastHistoryWith(tb, r, n, files, seed, false)
}

// fastHistoryWith is fastHistory; with moves, a quarter of the commits
// also move a block of lines to another file and one in twenty creates a
// file from blocks copied from others.
func fastHistoryWith(tb testing.TB, r *gittest.Repo, n, files int, seed int64, moves bool) {
	tb.Helper()
	rnd := rand.New(rand.NewSource(seed))
	content := make([][]string, files)
	next := 0
	line := func() string { next++; return fmt.Sprintf("line %d %x", next, rnd.Uint32()) }
	var s strings.Builder
	mark := 0
	emit := func(branch, msg string, from int, merge int, changed []int) int {
		mark++
		fmt.Fprintf(&s, "commit refs/heads/%s\nmark :%d\n", branch, mark)
		when := gittest.Epoch + mark*60
		fmt.Fprintf(&s, "author A <a@x> %d +0000\ncommitter A <a@x> %d +0000\n", when, when)
		fmt.Fprintf(&s, "data %d\n%s\n", len(msg), msg)
		if from > 0 {
			fmt.Fprintf(&s, "from :%d\n", from)
		}
		if merge > 0 {
			fmt.Fprintf(&s, "merge :%d\n", merge)
		}
		for _, f := range changed {
			data := strings.Join(content[f], "\n") + "\n"
			fmt.Fprintf(&s, "M 100644 inline dir%d/file%d.txt\ndata %d\n%s\n", f%10, f, len(data), data)
		}
		return mark
	}
	edit := func(f int) {
		c := content[f]
		pos := rnd.Intn(len(c) + 1)
		del := min(rnd.Intn(4), len(c)-pos)
		ins := make([]string, rnd.Intn(6))
		for i := range ins {
			ins[i] = line()
		}
		content[f] = append(c[:pos:pos], append(ins, c[pos+del:]...)...)
	}
	all := make([]int, files)
	for f := range content {
		all[f] = f
		for range 200 + rnd.Intn(200) {
			content[f] = append(content[f], line())
		}
	}
	head := emit("main", "AI: initial", 0, 0, all)
	for i := 1; i < n; i++ {
		msg := fmt.Sprintf("change %d", i)
		if rnd.Intn(3) == 0 {
			msg = "AI: " + msg
		}
		if i%10 == 0 && i+3 < n {
			// A side branch changing files of its own, merged back.
			side := head
			for j := range 2 {
				f := (i + j) % files
				edit(f)
				side = emit("side", fmt.Sprintf("side %d.%d", i, j), side, 0, []int{f})
			}
			head = emit("main", "merge "+msg, head, side, nil)
			i += 2
			continue
		}
		changed := []int{rnd.Intn(files), rnd.Intn(files)}
		for _, f := range changed {
			edit(f)
		}
		if moves {
			block := func(f int) []string {
				c := content[f]
				k := min(3+rnd.Intn(8), len(c))
				at := rnd.Intn(len(c) - k + 1)
				return append([]string(nil), c[at:at+k]...)
			}
			switch k := rnd.Intn(20); {
			case k < 5 && changed[0] != changed[1]:
				from, to := changed[0], changed[1]
				b := block(from)
				c := content[from]
				for i := 0; i+len(b) <= len(c); i++ {
					if c[i] == b[0] {
						content[from] = append(c[:i:i], c[i+len(b):]...)
						break
					}
				}
				at := rnd.Intn(len(content[to]) + 1)
				content[to] = append(content[to][:at:at], append(b, content[to][at:]...)...)
			case k == 5:
				var c []string
				for range 1 + rnd.Intn(3) {
					c = append(c, block(rnd.Intn(len(content)))...)
					c = append(c, line())
				}
				content = append(content, c)
				changed = append(changed, len(content)-1)
			}
		}
		head = emit("main", msg, head, 0, changed)
	}
	if _, errs, err := r.Run(s.String(), "git", "fast-import", "--quiet"); err != nil {
		tb.Fatalf("fast-import: %v\n%s", err, errs)
	}
	r.Git("reset", "-q", "--hard", "main")
}

func BenchmarkWalk(b *testing.B) { benchWalk(b, false) }

// BenchmarkWalkMoves is the walk with moves over a history that moves and
// copies blocks; BenchmarkGitBlameMoves is what it replaces: git blame
// -M -C -C on every file of the end.
func BenchmarkWalkMoves(b *testing.B) { benchWalk(b, true) }

func BenchmarkGitBlameMoves(b *testing.B) {
	r := newRepo(b)
	fastHistoryWith(b, r, 2000, 100, 1, true)
	paths := strings.Fields(r.Git("ls-tree", "-r", "--name-only", "HEAD"))
	for b.Loop() {
		for _, p := range paths {
			r.Git("blame", "--porcelain", "-M", "-C", "-C", "HEAD", "--", p)
		}
	}
	b.ReportMetric(float64(len(paths)), "files")
}

func benchWalk(b *testing.B, moves bool) {
	r := newRepo(b)
	const commits = 2000
	fastHistoryWith(b, r, commits, 100, 1, moves)
	repo := openRepo(b, r)
	b.ReportAllocs()
	for b.Loop() {
		c := survival.NewCollector()
		res, err := walk.Run(context.Background(), repo, walk.Options{Attributor: byMessage, Moves: moves,
			OnCommit: c.Commit, OnBirth: c.Birth, OnDeath: c.Death})
		if err != nil {
			b.Fatal(err)
		}
		c.Report("", res.End, res.Survivors)
	}
	b.ReportMetric(float64(commits)*float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// The fast-import history, with its merges of disjoint changes, checked
// against blame like the others.
func TestTruthFastImport(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	fastHistory(t, r, 300, 20, 7)
	truth(t, r, "", true)
}

// The fast-import history with moves and copies, checked against
// git blame -M -C -C like the others.
func TestTruthFastImportMoves(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	fastHistoryWith(t, r, 300, 20, 7, true)
	// Blocks of 3 to 10 unique lines moved between files or copied into
	// new files, and later edits of 0 to 3 lines here and there: few are
	// cut into pieces below blame's thresholds.
	surviving, fragmented, aligned := movesTruth(t, r)
	if fragmented*100 > surviving || aligned > 0 {
		t.Errorf("%d of %d lines differ from blame for being cut after their move (more than 1%%), %d paired differently", fragmented, surviving, aligned)
	}
}

// BenchmarkWalkRepo walks the repository named by WALK_BENCH_REPO (e.g.
// one bench/reportbench kept with -keep), for profiles of a real history:
// WALK_BENCH_REPO=dir go test -run '^$' -bench WalkRepo -benchtime 1x
// -cpuprofile cpu.out ./internal/walk (WALK_BENCH_MOVES=1: with moves)
func BenchmarkWalkRepo(b *testing.B) {
	dir := os.Getenv("WALK_BENCH_REPO")
	if dir == "" {
		b.Skip("WALK_BENCH_REPO names no repository")
	}
	repo, err := gitx.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := survival.NewCollector()
		res, err := walk.Run(context.Background(), repo, walk.Options{Attributor: byMessage,
			OnCommit: c.Commit, OnBirth: c.Birth, OnDeath: c.Death, Moves: os.Getenv("WALK_BENCH_MOVES") != ""})
		if err != nil {
			b.Fatal(err)
		}
		c.Report("", res.End, res.Survivors)
		b.ReportMetric(float64(res.Commits), "commits")
	}
}
