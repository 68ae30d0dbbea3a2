package capture_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func open(t *testing.T, r *gittest.Repo) *gitx.Repo {
	t.Helper()
	repo, err := gitx.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Env = r.Env
	return repo
}

// summary renders what StreamAdded reported, commit by commit, with
// commits named by their subjects.
func summary(t *testing.T, r *gittest.Repo, revs ...string) string {
	t.Helper()
	repo := open(t, r)
	names := map[string]string{}
	metas, err := repo.ReadMeta(context.Background(), revs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range metas {
		names[m.ID] = strings.TrimSpace(m.Message)
	}
	var lines []string
	err = capture.StreamAdded(context.Background(), repo, time.Time{}, func(a capture.Added) error {
		var parts []string
		for p, s := range a.Files {
			parts = append(parts, fmt.Sprintf("%q:%s", p, s))
		}
		for _, b := range a.Binary {
			parts = append(parts, fmt.Sprintf("%q:binary", b))
		}
		sort.Strings(parts)
		lines = append(lines, names[a.Commit]+" "+strings.Join(parts, " "))
		return nil
	}, revs...)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestStreamAdded(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("a.txt", "one\ntwo\nthree\n")
	r.Write("dir with space/ü.txt", "x\r\ny\r\n")
	r.Write("new\nline", "no final newline")
	r.Write("img.bin", "\x00\x01\x02")
	r.Write("empty", "")
	r.Write("r.txt", "r1\nr2\nr3\nr4\n")
	r.Commit("root")
	r.Write("a.txt", "one\nTWO\nthree\nfour\n")
	r.Git("mv", "r.txt", "moved.txt")
	r.Write("moved.txt", "r1\nr2\nr3\nr4\nr5\n")
	r.Commit("edit")
	r.Commit("empty commit")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("a.txt", "zero\none\nTWO\nthree\nfour\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("a.txt", "one\nTWO\nthree\nfour\nfive\n")
	r.Commit("main")
	r.Git("merge", "-q", "--no-commit", "side")
	r.Write("a.txt", "zero\none\nTWO\nthree\nfour\nfive\nmerge only\n")
	r.Git("add", "a.txt")
	r.Commit("merge")
	got := summary(t, r, "HEAD")
	want := strings.Join([]string{
		`edit "a.txt":2,4 "moved.txt":5`,
		`empty commit `,
		`main "a.txt":5`,
		`merge "a.txt":7`,
		`root "a.txt":1-3 "dir with space/ü.txt":1-2 "img.bin":binary "new\nline":1 "r.txt":1-4`,
		`side "a.txt":1`,
	}, "\n")
	if got != want {
		t.Errorf("added lines:\n%s\nwant:\n%s", got, want)
	}
}

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
	repo := open(t, r)
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
	res, err := capture.PostCommit(context.Background(), open(t, r), nil, capture.PostCommitOptions{Budget: time.Minute})
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
	meta, added, err := capture.ReadCommit(context.Background(), open(t, r), "HEAD", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if meta.ID != r.Head() || !strings.Contains(meta.Message, "diff --git a/evil") || !strings.HasSuffix(strings.TrimSpace(meta.Message), "<noreply@anthropic.com>") {
		t.Errorf("meta = %+v", meta)
	}
	if len(added.Files) != 1 || added.Files["a.txt"].String() != "3" {
		t.Errorf("added = %+v", added.Files)
	}
	// A merge: metadata once, lines in no parent.
	commitMerge(r, "merge")
	meta, added, err = capture.ReadCommit(context.Background(), open(t, r), "HEAD", time.Time{})
	if err != nil || len(meta.Parents) != 2 || strings.TrimSpace(meta.Message) != "merge" || len(added.Files) != 1 || added.Files["b.txt"].String() != "2" {
		t.Errorf("merge: meta %+v added %+v err %v", meta, added.Files, err)
	}
}
