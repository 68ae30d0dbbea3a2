package checkpoint_test

import (
	"testing"
)

// An agent writes lines; the person throws them away with git restore (or
// git checkout -- f) and types the same lines again. No checkpoint runs in
// between: only the post-checkout hook can tell that the agent's lines were
// discarded, so the retyped lines are the person's.
func TestRestoreThenRetypeIsHuman(t *testing.T) {
	t.Parallel()
	for _, discard := range [][]string{{"restore", "f.go"}, {"checkout", "--", "f.go"}} {
		t.Run(discard[0], func(t *testing.T) {
			r := setup(t)
			r.Write("f.go", "package f\n")
			r.Commit("Add f")
			quiet(t, r, "aider", "", "--before", "--", "f.go")
			r.Write("f.go", "package f\n\nfunc F() {\n}\n")
			quiet(t, r, "aider", "", "--after", "--", "f.go")
			if got := pendingFiles(t, r); len(got) != 1 {
				t.Fatalf("pending after the agent's edit: %v", got)
			}
			r.Git(discard...)
			if got := pendingFiles(t, r); len(got) != 0 {
				t.Fatalf("pending after git %v: %v (the post-checkout hook should forget them)", discard, got)
			}
			r.Write("f.go", "package f\n\nfunc F() {\n}\n")
			r.Commit("Typed by hand")
			if got := layout(t, r, "HEAD"); got != "f.go:2-4:human" {
				t.Errorf("retyped lines: %s, want f.go:2-4:human", got)
			}
		})
	}
}
