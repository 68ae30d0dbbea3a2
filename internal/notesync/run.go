package notesync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
)

// RunTimeout bounds a whole `sync`.
const RunTimeout = 60 * time.Second

// RunOptions are the inputs of Run (the `sync` command).
type RunOptions struct {
	// Remote is the remote's name or URL ("" = DefaultRemote).
	Remote string
	// Out receives the summary line; Warn each warning (without the
	// "warning: " prefix).
	Out  io.Writer
	Warn func(string)
	// Backfill, when set, fills in the notes missing on the last commits
	// before merging (nil: none).
	Backfill func(context.Context, *gitx.Repo)
	// Restore, when set, restores the notes of commits a server squashed
	// or rebased, fetching from remote, prints what it did and returns how
	// many notes it wrote; they are pushed in turn.
	Restore func(ctx context.Context, repo *gitx.Repo, remote string) int
}

// NoRemoteError says which remote to name when none could be chosen.
type NoRemoteError struct{ Msg string }

func (e *NoRemoteError) Error() string { return e.Msg }

// Run fetches the remote's notes, merges them into the local notes,
// pushes the result back, and restores the notes of squashed and rebased
// pull requests' commits.
func Run(ctx context.Context, repo *gitx.Repo, opts RunOptions) error {
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	warn := opts.Warn
	remote := opts.Remote
	if remote == "" {
		var err error
		if remote, err = DefaultRemote(ctx, repo); err != nil {
			return err
		}
	}
	if opts.Backfill != nil && repo.Top != "" {
		opts.Backfill(ctx, repo)
	}
	merged, err := MergeFetched(ctx, repo)
	for _, m := range merged {
		for _, w := range m.Warnings {
			warn(w)
		}
	}
	if err != nil {
		warn(err.Error())
	}
	res, err := Sync(ctx, repo, remote)
	for _, w := range res.Merge.Warnings {
		warn(w)
	}
	for _, m := range res.Push.Merges {
		for _, w := range m.Warnings {
			warn(w)
		}
	}
	if err != nil {
		if errors.Is(err, ErrForeign) {
			// err names the remote ("merging the notes of <remote>: ...").
			return fmt.Errorf("%w; the local notes are untouched and were not pushed", err)
		}
		return fmt.Errorf("%w (the local notes are safe; run 'git ai-survival sync %s' again)", err, remote)
	}
	fmt.Fprintf(opts.Out, "%s: %s\n", remote, Describe(res))
	if opts.Restore != nil && repo.HasCommits(ctx) {
		if opts.Restore(ctx, repo, remote) > 0 {
			if _, err := Push(ctx, repo, remote); err != nil {
				return fmt.Errorf("restored notes not pushed: %w (run 'git ai-survival sync %s' again)", err, remote)
			}
		}
	}
	if n, err := notes.New(repo).Lost(ctx); err == nil {
		if w := notes.LostWarning(n); w != "" {
			warn(w)
		}
	}
	return nil
}

// Describe is the summary line of a sync.
func Describe(res SyncResult) string {
	var parts []string
	if res.Fetch.Tip == "" {
		parts = append(parts, "no notes on the remote yet")
	} else {
		m := res.Merge
		switch m.Action {
		case UpToDate:
			parts = append(parts, "remote notes already merged")
		default:
			parts = append(parts, fmt.Sprintf("remote notes %s (%d taken, %d combined)", m.Action, m.Taken, m.Combined))
		}
	}
	parts = append(parts, "notes "+res.Push.Status)
	return strings.Join(parts, ", ")
}

// DefaultRemote is the current branch's remote, else origin, else the
// only remote; a *NoRemoteError when there is none or several.
func DefaultRemote(ctx context.Context, repo *gitx.Repo) (string, error) {
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
		return "", &NoRemoteError{"this repository has no remote; name one: git ai-survival sync <remote>"}
	}
	return "", &NoRemoteError{fmt.Sprintf("name the remote to sync with (%s): git ai-survival sync <remote>", strings.Join(remotes, ", "))}
}
