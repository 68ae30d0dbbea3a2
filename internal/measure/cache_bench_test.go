package measure_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/walkcache"
)

// fastHistory writes n commits to r with git fast-import: files of 40
// lines edited a few lines at a time, half the commits by an agent (a
// trailer), a side branch merged back every 50 commits.
func fastHistory(b testing.TB, dir string, env []string, n int, seed int64) {
	rnd := rand.New(rand.NewSource(seed))
	files := map[string][]string{}
	var paths []string
	next := 0
	line := func() string { next++; return fmt.Sprintf("line %d %08x", next, rnd.Uint32()) }
	var buf bytes.Buffer
	mark := 0
	blob := func(path string) {
		data := strings.Join(files[path], "\n") + "\n"
		fmt.Fprintf(&buf, "M 100644 inline %s\ndata %d\n%s\n", path, len(data), data)
	}
	edit := func() {
		if len(paths) < 300 && rnd.Intn(4) == 0 {
			p := fmt.Sprintf("d%d/f%d.go", len(paths)%20, len(paths))
			paths = append(paths, p)
			for range 40 {
				files[p] = append(files[p], line())
			}
			blob(p)
			return
		}
		for range 1 + rnd.Intn(3) {
			p := paths[rnd.Intn(len(paths))]
			a := files[p]
			i := rnd.Intn(len(a) + 1)
			del := min(rnd.Intn(4), len(a)-i)
			var add []string
			for range rnd.Intn(5) {
				add = append(add, line())
			}
			files[p] = append(append(append([]string(nil), a[:i]...), add...), a[i+del:]...)
			blob(p)
		}
	}
	commit := func(branch string, from int, merge int) {
		mark++
		msg := fmt.Sprintf("change %d", mark)
		if rnd.Intn(2) == 0 {
			msg += "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
		}
		t := 1735689600 + mark*600
		fmt.Fprintf(&buf, "commit refs/heads/%s\nmark :%d\nauthor A <a@example.com> %d +0000\ncommitter A <a@example.com> %d +0000\ndata %d\n%s\n", branch, mark, t, t, len(msg), msg)
		if from > 0 {
			fmt.Fprintf(&buf, "from :%d\n", from)
		}
		if merge > 0 {
			fmt.Fprintf(&buf, "merge :%d\n", merge)
		}
		if len(paths) == 0 {
			paths = append(paths, "main.go")
			files["main.go"] = []string{line()}
			blob("main.go")
		}
		edit()
	}
	main := 0
	for mark < n {
		if main > 0 && mark%50 == 49 {
			// A side branch of 2 commits on files of its own.
			base := main
			side := fmt.Sprintf("s/%d.txt", mark)
			mark++
			t := 1735689600 + mark*600
			fmt.Fprintf(&buf, "commit refs/heads/side\nmark :%d\nauthor B <b@example.com> %d +0000\ncommitter B <b@example.com> %d +0000\ndata 4\nside\nfrom :%d\n", mark, t, t, base)
			data := line() + "\n" + line() + "\n"
			fmt.Fprintf(&buf, "M 100644 inline %s\ndata %d\n%s\n", side, len(data), data)
			sideTip := mark
			commit("main", main, 0)
			main = mark
			commit("main", main, sideTip)
			main = mark
			continue
		}
		commit("main", main, 0)
		main = mark
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("fast-import: %v\n%s", err, out)
	}
	cmd = exec.Command("git", "reset", "-q", "--hard", "main")
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("reset: %v\n%s", err, out)
	}
}

// benchCommits is the length of the benchmark's history
// (GAIS_BENCH_COMMITS, default 2000).
func benchCommits() int {
	if n, err := strconv.Atoi(os.Getenv("GAIS_BENCH_COMMITS")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// BenchmarkReport compares a report from scratch with a report after one
// new commit that continues the cached walk.
func BenchmarkReport(b *testing.B) {
	for _, moves := range []bool{false, true} {
		r := newRepo(b)
		fastHistory(b, r.Dir, r.Env, benchCommits(), 1)
		repo, err := gitx.Open(context.Background(), r.Dir)
		if err != nil {
			b.Fatal(err)
		}
		repo.Git.Env = r.Env
		opts := measure.Options{Config: config.Default(), Moves: moves}
		b.Run(fmt.Sprintf("full/moves=%t", moves), func(b *testing.B) {
			opts := opts
			opts.NoCache = true
			for b.Loop() {
				if _, err := measure.Report(context.Background(), repo, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		if _, err := measure.Report(context.Background(), repo, opts); err != nil {
			b.Fatal(err)
		}
		n := 0
		b.Run(fmt.Sprintf("after-one-commit/moves=%t", moves), func(b *testing.B) {
			opts := opts
			opts.OnCache = func(st walkcache.Stats) {
				if !st.Resumed || st.Walked != 1 {
					b.Fatalf("the cache was not continued: %+v", st)
				}
			}
			for b.Loop() {
				b.StopTimer()
				n++
				r.Write(fmt.Sprintf("new%d.go", n), fmt.Sprintf("package x\n// %d\n", n))
				r.Git("add", "-A")
				r.Commit(fmt.Sprintf("new %d", n))
				b.StartTimer()
				if _, err := measure.Report(context.Background(), repo, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
