package capture_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func TestPostCommitNoteAndBudget(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	var big strings.Builder
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&big, "generated line %d\n", i)
	}
	r.Write("gen.txt", big.String())
	r.Write("small.txt", "a\n")
	r.Commit("big")
	repo := r.Open(t)
	ctx := context.Background()
	ai := func(m provenance.Meta) (provenance.Attribution, bool) {
		return provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Evidence: provenance.EvidenceTrailer}, true
	}
	res, err := capture.PostCommit(ctx, repo, ai, capture.PostCommitOptions{Budget: time.Minute})
	if err != nil || res.Partial || res.Lines != 200001 {
		t.Fatalf("PostCommit = %+v, %v", res, err)
	}
	e, ok, err := notes.New(repo).Read(ctx, res.Commit)
	if err != nil || !ok || e.Err != nil {
		t.Fatalf("note: %v %v %v", ok, err, e.Err)
	}
	pc := e.Note.Resolve(res.Commit)
	if got := pc.Files["gen.txt"]; len(got) != 1 || got[0].Start != 1 || got[0].End != 200000 || got[0].Agent != "claude-code" {
		t.Errorf("gen.txt spans = %+v", got)
	}
	// A second run finds the note there and keeps it.
	res, err = capture.PostCommit(ctx, repo, nil, capture.PostCommitOptions{Budget: time.Minute})
	if err != nil || !res.Existing {
		t.Errorf("second PostCommit = %+v, %v", res, err)
	}

	// Out of time before the first diff: a partial note whose commit
	// record covers every line.
	r.Write("gen.txt", big.String()+"more\n")
	head := r.Commit("more")
	res, err = capture.PostCommit(ctx, repo, ai, capture.PostCommitOptions{Budget: time.Nanosecond})
	if err != nil || !res.Partial || res.Commit != head {
		t.Fatalf("budgeted PostCommit = %+v, %v", res, err)
	}
	e, _, _ = notes.New(repo).Read(ctx, head)
	pc = e.Note.Resolve(head)
	if !pc.Partial || pc.At("gen.txt", 200001).Origin != provenance.AI {
		t.Errorf("partial note = %s", e.Note.Bytes())
	}
}

func TestPostCommitDetachedHead(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("f", "1\n")
	r.Commit("root")
	r.Git("checkout", "-q", "--detach")
	r.Write("f", "1\n2\n")
	head := r.Commit("detached")
	res, err := capture.PostCommit(context.Background(), r.Open(t), nil, capture.PostCommitOptions{Budget: time.Minute})
	if err != nil || res.Commit != head || res.Lines != 1 || res.Origin != "human" {
		t.Errorf("PostCommit = %+v, %v", res, err)
	}
}

// commitMerge merges a branch made from HEAD~1 (it adds b.txt: "side")
// into main, adding a line of its own ("merge"), with message msg.
func commitMerge(r *gittest.Repo, msg string) {
	r.Git("checkout", "-q", "-b", "side", "HEAD~1")
	r.Write("b.txt", "side\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--no-commit", "side")
	r.Write("b.txt", "side\nmerge\n")
	r.Git("add", "b.txt")
	r.Commit(msg)
}

func TestReadCommitHostileMessage(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("a.txt", "1\n2\n")
	r.Commit("root")
	r.Write("a.txt", "1\n2\n3\n")
	msg := "Looks like a diff\n\n\x1e" + strings.Repeat("f", 40) + "\ndiff --git a/evil b/evil\n--- a/evil\n+++ b/evil\n@@ -0,0 +1,99 @@\n+x\n\x1dais-00\n\x1dais-00\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
	r.Git("add", "a.txt")
	r.Git("commit", "-q", "-m", msg)
	meta, add, err := capture.ReadCommit(context.Background(), r.Open(t), "HEAD", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if meta.ID != r.Head() || !strings.Contains(meta.Message, "diff --git a/evil") || !strings.HasSuffix(strings.TrimSpace(meta.Message), "<noreply@anthropic.com>") {
		t.Errorf("meta = %+v", meta)
	}
	if len(add.Files) != 1 || add.Files["a.txt"].String() != "3" {
		t.Errorf("added = %+v", add.Files)
	}
	// A merge: metadata once, lines in no parent.
	commitMerge(r, "merge")
	meta, add, err = capture.ReadCommit(context.Background(), r.Open(t), "HEAD", time.Time{})
	if err != nil || len(meta.Parents) != 2 || strings.TrimSpace(meta.Message) != "merge" || len(add.Files) != 1 || add.Files["b.txt"].String() != "2" {
		t.Errorf("merge: meta %+v added %+v err %v", meta, add.Files, err)
	}
}
