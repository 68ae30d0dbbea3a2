package notes_test

import (
	"context"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
)

// fourNotedCommits is a repository with the hooks installed and four
// commits, each with its note.
func fourNotedCommits(t *testing.T) *gittest.Repo {
	t.Helper()
	r := gittest.New(t)
	r.Write("README", "readme\n")
	r.MustTool("install")
	r.Commit("Set up")
	for _, f := range []string{"a", "b", "c"} {
		r.Write(f+".txt", f+"\n")
		r.Commit("Add " + f)
	}
	return r
}

// filterBranch rewrites every commit of main, as git filter-branch does:
// without carrying the notes over.
func filterBranch(t *testing.T, r *gittest.Repo) {
	t.Helper()
	if out, errs, err := r.Run("", "env", "FILTER_BRANCH_SQUELCH_WARNING=1", "git", "filter-branch", "-f",
		"--env-filter", "GIT_COMMITTER_NAME=Filter; export GIT_COMMITTER_NAME", "--", "main"); err != nil {
		t.Fatalf("filter-branch: %v\n%s%s", err, out, errs)
	}
}

func store(t *testing.T, r *gittest.Repo) *notes.Store {
	t.Helper()
	repo, err := gitx.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Git.Env = r.Env
	return notes.New(repo)
}

func lost(t *testing.T, r *gittest.Repo) int {
	t.Helper()
	n, err := store(t, r).Lost(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLostToFilterBranch: git filter-branch rewrites every commit and
// carries no note; report says how many commits lost theirs, and feeding
// the old and new ids to the post-rewrite hook, as the warning says,
// carries them over. A rebase, which runs post-rewrite, loses nothing.
func TestLostToFilterBranch(t *testing.T) {
	r := fourNotedCommits(t)
	// A rebase that rewrites the last two commits keeps their notes.
	r.Git("rebase", "-q", "--exec", "true", "--force-rebase", "HEAD~2")
	if n := lost(t, r); n != 0 {
		t.Fatalf("after a rebase: %d lost", n)
	}
	if _, errs, code := r.Tool("", "report"); code != 0 || strings.Contains(errs, "lost") {
		t.Errorf("report after a rebase: %d %s", code, errs)
	}

	filterBranch(t, r)
	if n := lost(t, r); n != 4 {
		t.Errorf("after filter-branch: %d lost, want 4", n)
	}
	_, errs, code := r.Tool("", "report")
	if code != 0 || !strings.Contains(errs, "warning: 4 commits lost their provenance notes to a history rewrite") ||
		!strings.Contains(errs, "git ai-survival hook post-rewrite rebase < <pairs>") {
		t.Errorf("report: exit %d, stderr %s", code, errs)
	}
	// The next report continues the saved walk, and still warns.
	if _, errs, code := r.Tool("", "report"); code != 0 || !strings.Contains(errs, "warning: 4 commits lost their provenance notes") {
		t.Errorf("second report: exit %d, stderr %s", code, errs)
	}

	// Carried over by content, as the warning says first...
	if out, errs, code := r.Tool("", "annotate", "--restore"); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("annotate --restore: %d %s %s", code, out, errs)
	}
	if n := lost(t, r); n != 0 {
		t.Errorf("after annotate --restore: %d lost", n)
	}
	if _, errs, _ := r.Tool("", "report"); strings.Contains(errs, "lost") {
		t.Errorf("report after annotate --restore: %s", errs)
	}
}

// TestLostCarriedOverExactly: the post-rewrite hook, fed the old and new
// ids, carries the notes of a filter-branch rewrite over exactly; sync
// warns before.
func TestLostCarriedOverExactly(t *testing.T) {
	r := fourNotedCommits(t)
	filterBranch(t, r)
	remote := r.Dir + "-origin.git"
	r.Git("init", "-q", "--bare", remote)
	r.Git("remote", "add", "origin", remote)
	if _, errs, code := r.Tool("", "sync", "--no-restore"); code != 0 || !strings.Contains(errs, "warning: 4 commits lost their provenance notes") {
		t.Errorf("sync: exit %d, stderr %s", code, errs)
	}

	old := strings.Fields(r.Git("rev-list", "--reverse", "refs/original/refs/heads/main"))
	cur := strings.Fields(r.Git("rev-list", "--reverse", "main"))
	var pairs strings.Builder
	for i := range old {
		pairs.WriteString(old[i] + " " + cur[i] + "\n")
	}
	if _, errs, code := r.Tool(pairs.String(), "hook", "post-rewrite", "rebase"); code != 0 || errs != "" {
		t.Fatalf("hook post-rewrite: %d %s", code, errs)
	}
	if n := lost(t, r); n != 0 {
		t.Errorf("after carrying them over: %d lost", n)
	}
	if _, errs, _ := r.Tool("", "sync"); strings.Contains(errs, "lost") {
		t.Errorf("sync after carrying them over: %s", errs)
	}
}

// TestLostAfterResume: a walk that continued a saved one takes the count
// of the last check when it was under the threshold (no history read),
// and checks again when it was not; a walk that started over always checks
// and keeps its count.
func TestLostAfterResume(t *testing.T) {
	r := fourNotedCommits(t)
	s := store(t, r)
	ctx := context.Background()
	after := func(resumed bool) int {
		t.Helper()
		n, err := s.LostAfter(ctx, resumed)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := after(false); n != 0 {
		t.Fatalf("before the rewrite: %d lost", n)
	}
	filterBranch(t, r)
	if n := after(true); n != 0 {
		t.Errorf("resumed after a check that found none: %d, want the kept 0 (no check)", n)
	}
	if n := after(false); n != 4 {
		t.Errorf("started over: %d lost, want 4", n)
	}
	if n := after(true); n != 4 {
		t.Errorf("resumed after a check that found 4: %d, want 4 (checked again)", n)
	}
}
