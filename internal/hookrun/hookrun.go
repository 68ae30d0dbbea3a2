// Package hookrun is what the installed git hooks run: `git-ai-survival
// hook <name>` parses nothing else and calls Run. Each hook never makes a
// git operation fail: problems are one warning line each on stderr, and
// work a hook could not finish is left for `sync` or the next commit's
// backfill to fill in.
package hookrun

import (
	"context"
	"io"
	"os"
	"slices"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
)

// Env is what a hook runs with: its streams, its repository and the
// command's services it calls back.
type Env struct {
	// Dir is the directory the hook runs in ("" = current): git runs
	// hooks at the top of the working tree.
	Dir string
	// In is the hook's stdin (git's lines, or the post-commit feed); Out
	// its stdout.
	In  io.Reader
	Out io.Writer
	// Warnf prints one warning line on stderr.
	Warnf func(format string, a ...any)
	// Getenv reads the environment (nil: an empty one).
	Getenv func(string) string
	// Repo opens the repository around Dir.
	Repo func(context.Context) (*gitx.Repo, error)
	// Classifier gives the evidence rules (never failing: a bad
	// configuration is a warning and the built-in rules apply).
	Classifier func(context.Context, *gitx.Repo) resolve.Classifier
	// RestoreMerged restores, after a merge or pull, the notes of the
	// commits it brought that a server squashed or rebased (nil: none).
	RestoreMerged func(context.Context, *gitx.Repo)
}

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

func (e Env) dir() string {
	if e.Dir != "" {
		return e.Dir
	}
	d, _ := os.Getwd()
	return d
}

// Hook time limits: git waits for the hook, so it must return quickly
// whatever the commit's size. pre-push talks to the remote (a hung
// network must not hold the user's push for long); post-rewrite may remap
// a long rebase.
const (
	DiffBudget         = 1400 * time.Millisecond
	CommitTimeout      = 1900 * time.Millisecond
	PrePushTimeout     = 10 * time.Second
	PostRewriteTimeout = 10 * time.Second
	// PostRewritePerCommit is added to PostRewriteTimeout for each commit
	// post-rewrite computes a note for.
	PostRewritePerCommit = 100 * time.Millisecond
)

// TimeoutFor is how long hook name may run (before scaling by
// capture.Scaled).
func TimeoutFor(name string) time.Duration {
	switch name {
	case "pre-push":
		return PrePushTimeout
	case "post-rewrite", "post-merge":
		return PostRewriteTimeout
	}
	return CommitTimeout
}

// Run runs hook name with git's arguments args.
func Run(ctx context.Context, env Env, name string, args []string) {
	if target, parent, rest, ok := deferredArgs(args); ok {
		switch name {
		case "post-commit":
			deferredPost(ctx, env, target, parent)
			return
		case "post-rewrite":
			deferredRewrite(ctx, env, target, parent, rest)
			return
		}
	}
	if name != "post-rewrite" { // its time limit grows with the rewrite
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, capture.Scaled(TimeoutFor(name)))
		defer cancel()
	}
	switch name {
	case "post-commit":
		postCommit(ctx, env, slices.Contains(args, "--feed"), slices.Contains(args, "--note-to-stdout"))
	case "pre-push":
		prePush(ctx, env, args)
	case "post-rewrite":
		postRewrite(ctx, env, args)
	case "post-merge":
		postMerge(ctx, env, args)
	case "post-checkout":
		// A commit's note on its way resolves checkpoints this forgets.
		// Without a post-commit hook, the notes owed apply checkpoints too.
		repo := gitx.AtHookDir(env.dir())
		Settle(ctx, repo, env.classifier(ctx, repo), env.Warnf)
		if err := checkpoint.Forget(ctx, env.dir(), func(w string) { env.Warnf("git-ai-survival: %s", w) }); err != nil {
			env.Warnf("git-ai-survival: agent checkpoints not cleared after checkout: %v", err)
		}
	default:
		env.Warnf("git-ai-survival: unknown hook %q ignored (reinstall with 'git ai-survival install')", name)
	}
}

// MergeFetched merges the notes a plain `git fetch` brought into the
// local notes, so that readers see them; problems are warnings. Commands
// that read notes call it first.
func MergeFetched(ctx context.Context, repo *gitx.Repo, warnf func(string, ...any)) {
	merged, err := notesync.MergeFetched(ctx, repo)
	for _, m := range merged {
		for _, w := range m.Warnings {
			warnf("git-ai-survival: %s", w)
		}
	}
	if err != nil {
		warnf("git-ai-survival: fetched notes not merged: %v (run 'git ai-survival sync')", err)
	}
}
