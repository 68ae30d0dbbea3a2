package evidence_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// commitRecord returns the commit record of rev's note (the line without
// "file"), with its commit id dropped, as compact JSON.
func commitRecord(t *testing.T, r *gittest.Repo, rev string) string {
	t.Helper()
	note := r.Git("notes", "--ref=ai-survival", "show", rev)
	for _, line := range strings.Split(strings.TrimSpace(note), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("note of %s: %v\n%s", rev, err, note)
		}
		if _, ok := rec["file"]; ok {
			continue
		}
		delete(rec, "commit")
		b, _ := json.Marshal(rec)
		return string(b)
	}
	t.Fatalf("note of %s has no commit record:\n%s", rev, note)
	return ""
}

// TestPostCommitHookEvidence commits through the installed post-commit
// hook and reads the notes it wrote.
func TestPostCommitHookEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the hooks")
	}
	r := gittest.New(t)
	r.MustTool("install")
	tests := []struct {
		name, author, committer, message, want string
	}{
		{"kernel Assisted-by", "", "",
			"drm: fix leak\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: Test Person <person@example.com>",
			`{"agent":"claude-code","evidence":"trailer","model":"claude-3-opus","origin":"ai","v":1}`},
		{"two agents", "", "",
			"feat: x\n\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>",
			`{"agent":"aider","agents":["aider","claude-code"],"evidence":"trailer","model":"gpt-4o","origin":"ai","v":1}`},
		{"spaced model", "", "",
			"fix\n\nCo-authored-by: Cursor (composer 2.5) <cursoragent@cursor.com>",
			`{"agent":"cursor","evidence":"trailer","model":"composer-2.5","origin":"ai","v":1}`},
		{"renamed bot author, by id", "Codex <215057067+codex-new[bot]@users.noreply.github.com>", "",
			"Fix the parser",
			`{"agent":"codex","evidence":"rule","origin":"ai","v":1}`},
		{"bot committer of a person's work", "", "claude[bot] <209825114+claude[bot]@users.noreply.github.com>",
			"Fix the parser",
			`{"agent":"claude-code","evidence":"rule","origin":"ai","v":1}`},
		{"person at a vendor's domain", "Jamie Doe <jamie@anthropic.com>", "Jamie Doe <jamie@anthropic.com>",
			"Fix the parser\n\nCo-authored-by: Sam Roe <sam@openai.com>",
			`{"evidence":"default","origin":"human","v":1}`},
		{"trailer quoted in the body", "", "",
			"Document trailers\n\nAgents end their messages with\nCo-authored-by: Claude <noreply@anthropic.com>\nwhich we read.\n\nSigned-off-by: Test Person <person@example.com>",
			`{"evidence":"default","origin":"human","v":1}`},
		{"entire checkpoint", "", "",
			"Add cache\n\nEntire-Checkpoint: ab123cdefg12",
			`{"agent":"entire","evidence":"trailer","origin":"ai","v":1}`},
	}
	for i, tc := range tests {
		r.Write("f.txt", strings.Repeat("line\n", i+1))
		r.Git("add", "-A")
		args := []string{"commit", "-q", "-m", tc.message}
		if tc.author != "" {
			args = append(args, "--author", tc.author)
		}
		if tc.committer != "" {
			name, email, _ := strings.Cut(strings.TrimSuffix(tc.committer, ">"), " <")
			args = append([]string{"-c", "user.name=" + name, "-c", "user.email=" + email}, args...)
		}
		r.Git(args...)
		r.Tick()
		if got := commitRecord(t, r, "HEAD"); got != tc.want {
			t.Errorf("%s: commit record\n got %s\nwant %s", tc.name, got, tc.want)
		}
		if tc.name == "two agents" {
			const want = "origin   ai (aider, gpt-4o) by trailer; agents aider, claude-code\n"
			if out := r.MustTool("show", "HEAD"); !strings.Contains(out, want) {
				t.Errorf("show HEAD:\n%s\nwant a line %q", out, want)
			}
		}
	}
}

type report struct {
	Commits struct {
		Total, Inferred int
	} `json:"commits"`
	Totals map[string]struct {
		Added, Surviving int
	} `json:"totals"`
	ByAgent []struct {
		Agent            string
		Added, Surviving int
	} `json:"by_agent"`
}

// TestReportAgentBranchMerge: commits a merge brings in from an agent's
// branch are that agent's (branch evidence) when nothing stronger says
// otherwise; a person's branch stays unknown.
func TestReportAgentBranchMerge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	r := gittest.New(t)
	r.Write("base.txt", "a\nb\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "codex/add-parser")
	r.Write("parser.go", "1\n2\n3\n")
	r.Commit("Add parser")
	r.Write("parser.go", "1\n2\n3\n4\n5\n")
	r.Commit("Extend parser\n\nCo-authored-by: Cursor <cursoragent@cursor.com>")
	r.Git("checkout", "-q", "main")
	r.Git("checkout", "-q", "-b", "feature/docs")
	r.Write("docs.md", "x\ny\nz\nw\n")
	r.Commit("Docs")
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from acme/codex/add-parser", "codex/add-parser")
	r.Tick()
	r.Git("merge", "-q", "--no-ff", "-m", "Merge pull request #8 from acme/feature/docs", "feature/docs")
	r.Tick()

	var rep report
	out := r.MustTool("report", "--format", "json", "--no-cache")
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := rep.Totals["ai"]; got.Added != 5 || got.Surviving != 5 {
		t.Errorf("ai = %+v, want 5 added, 5 surviving\n%s", got, out)
	}
	if got := rep.Totals["unknown"]; got.Added != 6 {
		t.Errorf("unknown = %+v, want 6 added (base and docs)\n%s", got, out)
	}
	agents := map[string]int{}
	for _, a := range rep.ByAgent {
		agents[a.Agent] = a.Added
	}
	if agents["codex"] != 3 || agents["cursor"] != 2 || len(agents) != 2 {
		t.Errorf("by agent = %v, want codex 3 (branch), cursor 2 (trailer)\n%s", agents, out)
	}
}

// TestCIPullRequestAgentBranch: in ci, a pull request whose head branch
// is an agent's gives its commits without stronger evidence that agent.
func TestCIPullRequestAgentBranch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	r := gittest.New(t)
	r.Write("base.txt", "a\nb\n")
	base := r.Commit("base")
	r.Git("checkout", "-q", "-b", "codex/add-parser")
	r.Write("parser.go", "1\n2\n3\n")
	r.Commit("Add parser")
	r.Write("parser.go", "1\n2\n3\n4\n5\n")
	head := r.Commit("Extend parser\n\nCo-authored-by: Cursor <cursoragent@cursor.com>")

	env := r.Env
	for _, tc := range []struct{ ref, want string }{
		{"codex/add-parser", "ai_share=1"},
		{"feature/add-parser", "ai_share=0.4"},
	} {
		dir := t.TempDir()
		event := dir + "/event.json"
		output := dir + "/output"
		if err := writeFile(event, `{"number":5,"pull_request":{"number":5,"head":{"sha":"`+head+`","ref":"`+tc.ref+`"},"base":{"sha":"`+base+`","ref":"main"}}}`); err != nil {
			t.Fatal(err)
		}
		r.Env = append(append([]string{}, env...), "GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request",
			"GITHUB_EVENT_PATH="+event, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+dir+"/summary")
		_, errs, code := r.Tool("", "ci")
		r.Env = env
		if code != 0 {
			t.Fatalf("ci: exit %d\n%s", code, errs)
		}
		got, err := readFile(output)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains("\n"+got, "\n"+tc.want+"\n") {
			t.Errorf("head %s: outputs\n%s\nwant %s", tc.ref, got, tc.want)
		}
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
