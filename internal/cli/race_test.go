package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// raceWorktrees makes n linked worktrees of an installed repository, each
// on its own branch, and returns them.
func raceWorktrees(t *testing.T, n int) (*gittest.Repo, []*gittest.Repo) {
	t.Helper()
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("README", "base\n")
	r.Commit("base")
	var wts []*gittest.Repo
	for i := range n {
		dir := filepath.Join(filepath.Dir(r.Dir), fmt.Sprintf("wt%d", i))
		r.Git("worktree", "add", "-q", "-b", fmt.Sprintf("agent%d", i), dir)
		wts = append(wts, gittest.NewAt(t, dir, r.Home))
	}
	return r, wts
}

// commitMany makes count commits in wt, each adding one file; it returns
// the errors met (a test's goroutine must not call Fatal).
func commitMany(wt *gittest.Repo, name string, count int) error {
	for j := range count {
		file := fmt.Sprintf("%s-%d.txt", name, j)
		if err := writeFileErr(filepath.Join(wt.Dir, file), fmt.Sprintf("line of %s %d\n", name, j)); err != nil {
			return err
		}
		if _, errs, err := wt.Run("", "git", "add", file); err != nil {
			return fmt.Errorf("git add in %s: %v\n%s", name, err, errs)
		}
		if _, errs, err := wt.Run("", "git", "commit", "-q", "-m", file); err != nil {
			return fmt.Errorf("git commit in %s: %v\n%s", name, err, errs)
		} else if strings.Contains(errs, "warning") {
			return fmt.Errorf("git commit in %s warned:\n%s", name, errs)
		}
	}
	return nil
}

// missingNotes lists the commits reachable from any branch, other than
// the base commits, that have no note.
func missingNotes(t *testing.T, r *gittest.Repo, exclude string) []string {
	t.Helper()
	all := strings.Fields(r.Git("rev-list", "--branches", "--not", exclude))
	noted := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(r.Git("notes", "--ref=refs/notes/ai-survival", "list")), "\n") {
		if _, c, ok := strings.Cut(line, " "); ok {
			noted[c] = true
		}
	}
	var missing []string
	for _, c := range all {
		if !noted[c] {
			missing = append(missing, c)
		}
	}
	return missing
}

func raceCommits(t *testing.T, worktrees, commits int) {
	r, wts := raceWorktrees(t, worktrees)
	base := r.Head()
	var wg sync.WaitGroup
	errs := make([]error, len(wts))
	for i, wt := range wts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = commitMany(wt, fmt.Sprintf("agent%d", i), commits)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	total := strings.Fields(r.Git("rev-list", "--branches", "--not", base))
	if len(total) != worktrees*commits {
		t.Fatalf("%d commits made, want %d", len(total), worktrees*commits)
	}
	if missing := missingNotes(t, r, base); len(missing) != 0 {
		t.Errorf("%d of %d commits made in parallel worktrees have no note: %v", len(missing), len(total), missing)
	}
}

// Commits made at the same time in linked worktrees (one agent each) all
// keep their notes: every write of the notes ref is a compare-and-swap.
func TestParallelWorktreeCommitsKeepEveryNote(t *testing.T) {
	raceCommits(t, 4, 4)
}

func TestParallelWorktreeCommitsKeepEveryNoteMany(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: 4 worktrees x 25 commits, three times")
	}
	for range 3 {
		raceCommits(t, 4, 25)
	}
}

// A rebase in one worktree while another commits: the rebased commits get
// their notes (post-rewrite) and the new commits keep theirs.
func TestRebaseNextToCommitsKeepsEveryNote(t *testing.T) {
	r, wts := raceWorktrees(t, 2)
	base := r.Head()
	rebasing, committing := wts[0], wts[1]
	if err := commitMany(rebasing, "rebased", 6); err != nil {
		t.Fatal(err)
	}
	r.Write("upstream.txt", "upstream\n")
	r.Commit("upstream")
	upstream := r.Head()
	var wg sync.WaitGroup
	var rebaseErr, commitErr error
	rebases, commits := 3, 10
	if testing.Short() {
		rebases, commits = 2, 6 // make test-slow runs the longer race
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range rebases {
			// Rebase onto main, then back onto the base, three times over.
			onto := upstream
			if i%2 == 1 {
				onto = base
			}
			if _, errs, err := rebasing.Run("", "git", "rebase", "-q", "--onto", onto, "HEAD~6"); err != nil {
				rebaseErr = fmt.Errorf("rebase: %v\n%s", err, errs)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		commitErr = commitMany(committing, "committed", commits)
	}()
	wg.Wait()
	if rebaseErr != nil || commitErr != nil {
		t.Fatal(rebaseErr, commitErr)
	}
	if missing := missingNotes(t, r, base); len(missing) != 0 {
		t.Errorf("%d commits have no note after a rebase next to commits: %v", len(missing), missing)
	}
}

func writeFileErr(path, content string) error {
	return os.WriteFile(path, []byte(content), 0o644)
}
