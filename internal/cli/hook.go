package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
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
line on stderr and the exit code is 0. In the foreground it gives up after
about two seconds on very large commits, tagging what it read and marking
the note partial.

The installed post-commit hook writes a plain commit's note off the
commit's path: it runs 'hook post-commit --deferred <commit>' in the
background, and every command that reads notes waits for it first; its
warnings are printed by the next command or commit. During a rebase it runs
nothing, and post-rewrite computes the notes of all the rebase's commits at
its end, also in the background ('hook post-rewrite --deferred <marker>',
its input saved next to the marker); both wait for the git command that ran
them to exit first (--after <pid>). During a cherry-pick or after merge --squash (and with
GIT_AI_SURVIVAL_HOOK_SYNC set) it runs in the foreground: git log is
started before the binary and piped in (--feed: stdin is the commit as that
git log prints it); without --feed the command reads the commit itself
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
	hookrun.Run(ctx, hookrun.Env{
		Dir: f.Dir, In: f.IO.In, Out: f.IO.Out, Warnf: f.Warnf, Getenv: f.Getenv,
		Repo: f.Repo, Classifier: f.hookClassifier, RestoreMerged: f.restoreMerged,
	}, name, args)
}
