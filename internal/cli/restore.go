package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/ci"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
)

// restoreLimit bounds how many of the newest commits sync and ci examine
// for notes to restore (annotate --restore examines what it is given), and
// fetchLimit how many pull request heads they fetch (the post-merge hook,
// which must be quick, fetches at most hookFetchLimit).
const (
	restoreLimit   = 500
	fetchLimit     = 20
	hookFetchLimit = 3
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
	f.restoreNotes(ctx, repo, []string{orig + "..HEAD"}, restoreRemote(ctx, repo), restoreLimit, hookFetchLimit)
}

// pushToDefault reports whether the CI job runs for a push to the default
// branch: where a server's squash and rebase merges land.
func pushToDefault(env ci.Env, ev *ci.Event) bool {
	switch env.Kind {
	case ci.GitHub:
		return ev != nil && env.EventName == "push" && ev.DefaultBranch != "" && ev.Ref == "refs/heads/"+ev.DefaultBranch
	case ci.GitLab:
		return env.PipelineSource == "push" && env.Branch != "" && env.Branch == env.DefaultBranch
	}
	return false
}

// restoreInCI restores the notes of the pushed commits that a server
// squashed or rebased, and pushes them to remote when the job may.
func (f *Factory) restoreInCI(ctx context.Context, repo *gitx.Repo, remote string, logf func(string)) {
	res := f.restoreNotes(ctx, repo, []string{"HEAD"}, remote, restoreLimit, fetchLimit)
	if res.Written == 0 {
		return
	}
	var b strings.Builder
	printRestored(&b, res)
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		logf(line)
	}
	if remote == "" {
		f.Warnf("git-ai-survival: %d restored note%s not pushed (no fetch allowed); run 'git ai-survival sync' where you can push", res.Written, plural(res.Written))
		return
	}
	if _, err := notesync.Push(ctx, repo, remote); err != nil {
		f.Warnf("git-ai-survival: %d restored note%s not pushed to %s: %v; give the job permission to push (GitHub Actions: 'permissions: contents: write'; GitLab: a token with write_repository), or run 'git ai-survival annotate --restore && git ai-survival sync' in a clone that can push",
			res.Written, plural(res.Written), remote, firstLineOf(err.Error()))
		return
	}
	logf(fmt.Sprintf("pushed the restored notes to %s", remote))
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
