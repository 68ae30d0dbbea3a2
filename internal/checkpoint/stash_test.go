package checkpoint_test

import (
	"strings"
	"testing"
)

// TestIndexOnlyAndStashKeepAgentLines: git add -A && git reset, git
// restore --staged, and a git stash round trip leave the working tree as
// the agent left it: its lines stay its own, and the person's line stays
// theirs.
func TestIndexOnlyAndStashKeepAgentLines(t *testing.T) {
	cases := map[string][][]string{
		"add and reset":      {{"add", "-A"}, {"reset", "-q"}},
		"restore staged":     {{"add", "-A"}, {"restore", "--staged", "."}},
		"stash round trip":   {{"stash", "-q"}, {"stash", "pop", "-q"}},
		"stash, commit, pop": {{"stash", "-q"}, {"commit", "-q", "--allow-empty", "-m", "Between"}, {"stash", "pop", "-q"}},
		"reset soft":         {{"add", "-A"}, {"reset", "-q", "--soft", "HEAD"}},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			r := setup(t)
			r.Write("a.go", "package a\n")
			r.Commit("a")
			r.Write("a.go", "package a\n\n// by hand\n")
			quiet(t, r, "aider", "", "--before", "--", "a.go")
			r.Write("a.go", "package a\n\n// by hand\n\nfunc A() {\n\treturn\n}\n")
			quiet(t, r, "aider", "", "--after", "--", "a.go")
			for _, s := range steps {
				r.Git(s...)
				r.Tick()
			}
			head := r.Commit("A")
			if got, want := layout(t, r, head), "a.go:2-3:human a.go:4-7:ai:aider"; got != want {
				t.Errorf("after %v:\n got %s\nwant %s", steps, got, want)
			}
		})
	}
}

// TestResetLeavesTrailerEvidence: lines an agent wrote that a hard reset
// threw away are not the agent's, but the checkpoint alone does not make
// what comes next human either: a person's commit with the agent's
// trailer is the trailer's.
func TestResetLeavesTrailerEvidence(t *testing.T) {
	r := setup(t)
	r.Write("a.go", "package a\n")
	r.Commit("a")
	quiet(t, r, "aider", "", "--before", "--", "a.go")
	r.Write("a.go", "package a\n\nfunc A() {\n\treturn\n}\n")
	quiet(t, r, "aider", "", "--after", "--", "a.go")
	r.Git("reset", "-q", "--hard")
	r.Write("a.go", "package a\n\nfunc B() {\n\treturn\n}\n")
	head := r.Commit("B\n\nCo-authored-by: Claude <noreply@anthropic.com>")
	got := layout(t, r, head)
	if got != "a.go:2-5:ai:claude-code" {
		t.Errorf("got %s, want a.go:2-5:ai:claude-code", got)
	}
	if strings.Contains(got, "aider") {
		t.Errorf("the reset agent's lines survived: %s", got)
	}
	if p := pendingFiles(t, r); len(p) != 0 {
		t.Errorf("pending after a full commit: %v", p)
	}
}
