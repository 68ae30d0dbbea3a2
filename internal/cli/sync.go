package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
)

// SyncOptions are the inputs of sync.
type SyncOptions struct {
	IO   *IOStreams
	Repo func(context.Context) (*gitx.Repo, error)
	// Remote is the remote's name or URL ("" = the current branch's
	// remote, else origin, else the only remote).
	Remote string
	// Classifier gives the evidence rules that fill in notes missing on
	// the last commits (nil: none filled in).
	Classifier func(context.Context, *gitx.Repo) resolve.Classifier
	// NoRestore skips restoring the notes of squashed and rebased pull
	// requests' commits.
	NoRestore bool
	// restore is Factory.restoreNotes.
	restore func(context.Context, *gitx.Repo, []string, string, int, int) restore.Result
}

// NewCmdSync builds `sync`; runF replaces syncRun in tests.
func NewCmdSync(f *Factory, runF func(context.Context, *SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{IO: f.IO, Repo: f.Repo, Classifier: f.hookClassifier, restore: f.restoreNotes}
	cmd := &cobra.Command{
		Use:   "sync [<remote>]",
		Short: "Fetch, merge and push the provenance notes",
		Long: `Fetch the remote's provenance notes (refs/notes/ai-survival) into
refs/notes/remotes/<remote>/ai-survival, merge them into the local notes
without losing any, and push the result back to the remote.

Two notes for the same commit are merged line by line (every line is a
self-contained record). A note of the remote that is not a git-ai-survival
note never replaces a local one. The push is never forced: if the remote's
notes moved meanwhile, sync fetches and merges again (three attempts).

The pre-push hook does the same with every push, and a plain git fetch
brings the remote's notes (install configures it); run sync when the hook
could not push, or to share notes without pushing code. Before merging, it
fills in the notes missing on the last commits of the current branch (made
while a hook was killed) from their commit evidence, with a warning. It is
safe to run at any time: a failure leaves the local notes as they were.

Commits of HEAD's history that a server squashed or rebased (pull requests
merged on GitHub or GitLab) get their notes back from the commits they came
from, as 'annotate --restore' does, and those notes are pushed too;
--no-restore skips that.`,
		Example: `  # With the remote the current branch pushes to (else origin)
  $ git ai-survival sync

  # With a given remote
  $ git ai-survival sync upstream`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Remote = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return syncRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoRestore, "no-restore", false, "do not restore the notes of squashed or rebased pull requests' commits")
	return cmd
}

func syncRun(ctx context.Context, opts *SyncOptions) error {
	repo, err := opts.Repo(ctx)
	if err != nil {
		return err
	}
	warn := func(s string) { fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", term.Line(s)) }
	run := notesync.RunOptions{Remote: opts.Remote, Out: opts.IO.Out, Warn: warn}
	if opts.Classifier != nil {
		run.Backfill = func(ctx context.Context, repo *gitx.Repo) {
			hookrun.Backfill(ctx, func(format string, a ...any) {
				warn(strings.TrimPrefix(fmt.Sprintf(format, a...), "git-ai-survival: "))
			}, repo, opts.Classifier(ctx, repo), false)
		}
	}
	if !opts.NoRestore && opts.restore != nil {
		run.Restore = func(ctx context.Context, repo *gitx.Repo, remote string) int {
			rr := opts.restore(ctx, repo, []string{"HEAD"}, remote, restore.Limit, restore.FetchLimit)
			if rr.Written > 0 {
				rr.Print(opts.IO.Out)
			}
			return rr.Written
		}
	}
	syncWarnf := func(format string, a ...any) {
		warn(strings.TrimPrefix(fmt.Sprintf(format, a...), "git-ai-survival: "))
	}
	classifier := func() resolve.Classifier { return resolve.Classifier(nil) }
	if opts.Classifier != nil {
		classifier = func() resolve.Classifier { return opts.Classifier(ctx, repo) }
	}
	hookrun.Settle(ctx, repo, classifier, syncWarnf)
	err = notesync.Run(ctx, repo, run)
	if nr := (*notesync.NoRemoteError)(nil); errors.As(err, &nr) {
		return usageError("%s", nr.Msg)
	}
	return err
}

// defaultRemote is notesync.DefaultRemote with its errors as usage errors.
func defaultRemote(ctx context.Context, repo *gitx.Repo) (string, error) {
	r, err := notesync.DefaultRemote(ctx, repo)
	if nr := (*notesync.NoRemoteError)(nil); errors.As(err, &nr) {
		return "", usageError("%s", nr.Msg)
	}
	return r, err
}

// mergeFetchedNotes merges the notes a plain `git fetch` brought into the
// local notes, so that readers see them, once the notes of commits whose
// post-commit hook runs in the background are written; problems are
// warnings.
func (f *Factory) mergeFetchedNotes(ctx context.Context, repo *gitx.Repo) {
	f.settleNotes(ctx, repo) // notes on their way and owed first
	hookrun.MergeFetched(ctx, repo, f.Warnf)
}

// settleNotes waits for the notes the hooks are writing in the background
// and, in a repository installed with --lazy, writes the notes of the
// commits made since the last command or hook of ours.
func (f *Factory) settleNotes(ctx context.Context, repo *gitx.Repo) {
	hookrun.Settle(ctx, repo, func() resolve.Classifier { return f.hookClassifier(ctx, repo) }, f.Warnf)
}
