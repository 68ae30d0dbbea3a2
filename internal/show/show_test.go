package show_test

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/annotate"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/show"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) { os.Exit(gittest.Main(m)) }

func claude(m provenance.Meta) (provenance.Attribution, bool) {
	if strings.Contains(m.Message, "Claude") {
		return provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Evidence: provenance.EvidenceTrailer}, true
	}
	return provenance.Attribution{}, false
}

// Each source of a commit's provenance, with its exact line counts and
// ranges.
func TestCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	r.Write("a.txt", "1\n2\n3\n")
	byHand := r.Commit("by hand, noted")
	r.Write("a.txt", "1\n2\n3\n4\n5\n")
	r.Write("bin.dat", "\x00\x01")
	inferred := r.Commit("agent\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	r.Write("b.txt", "x\n")
	none := r.Commit("no evidence")
	repo := r.Open(t)
	if _, err := annotate.Run(ctx, repo, []string{"--no-walk", byHand}, annotate.Options{Human: true}); err != nil {
		t.Fatal(err)
	}

	res, err := show.Commit(ctx, repo, byHand, show.Options{Classify: claude})
	if err != nil {
		t.Fatal(err)
	}
	manual := provenance.Attribution{Origin: provenance.Human, Evidence: provenance.EvidenceManual}
	want := &show.Result{Commit: byHand, Source: provenance.SourceNote, Origin: manual, Sources: []string{},
		Added: map[string]int{"ai": 0, "human": 3, "unknown": 0}, Binary: []string{}, Warnings: []string{},
		Files: []show.File{{Path: "a.txt", Ranges: []show.Range{{Lines: "1-3", Start: 1, End: 3, Attribution: manual}}}}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("noted commit:\n%+v\nwant\n%+v", res, want)
	}

	res, err = show.Commit(ctx, repo, inferred, show.Options{Classify: claude})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != provenance.SourceInferred || res.Origin.Agent != "claude-code" || !reflect.DeepEqual(res.Added, map[string]int{"ai": 2, "human": 0, "unknown": 0}) ||
		!reflect.DeepEqual(res.Binary, []string{"bin.dat"}) || len(res.Files) != 1 || res.Files[0].Ranges[0].Lines != "4-5" {
		t.Errorf("inferred commit: %+v", res)
	}
	res, err = show.Commit(ctx, repo, inferred, show.Options{Classify: claude, NoInference: true})
	if err != nil || res.Source != provenance.SourceNone || res.Added["unknown"] != 2 {
		t.Errorf("inferred commit, no inference: %+v %v", res, err)
	}

	res, err = show.Commit(ctx, repo, none, show.Options{Classify: claude})
	if err != nil || res.Source != provenance.SourceNone || res.UnknownAs != "" || !reflect.DeepEqual(res.Added, map[string]int{"ai": 0, "human": 0, "unknown": 1}) {
		t.Errorf("commit without evidence: %+v %v", res, err)
	}
	res, err = show.Commit(ctx, repo, none, show.Options{Classify: claude, Unknown: &resolve.UnknownAs{}})
	if err != nil || res.Source != provenance.SourceNone || res.UnknownAs != "human" || !reflect.DeepEqual(res.Added, map[string]int{"ai": 0, "human": 1, "unknown": 0}) {
		t.Errorf("commit without evidence, unknown as human: %+v %v", res, err)
	}
}
