package hookrun

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// A commit's note is computed off the commit's path: the post-commit
// hook's script (hooks of version 5 on) resolves the new commit's id with
// the shell alone, creates the marker <common dir>/DeferredDir/<id>, starts
// `git-ai-survival hook post-commit --deferred <id>` in the background and
// returns. That process, one at a time per repository (waiting its turn
// for at most DeferredBudget), writes the note and removes the marker; it
// stops itself DeferredBudget after its turn came, whatever it was doing. Everything that reads notes first waits for the
// markers (WaitDeferred), so no reader sees the notes before a note that
// is on its way. A deferred process that fails leaves the commit without a
// note, as a killed hook does, and its warnings in a file that the next
// reader prints; the next commit or sync fills the note in.
const (
	// DeferredDir holds the markers, relative to the common git directory.
	DeferredDir = "ai-survival/deferred"
	// DeferredBudget bounds a deferred process (before capture.Scaled):
	// waiting its turn, and then reading the commit and writing the note.
	DeferredBudget = 12 * time.Second
	// SyncEnv, when set, makes the post-commit and post-rewrite hooks
	// run in the foreground (the test suites set it).
	SyncEnv = "GIT_AI_SURVIVAL_HOOK_SYNC"
	// RewritePrefix starts the name of a deferred post-rewrite's marker
	// (RewritePrefix and the hook shell's pid); git's lines are in the
	// marker's name plus RewritePairs, the rebase's list of its commits
	// (rewrite.PendingFile) in the name plus RewritePending.
	RewritePrefix  = "rewrite-"
	RewritePairs   = ".pairs"
	RewritePending = ".pending"
	// ParentWait bounds how long a deferred process waits for the git
	// command that ran its hook to exit before it starts its work.
	ParentWait = 2 * time.Second
	// deferredNice is the nice value of deferred processes: a third of
	// the CPU share of the user's own commands, not less, so that their
	// work still ends within its budget on a machine loaded by builds (at
	// 10, a load average near 70 starved them past it on 2 CPUs).
	deferredNice = 5
)

// isMarker says whether name, in DeferredDir, is a deferred process's
// marker: a commit id (post-commit) or RewritePrefix and digits.
func isMarker(name string) bool {
	if provenance.IsObjectID(name) {
		return true
	}
	digits, ok := strings.CutPrefix(name, RewritePrefix)
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// stayOutOfTheWay lowers the priority of this deferred process and waits,
// at most ParentWait, until process parent (the git command whose hook
// started it; 0 = unknown) has exited, so that the command's own last
// steps never compete with it for the CPU.
func stayOutOfTheWay(parent int) {
	lowerPriority()
	if parent <= 1 || parent == os.Getpid() {
		return
	}
	end := time.Now().Add(ParentWait)
	for !processGone(parent) && time.Now().Before(end) {
		time.Sleep(time.Millisecond)
	}
}

// waitEarlier waits until the deferred processes whose markers in dir were
// made before own's have ended (or are gone), at most until ctx is done:
// deferred work runs in the order the hooks ran, so that each finds the
// notes the earlier ones wrote (an amend right after a rebase, a rebase
// right after a commit).
func waitEarlier(ctx context.Context, dir, own string) {
	mine, err := os.Stat(filepath.Join(dir, own))
	if err != nil {
		return
	}
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		waiting := false
		for _, e := range entries {
			name := e.Name()
			if name == own || !isMarker(name) {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			t, m := info.ModTime(), mine.ModTime()
			if t.After(m) || t.Equal(m) && name > own {
				continue
			}
			if gone(filepath.Join(dir, name), name, t) {
				continue // readers clean it up
			}
			waiting = true
		}
		if !waiting {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// staleAfter is the age past which marker name is from a process that is
// gone, alive or not: a post-rewrite's process may work longer (its
// budget grows with the commits) but stops itself at its budget's end.
func staleAfter(name string) time.Duration {
	if strings.HasPrefix(name, RewritePrefix) {
		return 10 * time.Minute
	}
	return deferredStale()
}

// deferredStale is the age past which a marker is from a process that is
// gone (killed before it could remove it).
func deferredStale() time.Duration {
	return 2*capture.Scaled(DeferredBudget) + 2*time.Second
}

// deferredGrace is how long a deferred process may take to start and lock
// its marker: under load, after a quick series of commits, dozens start at
// once, and a marker dropped before its process starts would let another
// take that commit for one whose note was lost.
func deferredGrace() time.Duration {
	return capture.Scaled(DeferredBudget) / 2
}

// gone says whether marker p (named name, last modified at mod) is from
// a process that is gone: older than its stale age, or past the grace a
// process has to start and no longer locked.
func gone(p, name string, mod time.Time) bool {
	age := time.Since(mod)
	return age > staleAfter(name) || age > deferredGrace() && !alive(p)
}

// alive says whether the process of marker p still holds its lock.
func alive(p string) bool {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // one try
	release, err := fsx.Lock(ctx, p)
	if err != nil {
		return errors.Is(err, context.Canceled)
	}
	release()
	return false
}

// commonDir is the repository's common git directory, found without git
// when possible.
func commonDir(ctx context.Context, repo *gitx.Repo) string {
	if repo.CommonDir != "" {
		return repo.CommonDir
	}
	if repo.Top != "" {
		if gd, ok := gitx.GitDirAt(repo.Top); ok {
			if b, err := os.ReadFile(filepath.Join(gd, "commondir")); err == nil {
				c := strings.TrimSpace(string(b))
				if !filepath.IsAbs(c) {
					c = filepath.Join(gd, c)
				}
				return c
			}
			return gd
		}
	}
	d, err := repo.Line(ctx, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if err != nil {
		return ""
	}
	return d
}

// holdMarker locks marker for as long as this process lives (the kernel
// drops the lock if it is killed), and returns warnf, which collects the
// process's warnings, and finish, which leaves them in marker.warn for the
// next reader and removes marker and its files.
func holdMarker(ctx context.Context, marker string, files ...string) (warnf func(string, ...any), finish func()) {
	lctx, cancel := context.WithTimeout(ctx, time.Second)
	release, err := fsx.Lock(lctx, marker)
	cancel()
	if err != nil {
		release = func() {}
	}
	var warnings []string
	var mu sync.Mutex
	warnf = func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		warnings = append(warnings, term.Line(fmt.Sprintf(format, a...)))
	}
	finish = func() {
		mu.Lock()
		defer mu.Unlock()
		if len(warnings) > 0 {
			_ = os.WriteFile(marker+".warn", []byte(strings.Join(warnings, "\n")+"\n"), 0o644)
		}
		for _, f := range files {
			_ = os.Remove(f)
		}
		_ = os.Remove(marker)
		release()
	}
	return warnf, finish
}

// deferredPost runs the post-commit hook for commit id in the background
// (see DeferredDir).
func deferredPost(ctx context.Context, env Env, id string, parent int) {
	if !provenance.IsObjectID(id) {
		env.Warnf("git-ai-survival: hook post-commit --deferred: %q is not a commit id", id)
		return
	}
	repo := gitx.AtHookDir(env.dir())
	dir := filepath.Join(commonDir(ctx, repo), DeferredDir)
	marker := filepath.Join(dir, id)
	// The marker's lock, held while this process lives, tells readers it
	// is alive (the kernel drops it if the process is killed).
	warnf, finish := holdMarker(ctx, marker)
	stayOutOfTheWay(parent)
	wctx, cancel := context.WithTimeout(ctx, waitBound())
	waitEarlier(wctx, dir, id)
	cancel()
	// One deferred process at a time: the one for a commit made just
	// before writes its note first, so that this one sees it. Commits
	// made in a quick series queue here, each for at most the budget.
	lctx, cancel := context.WithTimeout(ctx, capture.Scaled(DeferredBudget))
	unlock, err := fsx.Lock(lctx, filepath.Join(dir, "lock"))
	cancel()
	if err == nil {
		defer unlock() // after finish: the next process sees no marker of ours
	}
	// Never outlive the budget, whatever hangs.
	stop := time.AfterFunc(capture.Scaled(DeferredBudget), func() {
		warnf("git-ai-survival: provenance of commit %s not recorded in time (the next commit or 'git ai-survival sync' fills it in)", provenance.ShortID(id))
		finish()
		os.Exit(0)
	})
	defer stop.Stop()
	defer finish()
	pctx, cancel := context.WithTimeout(ctx, capture.Scaled(DeferredBudget)*9/10)
	defer cancel()
	env.Warnf = warnf
	classify := env.Classifier(pctx, repo)
	checkRecent := postCommitRev(pctx, env, repo, classify, id)
	// Earlier commits without a note are filled in by the last deferred
	// process in line: one for a newer commit waits for this one, and
	// would find its own commit taken for a missing note.
	owed := filepath.Join(dir, "backfill-owed")
	if othersPending(dir, id) {
		if checkRecent {
			_ = os.WriteFile(owed, nil, 0o644)
		}
		return
	}
	if _, err := os.Stat(owed); err == nil {
		checkRecent = true
		_ = os.Remove(owed)
	}
	if checkRecent {
		Backfill(pctx, warnf, repo, classify, false)
	}
}

// othersPending says whether dir holds a live marker other than id's.
func othersPending(dir, id string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != id && isMarker(n) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) <= staleAfter(n) {
				return true
			}
		}
	}
	return false
}

// WaitDeferred waits until the notes of commits whose post-commit hook runs
// in the background are written (or their processes are gone), at most
// until ctx is done, and prints, through warnf, what those processes had
// to say. Commands call it before they read notes.
func WaitDeferred(ctx context.Context, repo *gitx.Repo, warnf func(string, ...any)) {
	common := commonDir(ctx, repo)
	if common == "" {
		return
	}
	dir := filepath.Join(common, DeferredDir)
	for {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) || err != nil {
			return
		}
		waiting := false
		for _, e := range entries {
			name := e.Name()
			p := filepath.Join(dir, name)
			if w, ok := strings.CutSuffix(name, ".warn"); ok && isMarker(w) {
				if b, err := os.ReadFile(p); err == nil && os.Remove(p) == nil {
					for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
						if line != "" {
							warnf("%s", line)
						}
					}
				}
				continue
			}
			if !isMarker(name) {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			if gone(p, name, info.ModTime()) {
				if os.Remove(p) == nil && strings.HasPrefix(name, RewritePrefix) { // its process was killed
					_ = os.Remove(p + RewritePairs)
					_ = os.Remove(p + RewritePending)
					warnf("git-ai-survival: provenance not carried over after a rebase or amend: its process stopped before it was done (run 'git ai-survival sync' to fill in the notes missing)")
				}
				continue
			}
			waiting = true
		}
		if !waiting {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// waitBound bounds WaitDeferred for commands and hooks.
func waitBound() time.Duration { return deferredStale() }

// WaitDeferredBounded is WaitDeferred bounded by the longest a deferred
// process may take.
func WaitDeferredBounded(ctx context.Context, repo *gitx.Repo, warnf func(string, ...any)) {
	ctx, cancel := context.WithTimeout(ctx, waitBound())
	defer cancel()
	WaitDeferred(ctx, repo, warnf)
}

// prepareDeferred makes the markers' directory, so that the script of the
// next commit can defer its work.
func prepareDeferred(ctx context.Context, repo *gitx.Repo) {
	if common := commonDir(ctx, repo); common != "" {
		_ = os.MkdirAll(filepath.Join(common, DeferredDir), 0o755)
	}
}

// deferredRewrite runs the post-rewrite hook in the background (hooks of
// version 6 on): the script saved git's lines in name+RewritePairs and,
// after a rebase, the rebase's list of its commits in name+RewritePending
// (git removes the rebase's directory once the hook returns), both in
// DeferredDir, created the marker name there and started
// `git-ai-survival hook post-rewrite --deferred <name> --after <git's pid>
// <amend|rebase>`. As a deferred post-commit, it waits for that git to exit
// and for the deferred processes started before it, then for its turn in
// the queue, computes the notes (as postRewrite does), removes its files
// and leaves its warnings for the next reader. Killed, it leaves its marker
// to a reader, who drops it with a warning (see WaitDeferred); sync and the
// next commit fill in the notes missing from the commits' evidence.
func deferredRewrite(ctx context.Context, env Env, name string, parent int, args []string) {
	if !strings.HasPrefix(name, RewritePrefix) || !isMarker(name) {
		env.Warnf("git-ai-survival: hook post-rewrite --deferred: %q is not a marker's name", name)
		return
	}
	how := "rewrite"
	if len(args) > 0 {
		how = args[0]
	}
	// Found with no process: git is still running.
	dir := filepath.Join(commonDir(ctx, gitx.AtHookDir(env.dir())), DeferredDir)
	marker := filepath.Join(dir, name)
	warnf, finish := holdMarker(ctx, marker, marker+RewritePairs, marker+RewritePending)
	stayOutOfTheWay(parent)
	wctx, cancel := context.WithTimeout(ctx, waitBound())
	waitEarlier(wctx, dir, name)
	cancel()
	repo, err := env.Repo(ctx)
	if err != nil {
		warnf("git-ai-survival: provenance not carried over after %s: %v (run 'git ai-survival sync' to fill in the notes missing)", how, err)
		finish()
		return
	}
	f, err := os.Open(marker + RewritePairs)
	if err != nil {
		warnf("git-ai-survival: provenance not carried over after %s: %v", how, err)
		finish()
		return
	}
	pairs, err := rewrite.ParsePairs(f)
	_ = f.Close()
	if err != nil {
		warnf("git-ai-survival: provenance not carried over after %s: %v", how, err)
		finish()
		return
	}
	var pending rewrite.Pending
	if how == "rebase" {
		if pending, err = rewrite.ReadPending(marker + RewritePending); err != nil {
			warnf("git-ai-survival: commits of the rebase not listed: %v (run 'git ai-survival sync' to fill their notes in)", err)
		}
	}
	lctx, cancel := context.WithTimeout(ctx, capture.Scaled(DeferredBudget))
	unlock, err := fsx.Lock(lctx, filepath.Join(dir, "lock"))
	cancel()
	if err == nil {
		defer unlock() // after finish: the next process sees no marker of ours
	}
	start := time.Now()
	budget := rewriteBudget(len(pairs) + len(pending.Fresh))
	stop := time.AfterFunc(budget+time.Second, func() {
		warnf("git-ai-survival: provenance not carried over in time after %s (run 'git ai-survival sync' to fill in the notes missing)", how)
		finish()
		os.Exit(0)
	})
	defer stop.Stop()
	defer finish()
	env.Warnf = warnf
	if since, lazy := LazySince(ctx, repo); lazy {
		// No post-commit hook: the rewritten commits' notes first.
		cctx, cancel := context.WithDeadline(ctx, start.Add(budget/2))
		catchUpLocked(cctx, repo, since, env.classifier(cctx, repo), warnf)
		cancel()
	}
	remapRewritten(ctx, env, repo, start, how, pairs, pending)
	// Notes an earlier deferred post-commit left to the last in line.
	owed := filepath.Join(dir, "backfill-owed")
	if _, err := os.Stat(owed); err == nil && !othersPending(dir, name) {
		_ = os.Remove(owed)
		bctx, cancel := context.WithDeadline(ctx, start.Add(budget)) // before the watchdog
		defer cancel()
		Backfill(bctx, warnf, repo, env.Classifier(bctx, repo), false)
	}
}

// deferredArgs takes "--deferred <target>" and "--after <pid>" out of a
// hook's arguments; ok is false without --deferred.
func deferredArgs(args []string) (target string, parent int, rest []string, ok bool) {
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--deferred" && i+1 < len(args):
			target, ok = args[i+1], true
			i++
		case args[i] == "--after" && i+1 < len(args):
			parent, _ = strconv.Atoi(args[i+1])
			i++
		default:
			rest = append(rest, args[i])
		}
	}
	return target, parent, rest, ok
}
