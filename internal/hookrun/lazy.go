package hookrun

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
)

// LazyFile, relative to the common git directory, is there when
// `install --lazy` left the post-commit hook out: a commit then costs
// nothing of ours, and its note is written by the next agent checkpoint,
// push, rewrite or git-ai-survival command (CatchUp). Its modification
// time is when that began: commits made before are left alone.
const LazyFile = "ai-survival/lazy"

// LazySince says whether repo runs without a post-commit hook, and since
// when.
func LazySince(ctx context.Context, repo *gitx.Repo) (time.Time, bool) {
	common := commonDir(ctx, repo)
	if common == "" {
		return time.Time{}, false
	}
	fi, err := os.Stat(filepath.Join(common, LazyFile))
	if err != nil {
		return time.Time{}, false
	}
	return fi.ModTime(), true
}

// CatchUp writes, in a repository installed with --lazy, the notes of the
// commits made since the last catch-up (see capture.CatchUp), within
// DeferredBudget or ctx's deadline when sooner; elsewhere it does nothing.
// classifier is called only when a note is owed. Problems are warnings.
//
// It takes at most half of what is left of ctx's time, so that its caller
// (an agent's checkpoint) still has time for its own work when a
// background post-rewrite holds the lock.
func CatchUp(ctx context.Context, repo *gitx.Repo, classifier func() resolve.Classifier, warnf func(string, ...any)) {
	since, lazy := LazySince(ctx, repo)
	if !lazy {
		return
	}
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(deadline)/2)
		defer cancel()
	}
	catchUp(ctx, repo, since, classifier, warnf)
}

// catchUp takes the lock of the deferred processes (two writers at once
// would both apply the same checkpoints) and catches up.
func catchUp(ctx context.Context, repo *gitx.Repo, since time.Time, classifier func() resolve.Classifier, warnf func(string, ...any)) (filled []string) {
	ctx, cancel := context.WithTimeout(ctx, capture.Scaled(DeferredBudget))
	defer cancel()
	dir := filepath.Join(commonDir(ctx, repo), DeferredDir)
	if err := os.MkdirAll(dir, 0o755); err == nil {
		if unlock, err := fsx.Lock(ctx, filepath.Join(dir, "lock")); err == nil {
			defer unlock()
		}
	}
	return catchUpLocked(ctx, repo, since, classifier, warnf)
}

// fillLost is the catch-up of a repository whose post-commit hook writes
// the notes: the commits made since the last one whose hook did not
// finish (killed, or out of time on a loaded machine) get their note, with
// a warning. It starts where it is first run (or where install started
// it), only where install was run, and not during a rebase (whose commits
// post-rewrite tags at its end).
func fillLost(ctx context.Context, repo *gitx.Repo, classifier func() resolve.Classifier, warnf func(string, ...any)) {
	common := commonDir(ctx, repo)
	if common == "" || !exists(filepath.Join(common, InstallState)) {
		return
	}
	if gd, err := repo.OwnGitDir(ctx); err != nil || exists(filepath.Join(gd, "rebase-merge")) || exists(filepath.Join(gd, "rebase-apply")) {
		return
	}
	if filled := catchUp(ctx, repo, time.Now(), classifier, warnf); len(filled) > 0 {
		warnf("git-ai-survival: %d earlier commit(s) had no note (their hook did not finish); filled in from their commit evidence and pending checkpoints: %s", len(filled), shortList(filled))
	}
}

// InstallState, relative to the common git directory, is the record
// install keeps of what it did: there when our hooks were installed.
const InstallState = "ai-survival/install/state.json"

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// catchUpLocked is CatchUp's work, for a caller that holds the lock of
// the deferred processes; it returns the commits that got a note.
func catchUpLocked(ctx context.Context, repo *gitx.Repo, since time.Time, classifier func() resolve.Classifier, warnf func(string, ...any)) []string {
	classifier = sync.OnceValue(classifier) // the configuration is read once
	deadline, _ := ctx.Deadline()
	res, err := capture.CatchUp(ctx, repo, classifier, since, deadline)
	for _, w := range res.Warnings {
		warnf("git-ai-survival: %s", w)
	}
	// Copies (cherry-pick -x, merge --squash) take their sources' notes.
	for _, id := range res.Filled {
		kind, olds, derr := rewrite.DetectLater(ctx, repo, id, res.Reflog[id])
		if derr == nil && len(olds) > 0 {
			carryCopy(ctx, repo, classifier(), warnf, id, kind, olds)
		}
	}
	if err != nil && ctx.Err() == nil {
		warnf("git-ai-survival: notes of new commits not written: %v (run 'git ai-survival sync' or 'git ai-survival annotate')", err)
	}
	return res.Filled
}

// Settle makes the notes complete before they are read: it waits for the
// notes on their way (WaitDeferredBounded) and writes those owed: without
// a post-commit hook (CatchUp), and those a post-commit hook that did not
// finish left out (fillLost).
func Settle(ctx context.Context, repo *gitx.Repo, classifier func() resolve.Classifier, warnf func(string, ...any)) {
	WaitDeferredBounded(ctx, repo, warnf)
	if since, lazy := LazySince(ctx, repo); lazy {
		catchUp(ctx, repo, since, classifier, warnf)
		return
	}
	fillLost(ctx, repo, classifier, warnf)
}

// classifier is env's classifier for repo, made when asked for.
func (e Env) classifier(ctx context.Context, repo *gitx.Repo) func() resolve.Classifier {
	return func() resolve.Classifier { return e.Classifier(ctx, repo) }
}
