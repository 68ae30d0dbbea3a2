package resolve

import (
	"context"
	"fmt"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/evidence"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// maxBranchMerges bounds how many agent-branch merges MergedBranches
// follows (one git process each).
const maxBranchMerges = 512

// MergedBranches finds the merges among the commits git log selects with
// revs whose subject names a branch agents create ("Merge pull request #7
// from acme/codex/fix-parser", "Merge branch 'claude/retry'") and returns,
// for every commit such a merge brought in (reachable from its other
// parents, not from its first), that branch; the newest merge wins. The
// second result says how many such merges were left out: past the bound,
// or because git could not list what they brought in (a parent missing
// from a shallow clone).
func MergedBranches(ctx context.Context, repo *gitx.Repo, revs ...string) (map[string]string, int, error) {
	args := append([]string{"log", "--merges", "-z", "--format=%H%x1f%P%x1f%s"}, revs...)
	out, err := repo.Output(ctx, append(args, "--")...)
	if err != nil {
		return nil, 0, fmt.Errorf("reading merges: %w", err)
	}
	branches := map[string]string{}
	followed, skipped := 0, 0
	for _, rec := range strings.Split(string(out), "\x00") {
		f := strings.Split(strings.TrimLeft(rec, "\n"), "\x1f")
		if len(f) != 3 {
			continue
		}
		branch, ok := evidence.MergedBranch(f[2])
		if !ok {
			continue
		}
		if _, ok := evidence.BranchAgent(branch); !ok {
			continue
		}
		parents := strings.Fields(f[1])
		if len(parents) < 2 {
			continue
		}
		if followed == maxBranchMerges {
			skipped++
			continue
		}
		followed++
		rl := append([]string{"rev-list"}, parents[1:]...)
		rl = append(rl, "^"+parents[0], "--")
		ids, err := repo.Output(ctx, rl...)
		if err != nil {
			if ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
			skipped++ // a parent missing from a shallow or partial clone
			continue
		}
		for _, id := range strings.Fields(string(ids)) {
			if _, seen := branches[id]; !seen {
				branches[id] = branch
			}
		}
	}
	return branches, skipped, nil
}
