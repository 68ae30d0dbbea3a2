package ci

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain.go", "plain.go", "plain.go"},
		{"a,b:c%d", "a,b:c%25d", "a%2Cb%3Ac%25d"},
		{"x\ny\rz", "x%0Ay%0Dz", "x%0Ay%0Dz"},
		{"::error::pwned", "::error::pwned", "%3A%3Aerror%3A%3Apwned"},
		{"%0A", "%250A", "%250A"},
	} {
		if got := EscapeData(tc.in); got != tc.data {
			t.Errorf("EscapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := EscapeProperty(tc.in); got != tc.prop {
			t.Errorf("EscapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
}

func TestAnnotationsHostileNames(t *testing.T) {
	r := Result{Scope: Scope{Title: "The repository"}, Files: []FileRow{
		{Path: "evil\n::error file=x::boom,%.go", Added: 4, Surviving: 1},
		{Path: "fine.go", Added: 2, Surviving: 2},
	}}
	got := Annotations(r, 0.5, 10)
	want := []string{"::notice file=evil%0A%3A%3Aerror file=x%3A%3Aboom%2C%25.go,title=Low AI survival%3A 25.0%25::25.0%25 of the AI-written lines added to this file survive (1 of 4) in the repository."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Annotations:\n got %q\nwant %q", got, want)
	}
	for _, a := range got {
		if strings.ContainsAny(a, "\r\n") {
			t.Errorf("an annotation spans lines: %q", a)
		}
	}
	if n := len(Annotations(Result{Files: []FileRow{{Path: "a", Added: 1}, {Path: "b", Added: 1}}}, 1, 1)); n != 1 {
		t.Errorf("limit of 1 gave %d annotations", n)
	}
}

func TestParseEvent(t *testing.T) {
	head, base := strings.Repeat("a", 40), strings.Repeat("b", 40)
	ev, err := ParseEvent(strings.NewReader(`{"number":3,"pull_request":{"number":3,"head":{"sha":"`+head+`","ref":"claude/fix-x"},"base":{"sha":"`+base+`","ref":"main"}}}`), "pull_request")
	if err != nil || ev.HeadSHA != head || ev.BaseSHA != base || ev.Number != 3 || ev.HeadRef != "claude/fix-x" || !ev.IsPullRequest() {
		t.Errorf("pull_request: %+v, %v", ev, err)
	}
	ev, err = ParseEvent(strings.NewReader(`{"ref":"refs/heads/main","after":"`+head+`","repository":{"default_branch":"main"}}`), "push")
	if err != nil || ev.After != head || ev.DefaultBranch != "main" || ev.IsPullRequest() {
		t.Errorf("push: %+v, %v", ev, err)
	}
	for _, bad := range []struct{ name, json, msg string }{
		{"pull_request", `{`, "not valid JSON"},
		{"pull_request", `[]`, "not valid JSON"},
		{"pull_request", `{"pull_request":{"head":{"sha":"main"}}}`, `pull_request.head.sha "main" is not a commit id`},
		{"pull_request", `{"pull_request":{"head":{"sha":"--output=/tmp/x"}}}`, `pull_request.head.sha "--output=/tmp/x" is not a commit id`},
		{"pull_request_target", `{}`, "names no pull_request.head.sha"},
		{"pull_request", `{"pull_request":{"head":{"sha":"` + head + `"},"base":{"sha":"x; rm -rf"}}}`, "not a commit id"},
		{"push", `{"after":"--upload-pack=evil"}`, "not a commit id"},
		{"pull_request", `{"pull_request":{"head":{"sha":"` + head + `"},"base":{"ref":"main..` + head + `"}}}`, "is not a branch name"},
		{"pull_request", `{"pull_request":{"head":{"sha":"` + head + `"},"base":{"ref":"x\u001b]0;t\u0007"}}}`, `pull_request.base.ref "x\x1b]0;t\a" is not a branch name`},
	} {
		if _, err := ParseEvent(strings.NewReader(bad.json), bad.name); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%s %s: %v, want %q", bad.name, bad.json, err, bad.msg)
		}
	}
	if _, err := ReadEvent("", "push"); err == nil || !strings.Contains(err.Error(), "GITHUB_EVENT_PATH is not set") {
		t.Errorf("ReadEvent without a path: %v", err)
	}
}

func TestSortVersions(t *testing.T) {
	in := []string{"v1.2.0", "v1.10.0", "v1.2.0-rc.1", "v1.2.0-rc.10", "v1.2.0-rc.2", "v1.2.0-alpha", "latest", "v2", "v1.9.9+build.7", "vnext"}
	want := []string{"v2", "v1.10.0", "v1.9.9+build.7", "v1.2.0", "v1.2.0-rc.10", "v1.2.0-rc.2", "v1.2.0-rc.1", "v1.2.0-alpha"}
	if got := SortVersions(in); !reflect.DeepEqual(got, want) {
		t.Errorf("SortVersions = %v\nwant %v", got, want)
	}
}

func TestChoose(t *testing.T) {
	head, base, sha := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	pr := &Event{Name: "pull_request", Number: 9, HeadSHA: head, BaseSHA: base, HeadRef: "codex/fix"}
	ids := func(p Plan) (out []string) {
		for _, s := range p.Scopes {
			id := s.ID + " " + s.Range + " @" + s.End
			if s.Branch != "" {
				id += " from " + s.Branch
			}
			out = append(out, id)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		req     Request
		want    []string
		release bool
	}{
		{"pull request", Request{Env: Env{Kind: GitHub, SHA: sha}, Event: pr}, []string{"pr " + base + ".." + head + " @" + head + " from codex/fix", "repository " + head + " @" + head}, false},
		{"push", Request{Env: Env{Kind: GitHub, SHA: sha}, Event: &Event{Name: "push", After: head}}, []string{"repository " + head + " @" + head}, true},
		{"push of a deleted branch", Request{Env: Env{Kind: GitHub, SHA: sha}, Event: &Event{Name: "push", After: strings.Repeat("0", 40)}}, []string{"repository " + sha + " @" + sha}, true},
		{"local", Request{}, []string{"repository HEAD @HEAD"}, true},
		{"--range", Request{Range: "v1..v2", Event: pr}, []string{"range v1..v2 @v2"}, false},
		{"--range A..", Request{Range: "v1.."}, []string{"range v1.. @HEAD"}, false},
		{"--base", Request{Base: "origin/main"}, []string{"branch origin/main..HEAD @HEAD", "repository HEAD @HEAD"}, false},
		{"gitlab merge request", Request{Env: Env{Kind: GitLab, PipelineSource: "merge_request_event", MRBaseSHA: base, SHA: head, MRIID: "4", MRSourceBranch: "claude/x"}},
			[]string{"pr " + base + ".." + head + " @" + head + " from claude/x", "repository " + head + " @" + head}, false},
	} {
		p := Choose(tc.req)
		if got := ids(p); !reflect.DeepEqual(got, tc.want) || p.Release != tc.release {
			t.Errorf("%s: %q release=%v, want %q release=%v", tc.name, got, p.Release, tc.want, tc.release)
		}
	}
}

func ptr(v float64) *float64 { return &v }

func sampleReport() *survival.Report {
	return &survival.Report{Range: "HEAD", End: strings.Repeat("e", 40), Commits: survival.Commits{Total: 3, WithNotes: 3},
		Totals: survival.Totals{AI: survival.Rate{Added: 10, Surviving: 6, SurvivalRate: ptr(0.6)},
			Human: survival.Rate{Added: 4, Surviving: 4, SurvivalRate: ptr(1)}},
		Coverage: survival.Coverage{LineLevel: 12, CommitLevel: 1, None: 1}, UnknownAs: "unknown",
		AIShare: ptr(0.6)}
}

func TestOutputsAndMetrics(t *testing.T) {
	results := []Result{{Scope: Scope{ID: "pr"}, Report: sampleReport()}, {Scope: Scope{ID: "repository"}, Err: errShallowForTest}}
	var b bytes.Buffer
	if err := WriteOutputs(&b, Outputs(results)); err != nil {
		t.Fatal(err)
	}
	want := "ai_survival_rate=0.6\nhuman_survival_rate=1\nai_share=0.6\nai_lines_added=10\nai_lines_surviving=6\n" +
		"coverage_line_level=12\ncoverage_commit_level=1\ncoverage_none=1\nunknown_as=unknown\n" +
		"pr_ai_survival_rate=0.6\npr_human_survival_rate=1\npr_ai_share=0.6\npr_ai_lines_added=10\npr_ai_lines_surviving=6\n" +
		"pr_coverage_line_level=12\npr_coverage_commit_level=1\npr_coverage_none=1\npr_unknown_as=unknown\nscopes=pr\n"
	if b.String() != want {
		t.Errorf("outputs:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := OpenMetrics(&b, results); err != nil {
		t.Fatal(err)
	}
	m := b.String()
	for _, s := range []string{"# TYPE ai_survival_rate gauge\n# HELP ai_survival_rate ", "ai_survival_rate{scope=\"pr\"} 0.6\n", "ai_lines_added{scope=\"pr\"} 10\n", "commits_with_notes{scope=\"pr\"} 3\n", "coverage_line_level_lines{scope=\"pr\"} 12\n", "coverage_none_lines{scope=\"pr\"} 1\n"} {
		if !strings.Contains(m, s) {
			t.Errorf("metrics lack %q:\n%s", s, m)
		}
	}
	if strings.Contains(m, "unknown_survival_rate{") || strings.Contains(m, "repository") || !strings.HasSuffix(m, "\n# EOF\n") {
		t.Errorf("metrics: a rate without value, a failed scope, or no # EOF:\n%s", m)
	}
	if Fraction(nil) != "" || Fraction(ptr(2.0/3)) != "0.6667" {
		t.Errorf("Fraction")
	}
}

var errShallowForTest = &testErr{"shallow"}

type testErr struct{ s string }

func (e *testErr) Error() string { return e.s }

func TestSummaryLimit(t *testing.T) {
	rep := sampleReport()
	var files []FileRow
	for i := 0; i < 50000; i++ {
		files = append(files, FileRow{Path: strings.Repeat("d/", 20) + "file.go", Added: 1})
	}
	s := Summary{Heading: "push", Results: []Result{{Scope: Scope{ID: "repository", Title: "The repository"}, Report: rep, Files: files}}, Files: 1 << 30, Top: 10}
	full := s.Markdown(1 << 30)
	if len(full) < SummaryLimit {
		t.Fatalf("the test summary is too small (%d bytes) to test the limit", len(full))
	}
	got := s.Markdown(SummaryLimit)
	if len(got) > SummaryLimit || !bytes.Contains(got, []byte("60.0% of AI-written lines survive")) {
		t.Errorf("limited summary: %d bytes", len(got))
	}
	tiny := s.Markdown(300)
	if len(tiny) > 300 || !bytes.Contains(tiny, []byte("summary cut")) {
		t.Errorf("a 300-byte summary:\n%s", tiny)
	}
}
