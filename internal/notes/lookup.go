package notes

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// lookupMax is how many commits are looked up in the notes tree path by
// path; for more, listing every note is as cheap.
const lookupMax = 64

// lookupDepth is the deepest fan-out looked at: git splits a note's path
// into directories of two hex digits as the notes grow (ab/cdef… past a
// few hundred notes, ab/cd/ef… past some 65,000), and three levels hold
// far more notes than any repository has.
const lookupDepth = 3

// existing returns, of commits, those with a note at the notes commit tip
// ("" when the ref does not exist), mapped to their note blobs. A few are
// looked up where they are, so that one note written by a hook does not
// list every note of a long history.
func (s *Store) existing(ctx context.Context, tip string, commits []string) (map[string]string, error) {
	switch {
	case tip == "":
		return map[string]string{}, nil
	case len(commits) > lookupMax || !allFullIDs(commits):
		return s.List(ctx)
	}
	return s.lookup(ctx, tip, commits)
}

// lookup finds the notes of commits (full ids) in the tree of the notes
// commit rev: one `git ls-tree` of the paths each note may have, which
// reads only the directories on those paths.
func (s *Store) lookup(ctx context.Context, rev string, commits []string) (map[string]string, error) {
	args := []string{"ls-tree", "-r", "--full-tree", rev, "--"}
	for _, c := range commits {
		args = append(args, notePaths(c)...)
	}
	out, err := s.repo.Output(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("looking up notes in %s: %w", s.Ref, err)
	}
	found := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		meta, path, ok := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != "blob" {
			continue
		}
		found[strings.ReplaceAll(path, "/", "")] = f[2]
	}
	return found, nil
}

// notePaths is where the note of commit may be in a notes tree: its id
// whole, then split after the first two, four and six digits.
func notePaths(commit string) []string {
	paths := []string{commit}
	for d := 1; d <= lookupDepth; d++ {
		var b strings.Builder
		for i := range d {
			b.WriteString(commit[2*i : 2*i+2])
			b.WriteByte('/')
		}
		b.WriteString(commit[2*d:])
		paths = append(paths, b.String())
	}
	return paths
}

// allFullIDs reports whether every id is a full object id, as notes
// trees name them.
func allFullIDs(ids []string) bool {
	return !slices.ContainsFunc(ids, func(id string) bool { return !provenance.IsObjectID(id) })
}
