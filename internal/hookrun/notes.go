package hookrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// prePush pushes the notes ref to the remote the user pushes to. git
// passes the remote's name (or URL when it has none) and URL as arguments,
// and "<local ref> <local oid> <remote ref> <remote oid>" lines on stdin.
// Nothing here can stop the user's push: every problem is one warning line
// that says how to sync later.
func prePush(ctx context.Context, env Env, args []string) {
	input, _ := io.ReadAll(env.In)
	if env.getenv(notesync.SyncEnv) != "" {
		return // our own notes push: do not re-enter
	}
	if len(args) == 0 {
		return
	}
	remote := args[0]
	lines, err := notesync.ParsePrePush(strings.NewReader(string(input)))
	if err == nil && notesync.PushesNotes(lines) {
		return
	}
	later := fmt.Sprintf("your push goes on; run 'git ai-survival sync %s' later", remote)
	repo, err := env.Repo(ctx)
	if err != nil {
		env.Warnf("git-ai-survival: provenance notes not pushed: %v; %s", err, later)
		return
	}
	Settle(ctx, repo, env.classifier(ctx, repo), env.Warnf) // the pushed commits' notes
	if _, err := notesync.MergeFetched(ctx, repo); err != nil && ctx.Err() == nil {
		env.Warnf("git-ai-survival: fetched notes not merged: %v", err)
	}
	res, err := notesync.Push(ctx, repo, remote)
	var rej *notesync.RejectedError
	switch {
	case errors.As(err, &rej):
		env.Warnf("git-ai-survival: provenance notes not pushed: %s refused them (%s); %s", remote, rej.Reason, later)
	case errors.Is(err, notesync.ErrForeign):
		env.Warnf("git-ai-survival: provenance notes not pushed: %v; %s", err, later) // err names the remote
	case err != nil:
		env.Warnf("git-ai-survival: provenance notes not pushed to %s: %v; %s", remote, err, later)
	default:
		for _, m := range res.Merges {
			for _, w := range m.Warnings {
				env.Warnf("git-ai-survival: %s", w)
			}
		}
	}
}

// postRewrite computes the notes of commits amend or rebase made. git
// passes "amend" or "rebase" as argument and "<old> <new> [<extra>]" lines
// on stdin (several old commits map to one new one for squash and fixup).
//
// During a rebase the post-commit hook's script computes nothing: it lists
// each commit in rewrite.PendingFile, and this hook, at the rebase's end,
// computes the note of every commit listed (evidence and pending agent
// checkpoints, as post-commit would have) and remaps those git names, with
// one read of their diffs and one write of the notes. An amend during the
// rebase is added to the list for that end.
//
// The installed script (hooks of version 6 on) runs this in the
// background instead, but for an amend in the middle of a rebase: see
// deferredRewrite.
func postRewrite(ctx context.Context, env Env, args []string) {
	// Reading stdin and the list bounded as any hook; the rest grows with
	// the number of commits.
	start := time.Now()
	bctx, cancel := context.WithTimeout(ctx, capture.Scaled(PostRewriteTimeout))
	defer cancel()
	pairs, err := rewrite.ParsePairs(env.In)
	if err != nil {
		env.Warnf("git-ai-survival: provenance not carried over: %v", err)
		return
	}
	how := "rewrite"
	if len(args) > 0 {
		how = args[0]
	}
	repo, err := env.Repo(bctx)
	if err != nil {
		if len(pairs) > 0 {
			env.Warnf("git-ai-survival: provenance not carried over after %s: %v", how, err)
		}
		return
	}
	// An amend right after a commit: that commit's note first.
	// Without a post-commit hook, the rewritten commits' notes first.
	Settle(bctx, repo, env.classifier(bctx, repo), env.Warnf)
	pending, err := rewrite.ReadPending(rewrite.PendingPath(bctx, repo))
	if err != nil {
		env.Warnf("git-ai-survival: commits of the rebase not listed: %v (run 'git ai-survival sync' once it ends to fill their notes in)", err)
	}
	if pending.Exists() && how == "amend" {
		// Mid-rebase: the amended commit may have no note yet.
		if err := pending.AddAmends(pairs); err == nil {
			return
		}
	}
	remapRewritten(ctx, env, repo, start, how, pairs, pending)
}

// rewriteBudget is how long post-rewrite may take to compute the notes of
// n commits.
func rewriteBudget(n int) time.Duration {
	return capture.Scaled(PostRewriteTimeout + time.Duration(n)*PostRewritePerCommit)
}

// remapRewritten is post-rewrite's work once its input is read: the notes
// of the commits in pairs (git's list) and, after a rebase, in pending,
// within rewriteBudget from start. It removes pending's file when done.
func remapRewritten(ctx context.Context, env Env, repo *gitx.Repo, start time.Time, how string, pairs []rewrite.Pair, pending rewrite.Pending) {
	groups := rewrite.GroupPairs(pairs)
	if how == "rebase" {
		groups = pending.Groups(groups)
	} else {
		pending = rewrite.Pending{}
	}
	if len(groups) == 0 && len(pending.Fresh) == 0 {
		return
	}
	ctx, cancel := context.WithDeadline(ctx, start.Add(rewriteBudget(len(groups)+len(pending.Fresh))))
	defer cancel()
	classify := env.Classifier(ctx, repo)
	deferred := capture.NewDeferred(ctx, repo, classify)
	res, err := rewrite.Remap(ctx, repo, groups, rewrite.Options{
		Classify: classify,
		Message:  "Notes remapped by 'git ai-survival' after " + how,
		Fresh:    pending.Fresh,
		OwnNote: func(a added.Lines, m provenance.Meta) provenance.Note {
			return deferred.Note(ctx, a, m)
		},
	})
	for _, w := range append(deferred.Warnings, res.Warnings...) {
		env.Warnf("git-ai-survival: %s", w)
	}
	if err != nil {
		env.Warnf("git-ai-survival: provenance not carried over after %s: %v (the notes git copied are kept; fix one commit with 'git ai-survival annotate <commit> --force')", how, err)
		return
	}
	deferred.Settle()
	if pending.Path != "" {
		_ = os.Remove(pending.Path)
	}
}

// postMerge runs after git merge and git pull: it merges the notes the
// pull fetched, restores the notes of the commits it brought that a server
// squashed or rebased, and after `git merge --squash` (argument "1") keeps
// the squashed commits for the commit that follows.
func postMerge(ctx context.Context, env Env, args []string) {
	repo, err := env.Repo(ctx)
	if err != nil {
		return
	}
	squash := len(args) > 0 && args[0] == "1"
	if squash {
		if err := rewrite.RecordSquash(ctx, repo); err != nil {
			env.Warnf("git-ai-survival: squashed commits not recorded: %v", err)
		}
	}
	MergeFetched(ctx, repo, env.Warnf)
	if !squash && env.RestoreMerged != nil {
		env.RestoreMerged(ctx, repo)
	}
}

// copySource is the post-commit hook's part for commits that copy others
// (cherry-pick, merge --squash): their lines take the provenance the copied
// commits recorded.
type copySource struct {
	checked bool
	kind    rewrite.Kind
	olds    []string
}

// detect finds what head was copied from (a cherry-pick, a merge --squash),
// once, and says whether it was.
func (c *copySource) detect(ctx context.Context, repo *gitx.Repo, head string) bool {
	if head != "" && !c.checked {
		c.checked = true
		kind, olds, err := rewrite.Detect(ctx, repo, head)
		if err == nil && len(olds) > 0 {
			c.kind, c.olds = kind, olds
		}
	}
	return len(c.olds) > 0
}

// carry gives the lines head copied the provenance of the commits they
// came from, in head's note (written by then).
func (c *copySource) carry(ctx context.Context, env Env, repo *gitx.Repo, head string) {
	if head == "" || len(c.olds) == 0 {
		return
	}
	carryCopy(ctx, repo, env.Classifier(ctx, repo), env.Warnf, head, c.kind, c.olds)
}

// carryCopy gives the lines head copied from olds (by kind) their
// provenance, in head's note.
func carryCopy(ctx context.Context, repo *gitx.Repo, classify resolve.Classifier, warnf func(string, ...any), head string, kind rewrite.Kind, olds []string) {
	_, err := rewrite.Remap(ctx, repo, []rewrite.Group{{New: head, Olds: olds}},
		rewrite.Options{Classify: classify, Message: "Notes carried over by 'git ai-survival' after " + string(kind)})
	if err != nil {
		warnf("git-ai-survival: provenance of the %s source not carried over: %v", kind, err)
	}
}
