package hookrun

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// postCommit records HEAD's provenance. With fed set, stdin is the output
// of capture.FeedArgs, which the hook's script started before us; with
// handOver set, stdout goes to the script's `git notes add` (hooks of
// version 2).
func postCommit(ctx context.Context, env Env, fed, handOver bool) {
	repo := gitx.AtHookDir(env.dir())
	opts := capture.PostCommitOptions{Budget: capture.Scaled(DiffBudget)}
	if fed {
		r, closeFeed := openFeed(env.In, time.Now().Add(capture.Scaled(DiffBudget)))
		defer closeFeed()
		opts.Feed = r
	}
	var copied copySource
	if handOver {
		// A copied commit's note is built on after it is written, here.
		opts.NoteOut = env.Out
		opts.WriteHere = func(head string) bool { return copied.detect(ctx, repo, head) }
	}
	classify := env.Classifier(ctx, repo)
	res, err := capture.PostCommit(ctx, repo, classify, opts)
	if err != nil {
		env.Warnf("git-ai-survival: provenance not recorded for this commit: %v (tag it later with 'git ai-survival annotate HEAD')", err)
		return
	}
	if res.CheckRecent {
		// With handOver, the script writes HEAD's note after we exit.
		defer Backfill(ctx, env.Warnf, repo, classify, handOver)
	}
	for _, w := range res.Warnings {
		env.Warnf("git-ai-survival: %s", w)
	}
	if res.Partial {
		env.Warnf("git-ai-survival: commit %s is too large to read in time; lines not read were tagged %s as a whole", provenance.ShortID(res.Commit), res.Origin)
	}
	if !handOver {
		copied.detect(ctx, repo, res.Commit)
	}
	copied.carry(ctx, env, repo, res.Commit)
	prepareDeferred(ctx, repo)
}

// postCommitRev records the provenance of commit id, which the hook's
// script named (see deferredPost), and says whether earlier commits may
// lack their note (see capture.Backfill).
func postCommitRev(ctx context.Context, env Env, repo *gitx.Repo, classify resolve.Classifier, id string) (checkRecent bool) {
	// Off the commit's path, a large commit may take longer to read than
	// in the foreground (half the budget; the watchdog has the rest).
	res, err := capture.PostCommit(ctx, repo, classify, capture.PostCommitOptions{Budget: capture.Scaled(DeferredBudget) / 2, Rev: id})
	if err != nil {
		env.Warnf("git-ai-survival: provenance not recorded for commit %s: %v (tag it later with 'git ai-survival annotate %s')", provenance.ShortID(id), err, provenance.ShortID(id))
		return true
	}
	for _, w := range res.Warnings {
		env.Warnf("git-ai-survival: %s", w)
	}
	if res.Partial {
		env.Warnf("git-ai-survival: commit %s is too large to read in time; lines not read were tagged %s as a whole", provenance.ShortID(res.Commit), res.Origin)
	}
	var copied copySource
	copied.detect(ctx, repo, res.Commit)
	copied.carry(ctx, env, repo, res.Commit)
	return res.CheckRecent
}

// openFeed wraps the hook's stdin so that reading it stops at deadline, and
// returns the function that closes it (stopping git if it was not read to
// the end). Where that is not possible the feed is closed at once and
// PostCommit runs git itself.
func openFeed(in io.Reader, deadline time.Time) (io.Reader, func()) {
	file, ok := in.(*os.File)
	if !ok {
		return in, func() {} // a test's reader
	}
	feed, err := gitx.OpenFeed(file, deadline)
	if err != nil {
		_ = file.Close()
		return nil, func() {}
	}
	return feed, func() { _ = feed.Close() }
}

// Backfill writes the notes missing on the last commits of the current
// branch (a hook killed before it wrote one) from what is still known,
// and says so through warnf. skipHead leaves HEAD alone.
func Backfill(ctx context.Context, warnf func(string, ...any), repo *gitx.Repo, classify resolve.Classifier, skipHead bool) {
	deadline, _ := ctx.Deadline()
	res, err := capture.Backfill(ctx, repo, classify, skipHead, deadline)
	for _, w := range res.Warnings {
		warnf("git-ai-survival: %s", w)
	}
	if err != nil && ctx.Err() == nil {
		// Out of time is no news: the next run or sync looks again.
		warnf("git-ai-survival: notes missing on earlier commits not filled in: %v (run 'git ai-survival sync' or 'git ai-survival annotate')", err)
	}
	if n := len(res.Filled); n > 0 {
		warnf("git-ai-survival: %d earlier commit(s) had no note (their hook did not finish); filled in from their commit evidence and pending checkpoints: %s", n, shortList(res.Filled))
	}
}

// shortList is the first five ids, abbreviated, and how many more.
func shortList(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(ids)-5)
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(provenance.ShortID(id))
	}
	return b.String()
}
