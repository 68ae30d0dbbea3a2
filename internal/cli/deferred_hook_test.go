package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
)

// deferredRepo is a repository with the hooks installed whose post-commit
// hook runs in the background (as for a user), through a wrapper of the
// binary that logs its arguments to the returned file; wrap, when not
// empty, is shell run by the wrapper before the binary.
func deferredRepo(t *testing.T, wrap string) (*gittest.Repo, string) {
	t.Helper()
	r := gittest.New(t)
	var env []string
	for _, kv := range r.Env {
		if !strings.HasPrefix(kv, hookrun.SyncEnv+"=") {
			env = append(env, kv)
		}
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	real := filepath.Join(gittest.BinDir(t), "git-ai-survival")
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" + log + "'\n" + wrap + "\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "git-ai-survival"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Env = withPath(env, dir)
	r.MustTool("install")
	r.Write("base.txt", "base\n")
	r.Commit("Base") // the first commit after install runs in the foreground
	return r, log
}

// wantDeferred asserts that commit's note was written by a background hook.
// The hook starts in the background as git commit returns: its call is
// waited for a while.
func wantDeferred(t *testing.T, log, commit string) {
	t.Helper()
	var b []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, _ = os.ReadFile(log)
		if strings.Contains(string(b), "hook post-commit --deferred "+commit+" --after ") {
			return
		}
		if time.Now().After(deadline) {
			break
		}
	}
	t.Errorf("no deferred hook ran for %s; calls:\n%s", commit[:12], b)
}

func TestDeferredCommitThenShowAtOnce(t *testing.T) {
	t.Parallel()
	// A hook that takes its time: show must wait for its note.
	r, log := slowDeferredRepo(t)
	r.Write("a.go", nlines(3, "ai"))
	c := r.Commit("Agent" + claudeTrailer)
	wantLayout(t, r, "HEAD", "a.go:1-3:ai:claude-code")
	wantDeferred(t, log, c)
	if left, _ := filepath.Glob(filepath.Join(r.Dir, ".git", hookrun.DeferredDir, "*[0-9a-f]")); len(left) != 0 {
		t.Errorf("markers left: %v", left)
	}
}

func TestDeferredTwoCommitsInARow(t *testing.T) {
	t.Parallel()
	r, log := deferredRepo(t, "")
	r.Write("a.go", nlines(3, "ai"))
	first := r.Commit("Agent" + claudeTrailer)
	// A partial commit: git's temporary index is gone when the hook reads.
	r.Write("b.go", nlines(2, "me"))
	r.Write("c.go", "not committed\n")
	r.Git("add", "b.go", "c.go")
	r.Git("commit", "-q", "-m", "Human", "--", "b.go")
	second := r.Head()
	wantLayout(t, r, "HEAD~1", "a.go:1-3:ai:claude-code")
	wantLayout(t, r, "HEAD", "b.go:1-2:human")
	wantDeferred(t, log, first)
	wantDeferred(t, log, second)
	if out := r.MustTool("status"); strings.Contains(out, "no note") {
		t.Errorf("status after two quick commits:\n%s", out)
	}
}

func TestDeferredAmendAtOnce(t *testing.T) {
	t.Parallel()
	r, log := slowDeferredRepo(t)
	r.Write("a.go", nlines(2, "ai"))
	first := r.Commit("Agent" + claudeTrailer)
	// Amend before the first note is written: post-rewrite waits for it.
	r.Write("a.go", nlines(2, "ai")+nlines(1, "mine"))
	r.Git("add", "a.go")
	r.Git("commit", "-q", "--amend", "-m", "Reworded, no trailer")
	wantLayout(t, r, "HEAD", "a.go:1-2:ai:claude-code a.go:3:human")
	wantDeferred(t, log, first)
}

func TestDeferredRebaseRightAfterCommit(t *testing.T) {
	t.Parallel()
	r, _ := slowDeferredRepo(t)
	rebaseAgentThenHuman(r, 2)
	wantLayout(t, r, "HEAD~1", "a.go:1-2:ai:claude-code")
	wantLayout(t, r, "HEAD", "b.go:1-2:human")
	checkAllNoted(t, r, "HEAD")
}

// A background hook killed before it wrote its note: readers do not wait
// for it long, and the next commit fills the note in and says so.
func TestDeferredKilledHook(t *testing.T) {
	t.Parallel()
	r, log := deferredRepo(t, `case "$*" in *--deferred*) kill -9 $$;; esac`)
	var env []string
	for _, kv := range r.Env {
		if !strings.HasPrefix(kv, "GIT_AI_SURVIVAL_HOOK_TIME_SCALE=") {
			env = append(env, kv)
		}
	}
	r.Env = env // the real budgets: a dead marker is known within seconds
	r.Write("a.go", nlines(2, "ai"))
	killed := r.Commit("Agent" + claudeTrailer)
	start := time.Now()
	// The next reader knows the hook is dead, and fills its note in.
	out, errs, code := r.Tool("", "show", "HEAD", "--format", "json")
	if code != 0 {
		t.Fatalf("show: exit %d\n%s", code, errs)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("show waited %v for a dead hook", d)
	}
	if !strings.Contains(out, `"source": "note"`) {
		t.Errorf("show after the killed hook:\n%s", out)
	}
	if !strings.Contains(errs, "1 earlier commit(s) had no note") || !strings.Contains(errs, killed[:12]) {
		t.Errorf("stderr of show:\n%s", errs)
	}
	wantDeferred(t, log, killed) // (logged once it started)
	wantLayout(t, r, "HEAD", "a.go:1-2:ai:claude-code")
	// The next commit finds nothing missing.
	r.Env = append(r.Env, hookrun.SyncEnv+"=1")
	r.Write("b.go", nlines(1, "me"))
	r.Git("add", "b.go")
	_, errs, err := r.Run("", "git", "commit", "-q", "-m", "Human")
	if err != nil {
		t.Fatal(err)
	}
	if errs != "" {
		t.Errorf("stderr of the next commit:\n%s", errs)
	}
	checkAllNoted(t, r, "HEAD")
}

// Commits in a quick series queue their background hooks: each gets its
// own note, and none is taken for a lost one.
func TestDeferredCommitsInAQuickSeries(t *testing.T) {
	t.Parallel()
	r, log := deferredRepo(t, "")
	var ids []string
	for i := 1; i <= 6; i++ {
		name := fmt.Sprintf("f%d.go", i)
		r.Write(name, nlines(i, "ai"))
		r.Git("add", name)
		_, errs, err := r.Run("", "git", "commit", "-q", "-m", "Agent "+name+claudeTrailer)
		if err != nil || errs != "" {
			t.Fatalf("commit %d: %v\n%s", i, err, errs)
		}
		r.Tick()
		ids = append(ids, r.Head())
	}
	for i, id := range ids {
		want := fmt.Sprintf("f%d.go:1", i+1)
		if i > 0 {
			want = fmt.Sprintf("f%d.go:1-%d", i+1, i+1)
		}
		wantLayout(t, r, id, want+":ai:claude-code")
		wantDeferred(t, log, id)
	}
	r.Write("last.go", "x\n")
	r.Git("add", "last.go")
	if _, errs, _ := r.Run("", "git", "commit", "-q", "-m", "Last"); errs != "" {
		t.Errorf("a commit after the series printed:\n%s", errs)
	}
	wantLayout(t, r, "HEAD", "last.go:1:human") // waits for its note
	checkAllNoted(t, r, "HEAD")
}

// A cherry-pick's provenance comes from the commit it copies, which git's
// traces name only while it runs: its hook stays in the foreground.
func TestDeferredCherryPickRunsInTheForeground(t *testing.T) {
	t.Parallel()
	r, log := deferredRepo(t, "")
	r.Git("checkout", "-q", "-b", "topic")
	r.Write("f.go", nlines(2, "cursor"))
	src := r.Commit("Lines an agent wrote, tagged by hand")
	r.MustTool("annotate", src, "--agent", "cursor", "--force")
	r.Git("checkout", "-q", "main")
	r.Write("g.go", nlines(1, "first"))
	r.Commit("Main moves on")
	r.Git("cherry-pick", src)
	wantLayout(t, r, "HEAD", "f.go:1-2:ai:cursor")
	b, _ := os.ReadFile(log)
	if calls := string(b); strings.Contains(calls, "--deferred "+r.Head()) || !strings.HasSuffix(calls, "hook post-commit --feed\n") {
		t.Errorf("the cherry-pick's hook did not run in the foreground; calls:\n%s", calls)
	}
}

// wantDeferredRewrite asserts that a post-rewrite hook ran in the
// background after how ("rebase" or "amend").
func wantDeferredRewrite(t *testing.T, log, how string) {
	t.Helper()
	b, _ := os.ReadFile(log)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "hook post-rewrite --deferred "+hookrun.RewritePrefix) && strings.HasSuffix(line, " "+how) {
			return
		}
	}
	t.Errorf("no deferred post-rewrite ran after %s; calls:\n%s", how, b)
}

// A rebase's notes are computed in the background: show and report, run
// at once, wait for them.
func TestDeferredRebaseThenShowAtOnce(t *testing.T) {
	t.Parallel()
	r, log := slowDeferredRepo(t)
	rebaseAgentThenHuman(r, 3)
	var rep struct {
		Commits struct {
			Total     int
			WithNotes int `json:"with_notes"`
		}
		Totals map[string]struct{ Added int }
	}
	out := r.MustTool("report", "--format", "json")
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if rep.Commits.Total != 3 || rep.Commits.WithNotes != 3 || rep.Totals["ai"].Added != 2 || rep.Totals["human"].Added != 4 {
		t.Errorf("report right after the rebase: %+v", rep)
	}
	wantLayout(t, r, "HEAD~1", "a.go:1-2:ai:claude-code")
	wantLayout(t, r, "HEAD", "b.go:1-3:human")
	checkAllNoted(t, r, "HEAD")
	wantDeferredRewrite(t, log, "rebase") // (logged once it started)
	if left, _ := filepath.Glob(filepath.Join(r.Dir, ".git", hookrun.DeferredDir, hookrun.RewritePrefix+"*")); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// An amend right after a rebase finds the notes the rebase's background
// hook writes.
func TestDeferredRebaseThenAmendAtOnce(t *testing.T) {
	t.Parallel()
	r, log := slowDeferredRepo(t)
	rebaseAgentThenHuman(r, 1)
	r.Write("b.go", nlines(1, "me")+nlines(1, "more"))
	r.Git("add", "b.go")
	r.Git("commit", "-q", "--amend", "--no-edit")
	wantLayout(t, r, "HEAD~1", "a.go:1-2:ai:claude-code")
	wantLayout(t, r, "HEAD", "b.go:1-2:human")
	checkAllNoted(t, r, "HEAD")
	wantDeferredRewrite(t, log, "rebase")
	wantDeferredRewrite(t, log, "amend")
}

// A background post-rewrite killed before it wrote the notes: a reader
// drops its marker with a warning, and the next commit fills the notes in
// from the commits' evidence.
func TestDeferredKilledPostRewrite(t *testing.T) {
	t.Parallel()
	r, log := deferredRepo(t, `case "$*" in *post-rewrite*--deferred*) kill -9 $$;; esac`)
	var env []string
	for _, kv := range r.Env {
		if !strings.HasPrefix(kv, "GIT_AI_SURVIVAL_HOOK_TIME_SCALE=") {
			env = append(env, kv)
		}
	}
	r.Env = env // the real budgets: a dead marker is known within seconds
	rebaseAgentThenHuman(r, 1)
	start := time.Now()
	_, errs, code := r.Tool("", "show", "HEAD")
	if code != 0 || !strings.Contains(errs, "provenance not carried over after a rebase or amend") || !strings.Contains(errs, "git ai-survival sync") {
		t.Errorf("show after the killed hook: exit %d, stderr:\n%s", code, errs)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("show waited %v for a dead hook", d)
	}
	wantDeferredRewrite(t, log, "rebase")
	if left, _ := filepath.Glob(filepath.Join(r.Dir, ".git", hookrun.DeferredDir, hookrun.RewritePrefix+"*")); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
	r.Env = append(r.Env, hookrun.SyncEnv+"=1")
	r.Write("c.go", nlines(1, "next"))
	r.Git("add", "c.go")
	_, errs, err := r.Run("", "git", "commit", "-q", "-m", "Next")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs, "2 earlier commit(s) had no note") {
		t.Errorf("stderr of the next commit:\n%s", errs)
	}
	wantLayout(t, r, "HEAD~2", "a.go:1-2:ai:claude-code")
	wantLayout(t, r, "HEAD~1", "b.go:1:human")
	checkAllNoted(t, r, "HEAD")
}

// Two worktrees rebasing at once: their background hooks queue, and no
// note is lost.
func TestDeferredRebasesInTwoWorktreesAtOnce(t *testing.T) {
	t.Parallel()
	r, log := deferredRepo(t, "")
	var wts []*gittest.Repo
	for i := range 2 {
		dir := filepath.Join(filepath.Dir(r.Dir), fmt.Sprintf("wt%d", i))
		r.Git("worktree", "add", "-q", "-b", fmt.Sprintf("side%d", i), dir)
		wt := &gittest.Repo{T: t, Dir: dir, Home: r.Home, Env: r.Env}
		for j := 1; j <= 3; j++ {
			wt.Write(fmt.Sprintf("w%d-%d.go", i, j), nlines(j, fmt.Sprintf("w%d", i)))
			wt.Commit(fmt.Sprintf("Agent %d %d", i, j) + claudeTrailer)
		}
		wts = append(wts, wt)
	}
	errc := make(chan error, len(wts))
	for _, wt := range wts {
		go func() {
			_, errs, err := wt.Run("", "git", "rebase", "-q", "--force-rebase", "HEAD~3")
			if err != nil || errs != "" {
				err = fmt.Errorf("rebase in %s: %v\n%s", filepath.Base(wt.Dir), err, errs)
			}
			errc <- err
		}()
	}
	for range wts {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
	for i, wt := range wts {
		for j := 1; j <= 3; j++ {
			want := fmt.Sprintf("w%d-%d.go:1", i, j)
			if j > 1 {
				want += fmt.Sprintf("-%d", j)
			}
			wantLayout(t, wt, fmt.Sprintf("HEAD~%d", 3-j), want+":ai:claude-code")
		}
		checkAllNoted(t, wt, "HEAD")
	}
	b, _ := os.ReadFile(log) // (logged once they started)
	if n := strings.Count(string(b), "hook post-rewrite --deferred "+hookrun.RewritePrefix); n != 2 {
		t.Errorf("%d deferred post-rewrites, want 2; calls:\n%s", n, b)
	}
}

// slowDeferredRepo is deferredRepo with background hook processes that
// take a second before they start their work.
func slowDeferredRepo(t *testing.T) (*gittest.Repo, string) {
	t.Helper()
	return deferredRepo(t, `case "$*" in *--deferred*) sleep 1;; esac`)
}

// rebaseAgentThenHuman commits two lines by Claude in a.go and human lines
// of b.go, then rebases both (--force-rebase).
func rebaseAgentThenHuman(r *gittest.Repo, human int) {
	r.Write("a.go", nlines(2, "ai"))
	r.Commit("Agent" + claudeTrailer)
	r.Write("b.go", nlines(human, "me"))
	r.Commit("Human")
	r.Git("rebase", "-q", "--force-rebase", "HEAD~2")
}
