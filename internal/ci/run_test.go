package ci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

func TestPushToDefault(t *testing.T) {
	main := &Event{Ref: "refs/heads/main", DefaultBranch: "main"}
	for _, tc := range []struct {
		name string
		env  Env
		ev   *Event
		want bool
	}{
		{"github push to main", Env{Kind: GitHub, EventName: "push"}, main, true},
		{"github push to a branch", Env{Kind: GitHub, EventName: "push"}, &Event{Ref: "refs/heads/x", DefaultBranch: "main"}, false},
		{"github pull request", Env{Kind: GitHub, EventName: "pull_request"}, main, false},
		{"github push, no event", Env{Kind: GitHub, EventName: "push"}, nil, false},
		{"github push, no default branch", Env{Kind: GitHub, EventName: "push"}, &Event{Ref: "refs/heads/"}, false},
		{"gitlab push to default", Env{Kind: GitLab, PipelineSource: "push", Branch: "main", DefaultBranch: "main"}, nil, true},
		{"gitlab push to a branch", Env{Kind: GitLab, PipelineSource: "push", Branch: "x", DefaultBranch: "main"}, nil, false},
		{"gitlab merge request", Env{Kind: GitLab, PipelineSource: "merge_request_event", Branch: "main", DefaultBranch: "main"}, nil, false},
		{"gitlab, no branch", Env{Kind: GitLab, PipelineSource: "push"}, nil, false},
		{"no CI", Env{}, main, false},
	} {
		if got := PushToDefault(tc.env, tc.ev); got != tc.want {
			t.Errorf("%s: PushToDefault = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNoteless(t *testing.T) {
	res := func(total, notes, gitAI int) Result {
		r := &survival.Report{}
		r.Commits.Total, r.Commits.WithNotes, r.Commits.GitAI = total, notes, gitAI
		return Result{Report: r}
	}
	failed := Result{Err: os.ErrNotExist}
	for _, tc := range []struct {
		name    string
		results []Result
		want    bool
	}{
		{"no notes", []Result{res(3, 0, 0), res(5, 0, 0)}, true},
		{"one scope with a note", []Result{res(3, 0, 0), res(5, 1, 0)}, false},
		{"git-ai notes count", []Result{res(3, 0, 1)}, false},
		{"nothing measured", []Result{res(0, 0, 0), failed}, false},
		{"a failed scope is skipped", []Result{failed, res(2, 0, 0)}, true},
	} {
		if got := Noteless(tc.results) != ""; got != tc.want {
			t.Errorf("%s: Noteless said %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The step summary never takes GitHub's summary file past its limit, and
// says so when it is already full.
func TestAppendStepSummaryLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.md")
	sum := Summary{Heading: "the repository", Notes: []string{strings.Repeat("n", 4000)}}
	var warned []string
	warn := func(f string, a ...any) { warned = append(warned, f) }

	if err := os.WriteFile(path, []byte(strings.Repeat("x", SummaryLimit-100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := appendStepSummary(Env{StepSummary: path}, sum, warn); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= SummaryLimit || fi.Size() <= SummaryLimit-100 {
		t.Errorf("summary file is %d bytes: want more than %d, less than %d", fi.Size(), SummaryLimit-100, SummaryLimit)
	}
	if len(warned) != 0 {
		t.Errorf("warned %q", warned)
	}

	if err := os.WriteFile(path, []byte(strings.Repeat("x", SummaryLimit)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := appendStepSummary(Env{StepSummary: path}, sum, warn); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Size() != SummaryLimit {
		t.Errorf("a full summary file grew to %d bytes", fi.Size())
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "1 MiB limit") {
		t.Errorf("warned %q, want the limit", warned)
	}

	warned = nil
	if err := appendStepSummary(Env{}, sum, warn); err != nil || len(warned) != 1 || !strings.Contains(warned[0], "GITHUB_STEP_SUMMARY is not set") {
		t.Errorf("no GITHUB_STEP_SUMMARY: err %v, warned %q", err, warned)
	}
}
