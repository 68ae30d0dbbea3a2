package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
)

// restoreLimit bounds how many of the newest commits sync and ci examine
// for notes to restore (annotate --restore examines what it is given).
const restoreLimit = 500

// restoreNotes restores the notes of the commits without one that revs
// names, fetching pull and merge request heads from remote ("" fetches
// nothing), and writes a summary to w when w is not nil. Problems are
// warnings.
func (f *Factory) restoreNotes(ctx context.Context, repo *gitx.Repo, revs []string, remote string, max int, w io.Writer) restore.Result {
	res, err := restore.Restore(ctx, repo, revs, restore.Options{Classify: f.hookClassifier(ctx, repo), Remote: remote, Max: max})
	for _, warn := range res.Warnings {
		f.Warnf("git-ai-survival: %s", warn)
	}
	if err != nil {
		f.Warnf("git-ai-survival: notes not restored: %v (run 'git ai-survival annotate --restore' later)", err)
	}
	if w != nil {
		printRestored(w, res)
	}
	return res
}

// printRestored says which commits got a note back, and from what.
func printRestored(w io.Writer, res restore.Result) {
	for _, r := range res.Restored {
		how := string(r.How)
		if r.Request > 0 {
			sign := "#"
			if r.How == restore.ByMergeRequest {
				sign = "!"
			}
			how = fmt.Sprintf("%s %s%d", r.How, sign, r.Request)
		}
		fmt.Fprintf(w, "restored %s: %d of %d lines from %d commit%s (%s)\n",
			r.Commit[:12], r.Lines, r.Added, len(r.Sources), plural(len(r.Sources)), how)
	}
	fmt.Fprintf(w, "restored %d note%s (%d commit%s without a note examined)\n",
		res.Written, plural(res.Written), res.Examined, plural(res.Examined))
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
	f.restoreNotes(ctx, repo, []string{orig + "..HEAD"}, restoreRemote(ctx, repo), restoreLimit, nil)
}
