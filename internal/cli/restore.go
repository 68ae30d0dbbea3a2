package cli

import (
	"context"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
)

// restoreNotes restores the notes of the commits without one that revs
// names, fetching pull and merge request heads from remote ("" fetches
// nothing). Problems are warnings.
func (f *Factory) restoreNotes(ctx context.Context, repo *gitx.Repo, revs []string, remote string, max, fetches int) restore.Result {
	res, err := restore.Restore(ctx, repo, revs, restore.Options{Classify: f.hookClassifier(ctx, repo), Remote: remote, Max: max, MaxFetch: fetches})
	for _, warn := range res.Warnings {
		f.Warnf("git-ai-survival: %s", warn)
	}
	if err != nil {
		f.Warnf("git-ai-survival: notes not restored: %v (run 'git ai-survival annotate --restore' later)", err)
	}
	return res
}

// restoreRemote is the remote pull request heads are fetched from: the
// current branch's remote, else the preferred one; "" when there is none.
func restoreRemote(ctx context.Context, repo *gitx.Repo) string {
	r, err := defaultRemote(ctx, repo)
	if err != nil || strings.HasPrefix(r, "-") {
		return ""
	}
	return r
}

// restoreMerged restores, after a merge or pull, the notes of the commits
// it brought (ORIG_HEAD..HEAD) that have none.
func (f *Factory) restoreMerged(ctx context.Context, repo *gitx.Repo) {
	orig, err := repo.Line(ctx, "rev-parse", "--verify", "--quiet", "ORIG_HEAD^{commit}")
	if err != nil || orig == "" {
		return
	}
	f.restoreNotes(ctx, repo, []string{orig + "..HEAD"}, restoreRemote(ctx, repo), restore.Limit, restore.HookFetchLimit)
}
