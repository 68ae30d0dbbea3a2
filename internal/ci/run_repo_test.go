package ci_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/ci"
	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) { os.Exit(gittest.Main(m)) }

// Run in a GitLab job without network: the figures of the whole history,
// the text report on Out, the summary and metrics at GitLab's default
// paths (relative to the job's directory), each said on Log.
func TestRunGitLab(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "h1\nh2\nh3\nh4\n")
	r.Commit("by hand")
	r.Write("a.txt", "h1\nh2\nh3\nh4\nc1\nc2\nc3\nc4\n")
	r.Commit("agent\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	r.Write("a.txt", "h1\nh2\nh3\nh4\nc1\nx\n")
	r.Commit("rewrite by hand")
	ctx := context.Background()
	repo := r.Open(t)
	t.Chdir(t.TempDir())

	var out bytes.Buffer
	var logged, warned []string
	classify := func(m provenance.Meta) (provenance.Attribution, bool) {
		if strings.Contains(m.Message, "Claude") {
			return provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Evidence: provenance.EvidenceTrailer}, true
		}
		return provenance.Attribution{}, false
	}
	primary, err := ci.Run(ctx, repo, ci.Options{
		Env:     ci.Env{Kind: ci.GitLab, PipelineSource: "push", Branch: "topic", DefaultBranch: "main"},
		NoFetch: true, ReleaseTags: ci.DefaultTagPattern, Annotate: true, AnnotateBelow: 0.5,
		Setup: func(context.Context, *gitx.Repo) (ci.MeasureOptions, error) {
			return ci.MeasureOptions{Config: config.Default(), Classify: classify}, nil
		},
		Out:  &out,
		Log:  func(s string) { logged = append(logged, s) },
		Warn: func(s string) { warned = append(warned, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rate := primary.Report.Totals.AI.SurvivalRate; rate == nil || *rate != 0.25 || primary.Scope.ID != "repository" {
		t.Errorf("primary: %s, AI survival %v, want the repository at 25%%", primary.Scope.ID, rate)
	}
	if !strings.HasPrefix(out.String(), "== The repository (all history) ==\n") || strings.Contains(out.String(), "::") {
		t.Errorf("report:\n%s", out.String())
	}
	for _, want := range []string{"measuring the whole history (GitLab CI)", "summary written to ai-survival.md", "metrics written to metrics.txt"} {
		found := false
		for _, l := range logged {
			found = found || l == want
		}
		if !found {
			t.Errorf("log lacks %q:\n%s", want, strings.Join(logged, "\n"))
		}
	}
	if len(warned) != 1 || warned[0] != "--annotate writes GitHub Actions annotations; outside GitHub Actions it does nothing" {
		t.Errorf("warnings: %q", warned)
	}
	md, err := os.ReadFile("ai-survival.md")
	if err != nil || !strings.Contains(string(md), "| ai | 4 | 1 | 25.0% |") {
		t.Errorf("summary (%v):\n%s", err, md)
	}
	metrics, err := os.ReadFile(filepath.Join(".", "metrics.txt"))
	if err != nil || !strings.HasSuffix(string(metrics), "# EOF\n") {
		t.Errorf("metrics (%v):\n%s", err, metrics)
	}
}

// A repository without commits is an error, before anything is fetched.
func TestRunNoCommits(t *testing.T) {
	r := gittest.New(t)
	repo := r.Open(t)
	_, err := ci.Run(context.Background(), repo, ci.Options{Log: func(s string) { t.Errorf("logged %q", s) }})
	if err == nil || err.Error() != "the repository has no commits yet: nothing to measure" {
		t.Errorf("err %v", err)
	}
}
