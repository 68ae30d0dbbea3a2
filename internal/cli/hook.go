package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
)

// Hook time limits: git waits for the hook, so it must return quickly
// whatever the commit's size.
const (
	hookDiffBudget = 1400 * time.Millisecond
	hookTimeout    = 1900 * time.Millisecond
)

func newCmdHook(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "hook <name> [<args>...]",
		Short: "Run a git hook's part of git-ai-survival (called by the installed hooks)",
		Long: `The hooks that 'git ai-survival install' writes call this command:

  post-commit    tags every line the new commit added (ai or human) in its note;
                 after a cherry-pick or merge --squash, the copied lines keep
                 the provenance of the commits they came from
  pre-push       pushes the notes to the same remote (fetching and merging
                 first when the remote's notes moved on); never stops the push
  post-rewrite   after amend and rebase, computes each new commit's note from
                 the old commits' notes (reads old/new pairs on stdin)
  post-merge     after a pull, merges the notes it fetched and restores the
                 notes of commits a server squashed or rebased
  post-checkout  after a checkout or restore, forgets agent checkpoints of
                 files that are back to their committed content

It never makes a git operation fail: problems are printed as one warning
line on stderr and the exit code is 0. It gives up after about two seconds
on very large commits, tagging what it read and marking the note partial.

The installed post-commit hook starts git log before the binary and pipes it
in (--feed: stdin is the commit as that git log prints it); without --feed
the command reads the commit itself. Either way it writes the note itself
(hooks installed by older versions pass --note-to-stdout and pipe the note
into git notes add).`,
		Example: `  # Tag HEAD, as the post-commit hook does
  $ git ai-survival hook post-commit`,
		Args:               cobra.MinimumNArgs(1),
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "-h" || args[0] == "--help" {
				return cmd.Help()
			}
			runHook(cmd.Context(), f, args[0], args[1:])
			return nil
		},
	}
}

func runHook(ctx context.Context, f *Factory, name string, args []string) {
	ctx, cancel := context.WithTimeout(ctx, capture.Scaled(hookTimeoutFor(name)))
	defer cancel()
	switch name {
	case "post-commit":
		postCommitHook(ctx, f, slices.Contains(args, "--feed"), slices.Contains(args, "--note-to-stdout"))
	case "pre-push":
		prePushHook(ctx, f, args)
	case "post-rewrite":
		postRewriteHook(ctx, f, args)
	case "post-merge":
		postMergeHook(ctx, f, args)
	case "post-checkout":
		dir := f.Dir
		if dir == "" {
			dir, _ = os.Getwd()
		}
		if err := checkpoint.Forget(ctx, dir, func(w string) { f.Warnf("git-ai-survival: %s", w) }); err != nil {
			f.Warnf("git-ai-survival: agent checkpoints not cleared after checkout: %v", err)
		}
	default:
		f.Warnf("git-ai-survival: unknown hook %q ignored (reinstall with 'git ai-survival install')", name)
	}
}

// postCommitHook records HEAD's provenance. With fed set, stdin is the
// output of capture.FeedArgs, which the hook's script started before us;
// with handOver set, stdout goes to the script's `git notes add`.
func postCommitHook(ctx context.Context, f *Factory, fed, handOver bool) {
	dir := f.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	repo := gitx.AtHookDir(dir)
	opts := capture.PostCommitOptions{Budget: capture.Scaled(hookDiffBudget)}
	if fed {
		r, closeFeed := openFeed(f.IO.In, time.Now().Add(capture.Scaled(hookDiffBudget)))
		defer closeFeed()
		opts.Feed = r
	}
	var copied copySource
	if handOver {
		// A copied commit's note is built on after it is written, here.
		opts.NoteOut = f.IO.Out
		opts.WriteHere = func(head string) bool { return copied.detect(ctx, repo, head) }
	}
	classify := f.hookClassifier(ctx, repo)
	res, err := capture.PostCommit(ctx, repo, classify, opts)
	if err != nil {
		f.Warnf("git-ai-survival: provenance not recorded for this commit: %v (tag it later with 'git ai-survival annotate HEAD')", err)
		return
	}
	if res.CheckRecent {
		// With handOver, the script writes HEAD's note after we exit.
		defer backfill(ctx, f.Warnf, repo, classify, handOver)
	}
	for _, w := range res.Warnings {
		f.Warnf("git-ai-survival: %s", w)
	}
	if res.Partial {
		f.Warnf("git-ai-survival: commit %s is too large to read in time; lines not read were tagged %s as a whole", res.Commit[:12], res.Origin)
	}
	if !handOver {
		copied.detect(ctx, repo, res.Commit)
	}
	copied.carry(ctx, f, repo, res.Commit)
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

// backfill writes the notes missing on the last commits of the current
// branch (a hook killed before it wrote one) from what is still known,
// and says so.
func backfill(ctx context.Context, warnf func(string, ...any), repo *gitx.Repo, classify resolve.Classifier, skipHead bool) {
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
		if len(id) > 12 {
			id = id[:12]
		}
		b.WriteString(id)
	}
	return b.String()
}
