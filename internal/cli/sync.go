package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
)

// Time limits of the hooks that move notes: pre-push talks to the remote
// (a hung network must not hold the user's push for long), post-rewrite may
// remap a long rebase.
const (
	prePushTimeout     = 10 * time.Second
	postRewriteTimeout = 10 * time.Second
	syncTimeout        = 60 * time.Second
)

// hookTimeoutFor is how long hook name may run.
func hookTimeoutFor(name string) time.Duration {
	switch name {
	case "pre-push":
		return prePushTimeout
	case "post-rewrite", "post-merge":
		return postRewriteTimeout
	}
	return hookTimeout
}

// SyncOptions are the inputs of sync.
type SyncOptions struct {
	IO      *IOStreams
	Repo    func(context.Context) (*gitx.Repo, error)
	Context context.Context
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
func NewCmdSync(f *Factory, runF func(*SyncOptions) error) *cobra.Command {
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
			opts.Context = cmd.Context()
			if len(args) == 1 {
				opts.Remote = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return syncRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoRestore, "no-restore", false, "do not restore the notes of squashed or rebased pull requests' commits")
	return cmd
}

func syncRun(opts *SyncOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	repo, err := opts.Repo(ctx)
	if err != nil {
		return err
	}
	remote := opts.Remote
	if remote == "" {
		if remote, err = defaultRemote(ctx, repo); err != nil {
			return err
		}
	}
	warn := func(s string) { fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", term.Line(s)) }
	if opts.Classifier != nil && repo.Top != "" {
		backfill(ctx, func(format string, a ...any) {
			warn(strings.TrimPrefix(fmt.Sprintf(format, a...), "git-ai-survival: "))
		}, repo, opts.Classifier(ctx, repo), false)
	}
	merged, err := notesync.MergeFetched(ctx, repo)
	for _, m := range merged {
		for _, w := range m.Warnings {
			warn(w)
		}
	}
	if err != nil {
		warn(err.Error())
	}
	res, err := notesync.Sync(ctx, repo, remote)
	for _, w := range res.Merge.Warnings {
		warn(w)
	}
	for _, m := range res.Push.Merges {
		for _, w := range m.Warnings {
			warn(w)
		}
	}
	if err != nil {
		if errors.Is(err, notesync.ErrForeign) {
			// err names the remote ("merging the notes of <remote>: ...").
			return fmt.Errorf("%w; the local notes are untouched and were not pushed", err)
		}
		return fmt.Errorf("%w (the local notes are safe; run 'git ai-survival sync %s' again)", err, remote)
	}
	fmt.Fprintf(opts.IO.Out, "%s: %s\n", remote, describeSync(res))
	if !opts.NoRestore && opts.restore != nil && repo.HasCommits(ctx) {
		if rr := opts.restore(ctx, repo, []string{"HEAD"}, remote, restoreLimit, fetchLimit); rr.Written > 0 {
			printRestored(opts.IO.Out, rr)
			if _, err := notesync.Push(ctx, repo, remote); err != nil {
				return fmt.Errorf("restored notes not pushed: %w (run 'git ai-survival sync %s' again)", err, remote)
			}
		}
	}
	warnLostNotesTo(ctx, repo, warn)
	return nil
}

func describeSync(res notesync.SyncResult) string {
	var parts []string
	if res.Fetch.Tip == "" {
		parts = append(parts, "no notes on the remote yet")
	} else {
		m := res.Merge
		switch m.Action {
		case notesync.UpToDate:
			parts = append(parts, "remote notes already merged")
		default:
			parts = append(parts, fmt.Sprintf("remote notes %s (%d taken, %d combined)", m.Action, m.Taken, m.Combined))
		}
	}
	parts = append(parts, "notes "+res.Push.Status)
	return strings.Join(parts, ", ")
}

// defaultRemote is the current branch's remote, else origin, else the
// only remote.
func defaultRemote(ctx context.Context, repo *gitx.Repo) (string, error) {
	if branch, err := repo.Line(ctx, "symbolic-ref", "--quiet", "--short", "HEAD"); err == nil && branch != "" {
		if r, ok, _ := repo.Config(ctx, "branch."+branch+".remote"); ok && r != "" && r != "." {
			return r, nil
		}
	}
	remotes, err := repo.Remotes(ctx)
	if err != nil {
		return "", err
	}
	if r, ok := gitx.PreferredRemote(remotes); ok {
		return r, nil
	}
	if len(remotes) == 0 {
		return "", usageError("this repository has no remote; name one: git ai-survival sync <remote>")
	}
	return "", usageError("name the remote to sync with (%s): git ai-survival sync <remote>", strings.Join(remotes, ", "))
}

// mergeFetchedNotes merges the notes a plain `git fetch` brought into the
// local notes, so that readers see them; problems are warnings. Commands
// that read notes call it first.
func (f *Factory) mergeFetchedNotes(ctx context.Context, repo *gitx.Repo) {
	merged, err := notesync.MergeFetched(ctx, repo)
	for _, m := range merged {
		for _, w := range m.Warnings {
			f.Warnf("git-ai-survival: %s", w)
		}
	}
	if err != nil {
		f.Warnf("git-ai-survival: fetched notes not merged: %v (run 'git ai-survival sync')", err)
	}
}

// prePushHook pushes the notes ref to the remote the user pushes to.
// git passes the remote's name (or URL when it has none) and URL as
// arguments, and "<local ref> <local oid> <remote ref> <remote oid>" lines
// on stdin. Nothing here can stop the user's push: every problem is one
// warning line that says how to sync later.
func prePushHook(ctx context.Context, f *Factory, args []string) {
	input, _ := io.ReadAll(f.IO.In)
	if f.Getenv != nil && f.Getenv(notesync.SyncEnv) != "" {
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
	repo, err := f.Repo(ctx)
	if err != nil {
		f.Warnf("git-ai-survival: provenance notes not pushed: %v; %s", err, later)
		return
	}
	if _, err := notesync.MergeFetched(ctx, repo); err != nil && ctx.Err() == nil {
		f.Warnf("git-ai-survival: fetched notes not merged: %v", err)
	}
	res, err := notesync.Push(ctx, repo, remote)
	var rej *notesync.RejectedError
	switch {
	case errors.As(err, &rej):
		f.Warnf("git-ai-survival: provenance notes not pushed: %s refused them (%s); %s", remote, rej.Reason, later)
	case errors.Is(err, notesync.ErrForeign):
		f.Warnf("git-ai-survival: provenance notes not pushed: %v; %s", err, later) // err names the remote
	case err != nil:
		f.Warnf("git-ai-survival: provenance notes not pushed to %s: %v; %s", remote, err, later)
	default:
		for _, m := range res.Merges {
			for _, w := range m.Warnings {
				f.Warnf("git-ai-survival: %s", w)
			}
		}
	}
}

// postRewriteHook computes the notes of commits amend or rebase made.
// git passes "amend" or "rebase" as argument and "<old> <new> [<extra>]"
// lines on stdin (several old commits map to one new one for squash and
// fixup).
func postRewriteHook(ctx context.Context, f *Factory, args []string) {
	pairs, err := rewrite.ParsePairs(f.IO.In)
	if err != nil {
		f.Warnf("git-ai-survival: provenance not carried over: %v", err)
		return
	}
	groups := rewrite.GroupPairs(pairs)
	if len(groups) == 0 {
		return
	}
	how := "rewrite"
	if len(args) > 0 {
		how = args[0]
	}
	repo, err := f.Repo(ctx)
	if err != nil {
		f.Warnf("git-ai-survival: provenance not carried over after %s: %v", how, err)
		return
	}
	classify := f.hookClassifier(ctx, repo)
	res, err := rewrite.Remap(ctx, repo, groups, rewrite.Options{Classify: classify, Message: "Notes remapped by 'git ai-survival' after " + how})
	for _, w := range res.Warnings {
		f.Warnf("git-ai-survival: %s", w)
	}
	if err != nil {
		f.Warnf("git-ai-survival: provenance not carried over after %s: %v (the notes git copied are kept; fix one commit with 'git ai-survival annotate <commit> --force')", how, err)
	}
}

// postMergeHook runs after git merge and git pull: it merges the notes
// the pull fetched, restores the notes of the commits it brought that a
// server squashed or rebased, and after `git merge --squash` (argument "1") keeps the
// squashed commits for the commit that follows.
func postMergeHook(ctx context.Context, f *Factory, args []string) {
	repo, err := f.Repo(ctx)
	if err != nil {
		return
	}
	squash := len(args) > 0 && args[0] == "1"
	if squash {
		if err := rewrite.RecordSquash(ctx, repo); err != nil {
			f.Warnf("git-ai-survival: squashed commits not recorded: %v", err)
		}
	}
	f.mergeFetchedNotes(ctx, repo)
	if !squash {
		f.restoreMerged(ctx, repo)
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
func (c *copySource) carry(ctx context.Context, f *Factory, repo *gitx.Repo, head string) {
	if head == "" || len(c.olds) == 0 {
		return
	}
	classify := f.hookClassifier(ctx, repo)
	_, err := rewrite.Remap(ctx, repo, []rewrite.Group{{New: head, Olds: c.olds}},
		rewrite.Options{Classify: classify, Message: "Notes carried over by 'git ai-survival' after " + string(c.kind)})
	if err != nil {
		f.Warnf("git-ai-survival: provenance of the %s source not carried over: %v", c.kind, err)
	}
}
