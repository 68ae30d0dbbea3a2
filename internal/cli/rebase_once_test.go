package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// agentWrites records the lines an agent appends to path as a checkpoint.
func agentWrites(t *testing.T, r *gittest.Repo, path, content string) {
	t.Helper()
	r.MustTool("checkpoint", "--agent", "claude-code", "--before", "--", path)
	r.Write(path, content)
	r.MustTool("checkpoint", "--agent", "claude-code", "--after", "--", path)
}

// hasNote says whether commit has a note in r.
func hasNote(r *gittest.Repo, commit string) bool {
	_, _, err := r.Run("", "git", "notes", "--ref="+provenance.NotesRef, "list", commit)
	return err == nil
}

// checkAllNoted asserts every commit of rev's history has a note that
// describes it, and that no list of pending commits is left behind.
func checkAllNoted(t *testing.T, r *gittest.Repo, rev string) {
	t.Helper()
	for _, c := range strings.Fields(r.Git("rev-list", rev)) {
		out, _, _ := r.Run("", "git", "notes", "--ref="+provenance.NotesRef, "show", c)
		if !strings.Contains(out, `"commit":"`+c+`"`) {
			t.Errorf("commit %s has no note of its own:\n%s", c[:12], out)
		}
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "rebase-merge", rewrite.PendingFile)); err == nil {
		t.Errorf("%s left behind", rewrite.PendingFile)
	}
}

// During a rebase the post-commit hook computes no note (post-rewrite does,
// once, at the end); a commit made by hand at an `edit` stop, with the
// agent's checkpoints, gets its note with their evidence.
// agentThenHuman is a clone with three commits: a base, two lines Claude
// Code wrote (f.go:3-4) and three a person wrote (g.go:1-3).
func agentThenHuman(t *testing.T) *gittest.Repo {
	t.Helper()
	_, a := newWorldA(t)
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	a.Write("f.go", nlines(2, "base")+nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	a.Write("g.go", nlines(3, "me"))
	a.Commit("Human")
	return a
}

func TestRebaseEditWithNewCommitComputesNotesOnce(t *testing.T) {
	t.Parallel()
	a := agentThenHuman(t)
	a.Env = append(a.Env, `GIT_SEQUENCE_EDITOR=sed -i -e '1s/^pick/edit/'`)
	a.Git("rebase", "-q", "-i", "--force-rebase", "HEAD~2")
	// Stopped after picking "Agent": its note is left to post-rewrite.
	picked := strings.TrimSpace(a.Git("rev-parse", "HEAD"))
	if hasNote(a, picked) {
		t.Errorf("the picked commit got a note during the rebase")
	}
	pending, err := os.ReadFile(filepath.Join(a.Dir, ".git", "rebase-merge", rewrite.PendingFile))
	if err != nil || string(pending) != picked+"\n" {
		t.Fatalf("pending list = %q (%v), want the picked commit", pending, err)
	}
	// By hand: an agent writes two lines, the person one.
	agentWrites(t, a, "h.go", nlines(2, "agent"))
	a.Write("h.go", nlines(2, "agent")+nlines(1, "mine"))
	a.Git("add", "h.go")
	a.Git("commit", "-q", "-m", "By hand during the rebase")
	a.Git("rebase", "--continue")
	if n := strings.Count(a.Git("log", "--format=%H"), "\n"); n != 4 {
		t.Fatalf("after the rebase: %d commits, want 4", n)
	}
	wantLayout(t, a, "HEAD~2", "f.go:3-4:ai:claude-code")
	wantLayout(t, a, "HEAD~1", "h.go:1-2:ai:claude-code h.go:3:human")
	wantLayout(t, a, "HEAD", "g.go:1-3:human")
	checkAllNoted(t, a, "HEAD")
}

// A commit amended at an `edit` stop keeps the lines of the commit it
// replaced and gets the new ones from its own evidence.
func TestRebaseEditAmendKeepsProvenance(t *testing.T) {
	t.Parallel()
	_, a := newWorldA(t)
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	a.Write("f.go", nlines(2, "base")+nlines(2, "cursor"))
	src := a.Commit("Lines an agent wrote, tagged by hand")
	a.MustTool("annotate", src, "--agent", "cursor", "--force")
	a.Write("g.go", nlines(3, "me"))
	a.Commit("Human")
	a.Env = append(a.Env, `GIT_SEQUENCE_EDITOR=sed -i -e '1s/^pick/edit/'`)
	a.Git("rebase", "-q", "-i", "--force-rebase", "HEAD~2")
	agentWrites(t, a, "f.go", nlines(2, "base")+nlines(2, "cursor")+nlines(1, "claude"))
	a.Git("add", "f.go")
	a.Git("commit", "-q", "--amend", "--no-edit")
	a.Git("rebase", "--continue")
	wantLayout(t, a, "HEAD~1", "f.go:3-4:ai:cursor f.go:5:ai:claude-code")
	wantLayout(t, a, "HEAD", "g.go:1-3:human")
	checkAllNoted(t, a, "HEAD")
}

// A conflict resolved by hand: the picked lines keep their provenance, the
// resolution's take the commit's own evidence.
func TestRebaseConflictResolvedByHand(t *testing.T) {
	t.Parallel()
	_, a := newWorldA(t)
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	a.Git("checkout", "-q", "-b", "topic")
	a.Write("f.go", nlines(2, "base")+nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	a.Write("g.go", nlines(2, "ai2"))
	a.Commit("Agent again" + claudeTrailer)
	a.Git("checkout", "-q", "main")
	a.Write("f.go", nlines(2, "base")+nlines(1, "other"))
	a.Commit("Main moves on")
	a.Git("checkout", "-q", "topic")
	if _, _, err := a.Run("", "git", "rebase", "-q", "main"); err == nil {
		t.Fatal("rebase: no conflict")
	}
	a.Write("f.go", nlines(2, "base")+nlines(1, "other")+nlines(2, "ai")+nlines(1, "resolved"))
	a.Git("add", "f.go")
	a.Git("rebase", "--continue")
	wantLayout(t, a, "HEAD~1", "f.go:4-6:ai:claude-code")
	wantLayout(t, a, "HEAD", "g.go:1-2:ai:claude-code")
	checkAllNoted(t, a, "HEAD")
}

// Commits an `exec` line makes get their notes, as do the picked ones.
func TestRebaseExecCommits(t *testing.T) {
	t.Parallel()
	a := agentThenHuman(t)
	a.Git("rebase", "-q", "--force-rebase", "HEAD~2", "--exec", "echo x >>x.txt && git add x.txt && git commit -q -m 'Exec commit'")
	if n := strings.Count(a.Git("log", "--format=%H"), "\n"); n != 5 {
		t.Fatalf("after the rebase: %d commits, want 5", n)
	}
	wantLayout(t, a, "HEAD~3", "f.go:3-4:ai:claude-code")
	wantLayout(t, a, "HEAD~2", "x.txt:1:human")
	wantLayout(t, a, "HEAD~1", "g.go:1-3:human")
	wantLayout(t, a, "HEAD", "x.txt:2:human")
	checkAllNoted(t, a, "HEAD")
}

// Checkpoints of lines not yet committed stay pending across a rebase and
// tag the next commit.
func TestPendingCheckpointsSurviveARebase(t *testing.T) {
	t.Parallel()
	a := agentThenHuman(t)
	agentWrites(t, a, "new.go", nlines(2, "agent"))
	a.Git("rebase", "-q", "--force-rebase", "HEAD~2")
	wantLayout(t, a, "HEAD~1", "f.go:3-4:ai:claude-code")
	wantLayout(t, a, "HEAD", "g.go:1-3:human")
	a.Git("add", "new.go")
	a.Git("commit", "-q", "-m", "Now the agent's file")
	wantLayout(t, a, "HEAD", "new.go:1-2:ai:claude-code")
	checkAllNoted(t, a, "HEAD")
}

// A range of cherry-picks: each copy keeps its source's provenance.
func TestCherryPickRangeCarriesProvenance(t *testing.T) {
	t.Parallel()
	_, a, _ := cursorTopic(t)
	a.Write("g.go", nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	a.Git("checkout", "-q", "main")
	a.Write("h.go", nlines(1, "first"))
	a.Commit("Main moves on")
	a.Git("cherry-pick", "main..topic")
	wantLayout(t, a, "HEAD~1", "f.go:4-5:ai:cursor")
	wantLayout(t, a, "HEAD", "g.go:1-2:ai:claude-code")
	checkAllNoted(t, a, "HEAD")
}

// In a linked worktree (.git is a file naming the git directory), the
// hook finds the rebase and leaves its notes to post-rewrite too.
func TestRebaseInALinkedWorktree(t *testing.T) {
	t.Parallel()
	_, a := newWorldA(t)
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	wt := filepath.Join(filepath.Dir(a.Dir), "linked")
	a.Git("worktree", "add", "-q", "-b", "side", wt)
	l := &gittest.Repo{T: t, Dir: wt, Home: a.Home, Env: a.Env}
	l.Write("f.go", nlines(2, "base")+nlines(2, "ai"))
	l.Commit("Agent" + claudeTrailer)
	l.Write("g.go", nlines(3, "me"))
	l.Commit("Human")
	l.Env = append(l.Env, `GIT_SEQUENCE_EDITOR=sed -i -e '1s/^pick/edit/'`)
	l.Git("rebase", "-q", "-i", "--force-rebase", "HEAD~2")
	gitDir := strings.TrimSpace(l.Git("rev-parse", "--absolute-git-dir"))
	pending, err := os.ReadFile(filepath.Join(gitDir, "rebase-merge", rewrite.PendingFile))
	if picked := strings.TrimSpace(l.Git("rev-parse", "HEAD")); err != nil || string(pending) != picked+"\n" {
		t.Fatalf("pending list = %q (%v), want the picked commit %s", pending, err, picked)
	}
	l.Git("rebase", "--continue")
	wantLayout(t, l, "HEAD~1", "f.go:3-4:ai:claude-code")
	wantLayout(t, l, "HEAD", "g.go:1-3:human")
	checkAllNoted(t, l, "HEAD")
}
