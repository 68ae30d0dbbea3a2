package cli

import (
	"context"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
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
  post-merge     after a pull, merges the notes it fetched
  post-checkout  after a checkout or restore, forgets agent checkpoints of
                 files that are back to their committed content

It never makes a git operation fail: problems are printed as one warning
line on stderr and the exit code is 0. It gives up after about two seconds
on very large commits, tagging what it read and marking the note partial.`,
		Example: `  # What the post-commit hook runs
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
	ctx, cancel := context.WithTimeout(ctx, hookTimeoutFor(name))
	defer cancel()
	switch name {
	case "post-commit":
		postCommitHook(ctx, f)
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

func postCommitHook(ctx context.Context, f *Factory) {
	dir := f.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	repo := gitx.AtHookDir(dir)
	classify := f.hookClassifier(ctx, repo)
	res, err := capture.PostCommit(ctx, repo, classify, hookDiffBudget)
	if err != nil {
		f.Warnf("git-ai-survival: provenance not recorded for this commit: %v (tag it later with 'git ai-survival annotate HEAD')", err)
		return
	}
	for _, w := range res.Warnings {
		f.Warnf("git-ai-survival: %s", w)
	}
	if res.Partial {
		f.Warnf("git-ai-survival: commit %s is too large to read in time; lines not read were tagged %s as a whole", res.Commit[:12], res.Origin)
	}
	carryCopiedProvenance(ctx, f, repo, res.Commit)
}

// noDeadline lets a capture read for as long as it needs.
var noDeadline time.Time
