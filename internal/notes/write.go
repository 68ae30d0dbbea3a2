package notes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

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
// updated it meanwhile, fast-import refuses and Write tries again.
func (s *Store) Write(ctx context.Context, batch map[string]provenance.Note, replace bool, message string) (WriteResult, error) {
	var res WriteResult
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		res, err = s.write(ctx, batch, replace, message)
		if err == nil || !errors.Is(err, errMoved) {
			return res, err
		}
	}
	return res, err
}

var errMoved = errors.New("the notes ref moved during the write")

func (s *Store) write(ctx context.Context, batch map[string]provenance.Note, replace bool, message string) (WriteResult, error) {
	var res WriteResult
	existing, err := s.List(ctx)
	if err != nil {
		return res, err
	}
	tip, _ := s.repo.Line(ctx, "rev-parse", "--verify", "--quiet", s.Ref+"^{commit}")
	ident, err := s.repo.Line(ctx, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return res, fmt.Errorf("finding the committer identity for the notes commit: %w", err)
	}
	commits := make([]string, 0, len(batch))
	for c := range batch {
		commits = append(commits, c)
	}
	sort.Strings(commits)
	var b strings.Builder
	fmt.Fprintf(&b, "commit %s\ncommitter %s\ndata %d\n%s\n", s.Ref, ident, len(message), message)
	if tip != "" {
		fmt.Fprintf(&b, "from %s\n", tip)
	}
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
		data := batch[c].Bytes()
		fmt.Fprintf(&b, "N inline %s\ndata %d\n%s\n", c, len(data), data)
	}
	if res.Written+res.Replaced == 0 {
		return res, nil
	}
	b.WriteString("done\n")
	err = s.repo.Stream(ctx, strings.NewReader(b.String()), func(r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	}, "fast-import", "--quiet", "--done")
	if err != nil {
		if strings.Contains(err.Error(), "does not contain") || strings.Contains(err.Error(), "not updating") {
			return res, errMoved
		}
		return res, fmt.Errorf("writing notes to %s: %w", s.Ref, err)
	}
	return res, nil
}
