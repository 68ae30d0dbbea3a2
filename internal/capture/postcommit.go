package capture

import (
	"context"
	"errors"
	"fmt"
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
}

// PostCommit tags every line HEAD added and writes HEAD's note. Reading
// the diff stops at budget: the files read by then get line records, and
// the commit record covers the rest (the note is marked partial).
func PostCommit(ctx context.Context, repo *gitx.Repo, classify Classifier, budget time.Duration) (PostCommitResult, error) {
	var res PostCommitResult
	start := time.Now()
	metas, err := ReadMeta(ctx, repo, "--no-walk", "HEAD")
	if err != nil {
		return res, err
	}
	if len(metas) != 1 {
		return res, fmt.Errorf("HEAD does not name one commit")
	}
	meta := metas[0]
	res.Commit = meta.ID
	attr := Attribute(classify, meta)
	res.Origin = attr.Label()
	var added *Added
	err = StreamAdded(ctx, repo, start.Add(budget), func(a Added) error {
		added = &a
		return nil
	}, "--no-walk", meta.ID)
	if err != nil && !errors.Is(err, ErrBudget) {
		return res, err
	}
	if added == nil { // the budget ran out before the first diff line
		added = &Added{Commit: meta.ID, Partial: true}
	}
	res.Partial = added.Partial
	for _, s := range added.Files {
		res.Lines += s.Len()
	}
	err = notes.New(repo).Add(ctx, meta.ID, Note(*added, attr))
	if errors.Is(err, notes.ErrExists) {
		res.Existing = true
		return res, nil
	}
	return res, err
}
