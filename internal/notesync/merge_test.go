package notesync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func rec(commit, origin string) string {
	return `{"v":1,"commit":"` + commit + `","origin":"` + origin + `","evidence":"manual"}`
}

func TestMergeNeverLosesANote(t *testing.T) {
	r := gittest.New(t)
	var c []string
	for i := 0; i < 5; i++ {
		r.Write("f", strings.Repeat("x\n", i+1))
		c = append(c, r.Commit("c"))
	}
	ctx := context.Background()
	repo := r.Open(t)
	notes := func(args ...string) { r.Git(append([]string{"notes", "--ref=" + provenance.NotesRef}, args...)...) }
	notes("add", "-m", rec(c[0], "human"), c[0])
	notes("add", "-m", rec(c[1], "human"), c[1])
	notes("add", "-m", rec(c[3], "ai"), c[3])
	base := strings.TrimSpace(r.Git("rev-parse", provenance.NotesRef))
	// Their side: changes c1, corrupts c3, adds c2 and a foreign c4,
	// deletes c0.
	notes("add", "-f", "-m", rec(c[1], "ai"), c[1])
	notes("add", "-f", "-m", "not ours", c[3])
	notes("add", "-m", rec(c[2], "ai"), c[2])
	notes("add", "-m", "LGTM", c[4])
	notes("remove", c[0])
	theirs := strings.TrimSpace(r.Git("rev-parse", provenance.NotesRef))
	// Our side: also changes c1.
	r.Git("update-ref", provenance.NotesRef, base)
	notes("add", "-f", "-m", rec(c[1], "human")+"\n"+rec(c[1], "ai"), c[1])
	ours := strings.TrimSpace(r.Git("rev-parse", provenance.NotesRef))

	res, err := notesync.Merge(ctx, repo, theirs)
	if err != nil || res.Action != notesync.Merged {
		t.Fatalf("Merge = %+v, %v", res, err)
	}
	show := func(commit string) string {
		out, _, err := r.Run("", "git", "notes", "--ref="+provenance.NotesRef, "show", commit)
		if err != nil {
			return "<none>"
		}
		return out
	}
	want := map[int]string{
		0: rec(c[0], "human") + "\n",                          // deletion did not travel
		1: rec(c[1], "ai") + "\n" + rec(c[1], "human") + "\n", // both changed: union
		2: rec(c[2], "ai") + "\n",                             // new there
		3: rec(c[3], "ai") + "\n",                             // corrupt there: ours kept
		4: "LGTM\n",                                           // foreign, nothing here: carried as is
	}
	for i, w := range want {
		if got := show(c[i]); got != w {
			t.Errorf("note of c%d = %q, want %q", i, got, w)
		}
	}
	if len(res.Kept) != 1 || len(res.Foreign) != 1 || res.Combined != 1 || len(res.Warnings) != 2 {
		t.Errorf("result = %+v", res)
	}
	parents := strings.Fields(r.Git("log", "-1", "--format=%P", provenance.NotesRef))
	if len(parents) != 2 || parents[0] != ours || parents[1] != theirs {
		t.Errorf("merge parents = %v, want %s %s", parents, ours, theirs)
	}
	if again, err := notesync.Merge(ctx, repo, theirs); err != nil || again.Action != notesync.UpToDate {
		t.Errorf("second Merge = %+v, %v", again, err)
	}

	// A ref of another tool: no history in common, no note of ours.
	before := r.Git("rev-parse", provenance.NotesRef)
	r.Git("notes", "--ref=refs/notes/foreign", "add", "-m", "LGTM", c[0])
	foreign := strings.TrimSpace(r.Git("rev-parse", "refs/notes/foreign"))
	if res, err := notesync.Merge(ctx, repo, foreign); !errors.Is(err, notesync.ErrForeign) || res.Action != notesync.Skipped {
		t.Errorf("Merge of another tool's ref = %+v, %v", res, err)
	}
	if r.Git("rev-parse", provenance.NotesRef) != before {
		t.Error("the local notes moved")
	}
}
