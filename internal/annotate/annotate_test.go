package annotate_test

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/annotate"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) { os.Exit(gittest.Main(m)) }

// claude classifies the commits whose message names Claude as its.
func claude(m provenance.Meta) (provenance.Attribution, bool) {
	if strings.Contains(m.Message, "Claude") {
		return provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Evidence: provenance.EvidenceTrailer}, true
	}
	return provenance.Attribution{}, false
}

func TestRevs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	repo := r.Open(t)
	if _, err := annotate.Revs(ctx, repo, ""); err == nil || err.Error() != "this repository has no commits yet" {
		t.Errorf("empty repository: %v", err)
	}
	r.Write("a.txt", "a\n")
	c1 := r.Commit("one")
	r.Write("a.txt", "a\nb\n")
	r.Commit("two")
	repo = r.Open(t)
	for _, tc := range []struct {
		target string
		want   []string
		err    string
	}{
		{"", []string{"HEAD"}, ""},
		{"HEAD~1", []string{"--no-walk", c1}, ""},
		{"HEAD~1..HEAD", []string{"HEAD~1..HEAD"}, ""},
		{"^HEAD~1", []string{"^HEAD~1"}, ""},
		{"nope..HEAD", nil, `range "nope..HEAD" does not resolve in this repository`},
		{"--all..x", nil, `"--all..x" is not a range`},
		{"nope", nil, "nope"},
	} {
		got, err := annotate.Revs(ctx, repo, tc.target)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Revs(%q): err %v, want %q", tc.target, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Revs(%q) = %q, %v; want %q", tc.target, got, err, tc.want)
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	c1 := r.Commit("one by hand")
	r.Write("a.txt", "a\nb\nc\n")
	c2 := r.Commit("two\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	r.Write("b.txt", "x\n")
	c3 := r.Commit("three by hand")
	repo := r.Open(t)

	// By hand, one commit: every added line is human.
	res, err := annotate.Run(ctx, repo, []string{"--no-walk", c3}, annotate.Options{Human: true, Classify: claude})
	if err != nil {
		t.Fatal(err)
	}
	if want := (annotate.Result{Selected: 1, Labels: map[string]int{"human": 1}, Write: notes.WriteResult{Written: 1}}); !reflect.DeepEqual(res, want) {
		t.Errorf("--human: %+v, want %+v", res, want)
	}

	// From evidence, all history: c3 keeps its note, c1 has no evidence.
	res, err = annotate.Run(ctx, repo, []string{"HEAD"}, annotate.Options{Classify: claude})
	if err != nil {
		t.Fatal(err)
	}
	if want := (annotate.Result{Selected: 3, Labels: map[string]int{"ai (claude-code)": 1}, Write: notes.WriteResult{Written: 1}, Kept: 1, NoEvidence: 1}); !reflect.DeepEqual(res, want) {
		t.Errorf("from evidence: %+v, want %+v", res, want)
	}
	store := notes.New(repo)
	list, err := store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := list[c1]; ok || len(list) != 2 {
		t.Errorf("notes on %v, want on c2 and c3 only", list)
	}
	e, ok, err := store.Read(ctx, c2)
	if err != nil || !ok {
		t.Fatalf("c2's note: %v %v", ok, err)
	}
	if s := string(e.Note.Bytes()); !strings.Contains(s, `"claude-code"`) {
		t.Errorf("c2's note:\n%s", s)
	}

	// --force replaces; an agent tags every commit.
	res, err = annotate.Run(ctx, repo, []string{"HEAD"}, annotate.Options{Agent: "aider", Model: "m1", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Write.Written+res.Write.Replaced != 3 || res.Write.Replaced != 2 || !reflect.DeepEqual(res.Labels, map[string]int{"ai (aider, m1)": 3}) {
		t.Errorf("--agent --force: %+v", res)
	}
}
