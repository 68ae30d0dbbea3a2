package capture

import (
	"context"
	"errors"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
)

// PostCommitResult says what the post-commit hook recorded.
type PostCommitResult struct {
	Commit  string
	Lines   int
	Origin  string
	Partial bool
	// Existing is set when the commit already had a note (kept as it is).
	Existing bool
	// Warnings are problems that did not stop the note (one line each).
	Warnings []string
}

// PostCommit tags every line HEAD added and writes HEAD's note. Reading
// the diff stops at budget: the files read by then get line records, and
// the commit record covers the rest (the note is marked partial).
func PostCommit(ctx context.Context, repo *gitx.Repo, classify Classifier, budget time.Duration) (PostCommitResult, error) {
	var res PostCommitResult
	start := time.Now()
	// Start the note's writer first: its start-up overlaps reading the diff.
	pending, err := notes.New(repo).StartAdd(ctx, "HEAD")
	if err != nil {
		return res, err
	}
	written := false
	defer func() {
		if !written {
			pending.Abort()
		}
	}()
	ckpts := startCheckpoints(ctx, repo) // nil without agent checkpoints
	defer ckpts.stop()
	meta, added, err := ReadCommit(ctx, repo, "HEAD", start.Add(budget))
	if err != nil && !errors.Is(err, ErrBudget) {
		return res, err
	}
	if meta.ID == "" {
		// Out of time before git even named the commit: read just its
		// metadata, so that its note still says who wrote it.
		metas, merr := ReadMeta(ctx, repo, "--no-walk", "HEAD")
		if merr != nil || len(metas) != 1 {
			return res, errors.Join(err, merr)
		}
		meta, added = metas[0], Added{Commit: metas[0].ID, Partial: true}
	}
	res.Commit = meta.ID
	attr := Attribute(classify, meta)
	res.Origin = attr.Label()
	res.Partial = added.Partial
	for _, s := range added.Files {
		res.Lines += s.Len()
	}
	note, settle, cerr := ckpts.note(ctx, added, attr)
	if cerr != nil {
		res.Warnings = append(res.Warnings, "agent checkpoints not applied (their lines take the commit's origin; they stay pending): "+cerr.Error())
	}
	written = true
	err = pending.Finish(note)
	if errors.Is(err, notes.ErrExists) {
		res.Existing = true
		return res, nil
	}
	if err == nil && settle != nil {
		settle()
	}
	return res, err
}
