package notes

import (
	"context"
	"fmt"
	"sort"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// WriteResult says what Write did.
type WriteResult struct {
	Written  int
	Replaced int
	// Kept lists commits whose existing note was left alone.
	Kept []string
}

// Write stores many notes in one notes commit through a single
// `git fast-import`. Commits that already have a note keep it unless
// replace is set. The notes ref moves only forward: if someone else
// updated it meanwhile, fast-import refuses and Write tries again from the
// new tip (see Retry).
func (s *Store) Write(ctx context.Context, batch map[string]provenance.Note, replace bool, message string) (WriteResult, error) {
	var res WriteResult
	err := Retry(ctx, func() error {
		return s.serialized(ctx, func() error {
			var err error
			res, err = s.write(ctx, batch, replace, message)
			return err
		})
	})
	return res, err
}

func (s *Store) write(ctx context.Context, batch map[string]provenance.Note, replace bool, message string) (WriteResult, error) {
	var res WriteResult
	// The tip first: notes listed after it are at least as new, and the
	// write fails if the ref moved past it.
	tip := s.tip(ctx)
	commits := make([]string, 0, len(batch))
	for c := range batch {
		commits = append(commits, c)
	}
	sort.Strings(commits)
	existing, err := s.existing(ctx, tip, commits)
	if err != nil {
		return res, err
	}
	ident, err := s.repo.Line(ctx, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return res, fmt.Errorf("finding the committer identity for the notes commit: %w", err)
	}
	order := make([]string, 0, len(commits))
	data := make(map[string][]byte, len(commits))
	for _, c := range commits {
		if _, ok := existing[c]; ok {
			if !replace {
				res.Kept = append(res.Kept, c)
				continue
			}
			res.Replaced++
		} else {
			res.Written++
		}
		order = append(order, c)
		data[c] = batch[c].Bytes()
	}
	if len(order) == 0 {
		return res, nil
	}
	return res, s.commitNotes(ctx, tip, ident, message, order, data)
}
