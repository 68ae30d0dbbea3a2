package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
)

// With install --lazy no post-commit hook runs: a commit gets its note from
// the next command, checkpoint, rewrite or push of ours, tagged as the
// post-commit hook would have tagged it (agent checkpoints included).
func TestLazyInstallWritesNotesLater(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("base.go", nlines(2, "base"))
	a.Commit("Base")
	out := a.MustTool("install", "--lazy")
	for _, want := range []string{"post-commit: removed ", "post-commit: none (--lazy)"} {
		if !strings.Contains(out, want) {
			t.Errorf("install --lazy said:\n%s\nwant a line with %q", out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(a.Dir, ".git", "hooks", "post-commit")); err == nil {
		t.Errorf("install --lazy left the post-commit hook in place")
	}
	if st := a.MustTool("status"); !strings.Contains(st, "post-commit    none (install --lazy") || strings.Contains(st, "missing") {
		t.Errorf("status after install --lazy:\n%s", st)
	}

	// An agent writes two lines, the person a third; then a commit with
	// Claude's trailer.
	agentWrites(t, a, "f.go", nlines(2, "agent"))
	a.Write("f.go", nlines(2, "agent")+nlines(1, "mine"))
	mixed := a.Commit("Agent and me")
	a.Write("g.go", nlines(3, "claude"))
	trailer := a.Commit("Claude" + claudeTrailer)
	if hasNote(a, mixed) || hasNote(a, trailer) {
		t.Fatalf("a commit got a note without a post-commit hook")
	}
	// The next command writes both, oldest first.
	wantLayout(t, a, trailer, "g.go:1-3:ai:claude-code")
	wantLayout(t, a, mixed, "f.go:1-2:ai:claude-code f.go:3:human")

	// An amend: post-rewrite writes the amended commit's note first, then
	// carries it.
	agentWrites(t, a, "h.go", nlines(2, "agent"))
	a.Commit("More")
	a.Write("h.go", nlines(2, "agent")+nlines(1, "mine"))
	a.Git("commit", "-q", "-a", "--amend", "--no-edit")
	amended := a.Head()
	if !hasNote(a, amended) {
		t.Errorf("the amended commit has no note after post-rewrite")
	}
	wantLayout(t, a, amended, "h.go:1-2:ai:claude-code h.go:3:human")

	// A rebase of commits made since: their notes are written before they
	// are carried, each once.
	a.Write("i.go", nlines(1, "late"))
	late := a.Commit("Late")
	a.Git("rebase", "-q", "--force-rebase", "HEAD~3")
	checkAllNoted(t, a, "HEAD~4..HEAD")
	wantLayout(t, a, "HEAD~2", "g.go:1-3:ai:claude-code")
	wantLayout(t, a, "HEAD~1", "h.go:1-2:ai:claude-code h.go:3:human")
	wantLayout(t, a, "HEAD", "i.go:1:human")
	if !hasNote(a, late) {
		t.Errorf("the rebased commit's original has no note")
	}

	// A push carries the notes of commits made since the last command.
	a.Write("j.go", nlines(2, "pushed"))
	pushed := a.Commit("Pushed" + claudeTrailer)
	a.Git("push", "-q", "origin", "main")
	if note := w.remoteNote(pushed); !strings.Contains(note, `"commit":"`+pushed+`"`) {
		t.Errorf("the remote has no note for the pushed commit: %q", note)
	}

	// Installing again without --lazy puts the post-commit hook back.
	out = a.MustTool("install")
	if !strings.Contains(out, "post-commit: installed ") {
		t.Errorf("install said:\n%s\nwant the post-commit hook installed", out)
	}
	if _, err := os.Stat(filepath.Join(a.Dir, ".git", hookrun.LazyFile)); err == nil {
		t.Errorf("install left %s", hookrun.LazyFile)
	}
	a.Write("k.go", nlines(1, "now"))
	if now := a.Commit("Now"); !hasNote(a, now) {
		t.Errorf("a commit after install has no note")
	}
}

// An agent's checkpoint writes the notes of the commits made before it,
// with the checkpoints they used, before it records its own.
func TestLazyCheckpointWritesTheNotesOwed(t *testing.T) {
	t.Parallel()
	_, a := newWorldA(t)
	a.MustTool("install", "--lazy")
	agentWrites(t, a, "f.go", nlines(3, "agent"))
	first := a.Commit("Agent")
	agentWrites(t, a, "f.go", nlines(3, "agent")+nlines(1, "again"))
	if !hasNote(a, first) {
		t.Fatalf("the checkpoint after a commit did not write its note")
	}
	a.Write("f.go", nlines(3, "agent")+nlines(1, "again")+nlines(1, "mine"))
	second := a.Commit("Again")
	wantLayout(t, a, first, "f.go:1-3:ai:claude-code")
	wantLayout(t, a, second, "f.go:4:ai:claude-code f.go:5:human")
	if out := a.MustTool("uninstall"); !strings.Contains(out, "pre-push: removed") {
		t.Errorf("uninstall said:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(a.Dir, ".git", hookrun.LazyFile)); err == nil {
		t.Errorf("uninstall left %s", hookrun.LazyFile)
	}
}

// Without post-commit, the background post-rewrite of a rebase writes the
// originals' notes before it carries them; a report run at once waits for
// it, and an amend then carries the rebased note.
func TestLazyBackgroundRebaseThenReportAtOnce(t *testing.T) {
	t.Parallel()
	r, log := slowDeferredRepo(t)
	r.MustTool("install", "--lazy")
	if err := os.WriteFile(log, nil, 0o644); err != nil { // the calls from now on
		t.Fatal(err)
	}
	agentWrites(t, r, "a.go", nlines(2, "ai"))
	r.Write("a.go", nlines(2, "ai")+nlines(1, "me"))
	r.Commit("Agent and me")
	r.Write("b.go", nlines(3, "me"))
	r.Commit("Human")
	r.Git("rebase", "-q", "--force-rebase", "HEAD~2")
	out := r.MustTool("report", "--format", "json")
	var rep struct {
		Commits struct {
			Total     int
			WithNotes int `json:"with_notes"`
		}
		Totals map[string]struct{ Added int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if rep.Commits.Total != 3 || rep.Commits.WithNotes != 3 || rep.Totals["ai"].Added != 2 || rep.Totals["human"].Added != 5 {
		t.Errorf("report right after the rebase: %+v", rep)
	}
	wantLayout(t, r, "HEAD~1", "a.go:1-2:ai:claude-code a.go:3:human")
	wantDeferredRewrite(t, log, "rebase")
	if b, _ := os.ReadFile(log); strings.Contains(string(b), "hook post-commit") {
		t.Errorf("a post-commit hook ran after install --lazy; calls:\n%s", b)
	}
}

// Without post-commit, copies are found after the fact: a cherry-pick by
// its -x line, a merge --squash by the post-merge hook's record, even
// with commits made after it; their lines take their sources' provenance.
func TestLazyCopiesCarryProvenance(t *testing.T) {
	t.Parallel()
	_, a := newWorldA(t)
	a.MustTool("install", "--lazy")
	agentThenHumanOnFeature(a)
	agentWrites(t, a, "k.go", nlines(2, "checkpointed"))
	agent := a.Commit("Checkpointed lines, no trailer")
	a.Git("checkout", "-q", "main")
	a.Write("g.go", nlines(1, "other"))
	a.Commit("Main moves on")
	a.Git("merge", "-q", "--squash", "feature")
	a.Git("commit", "-q", "-m", "Feature, squashed")
	a.Write("h.go", nlines(1, "after"))
	a.Commit("After the squash")
	wantLayout(t, a, "HEAD~1", "f.go:3-4:ai:claude-code f.go:5-6:human k.go:1-2:ai:claude-code")
	wantLayout(t, a, "HEAD", "h.go:1:human")

	a.Git("checkout", "-q", "-b", "picks", "HEAD~2")
	a.Git("cherry-pick", "-x", agent)
	wantLayout(t, a, "HEAD", "k.go:1-2:ai:claude-code")
}
