package evidence

import "testing"

func TestMergedBranchAndAgent(t *testing.T) {
	tests := []struct {
		subject, branch, agent string
	}{
		{"Merge pull request #12 from acme/codex/fix-parser", "codex/fix-parser", "codex"},
		{"Merge pull request #3 from someone/claude/add-retry-x1y2\n\nAdd retry", "claude/add-retry-x1y2", "claude-code"},
		{"Merge pull request #4 from acme/copilot/fix-17", "copilot/fix-17", "copilot"},
		{"Merge pull request #5 from acme/cursor/bc-1234", "cursor/bc-1234", "cursor"},
		{"Merge pull request #6 from acme/devin/1700000000-docs", "devin/1700000000-docs", "devin"},
		{"Merge pull request #7 from acme/feature/claude-support", "feature/claude-support", ""},
		{"Merge pull request #8 from acme/main", "main", ""},
		{"Merge branch 'gemini/speedup'", "gemini/speedup", "gemini"},
		{"Merge branch 'aider/x' of github.com:acme/repo", "aider/x", "aider"},
		{"Merge branch 'cline/x' into main", "cline/x", "cline"},
		{"Merge remote-tracking branch 'origin/codex/y'", "codex/y", "codex"},
		{"Merge branch 'main' into codex/y", "main", ""},
		{"Merge pull request #9 from acme/Claude/x", "Claude/x", ""},
	}
	for _, tt := range tests {
		b, ok := MergedBranch(tt.subject)
		if !ok || b != tt.branch {
			t.Errorf("MergedBranch(%q) = %q, %v; want %q", tt.subject, b, ok, tt.branch)
			continue
		}
		a, ok := BranchAgent(b)
		if a != tt.agent || ok != (tt.agent != "") {
			t.Errorf("BranchAgent(%q) = %q, %v; want %q", b, a, ok, tt.agent)
		}
	}
	for _, s := range []string{"", "Merge pull request from acme/codex/x", "Merge pull request #x from acme/codex/y",
		"Merge pull request #1 from codex", "Merge branch '", "Revert \"Merge pull request #1 from acme/codex/x\"", "Fix codex/ paths"} {
		if b, ok := MergedBranch(s); ok {
			t.Errorf("MergedBranch(%q) = %q, want none", s, b)
		}
	}
	if a, ok := BranchAgent("refs/heads/claude/x"); !ok || a != "claude-code" {
		t.Errorf("BranchAgent of a full ref = %q, %v", a, ok)
	}
}
