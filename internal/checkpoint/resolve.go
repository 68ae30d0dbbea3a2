package checkpoint

import (
	"bytes"
	"context"
	"os"
	"sort"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Pending is the pending checkpoint state of one working tree, as the
// post-commit hook reads it.
type Pending struct {
	store *store
	top   string
}

// OpenPending returns the pending state of the working tree whose top is
// top, or nil when no checkpoint was ever recorded there. It costs a stat or
// two and runs no git, so commits in repositories without agent hooks pay
// nothing.
func OpenPending(top string) *Pending {
	gitDir, ok := gitx.GitDirAt(top)
	if !ok {
		return nil
	}
	s := newStore(gitDir)
	if _, err := os.Stat(s.dir); err != nil {
		return nil
	}
	return &Pending{store: s, top: top}
}

// Resolution says who wrote the added lines of the commit's files that
// checkpoints hold.
type Resolution struct {
	// Files gives, for each file checkpoints hold, spans covering exactly
	// its added lines: an agent's lines (evidence checkpoint), lines an
	// agent's edit changed but that it cannot be shown to have written
	// (a zero Attribution: the commit's other evidence decides), and the
	// others human (evidence checkpoint).
	Files map[string][]provenance.Span
	// Agents are the agents those checkpoints credit anywhere in the files.
	Agents map[string]bool

	commit    map[string][]byte // committed content of each file
	committed []string
}

// HumanAttribution is what a checkpoint says of a line no agent wrote.
func HumanAttribution() provenance.Attribution {
	return provenance.Attribution{Origin: provenance.Human, Evidence: provenance.EvidenceCheckpoint}
}

// Resolve gives the added lines (by path, numbered as in commit) of the
// files checkpoints hold their origin: a line the line diff pairs with a
// line an agent wrote, unchanged since, is the agent's; any other is
// human. It returns nil when checkpoints hold none of the files.
// read reads the committed blobs (see StartBlobReader).
func (p *Pending) Resolve(ctx context.Context, read BlobReader, commit string, added map[string]provenance.LineSet) (*Resolution, error) {
	var paths []string
	for path := range added {
		if p.store.has(path) {
			paths = append(paths, path)
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	sort.Strings(paths)
	names := make([]string, len(paths))
	for i, path := range paths {
		names[i] = commit + ":" + path
	}
	blobs, err := read(names)
	if err != nil {
		return nil, err
	}
	res := &Resolution{Files: map[string][]provenance.Span{}, Agents: map[string]bool{}, commit: map[string][]byte{}}
	human := HumanAttribution()
	for i, path := range paths {
		st, err := p.store.load(path)
		content, ok := blobs[names[i]]
		if err != nil || st == nil || !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if p.store.resetSince(st.Reflog) && !p.unchanged(path, st) {
			st.tags = untagged(len(st.tags))
		}
		if !hasAgent(st.tags) {
			// Only a person's changes: the checkpoint is no evidence by
			// itself; the commit's other evidence decides. Settle still
			// forgets it once the file is committed in full.
			res.commit[path] = content
			res.committed = append(res.committed, path)
			continue
		}
		for _, a := range st.Authors {
			res.Agents[a.Agent] = true
		}
		tags := retag(st.content, st.tags, content, noAgent)
		slide(tags, splitLines(content), added[path])
		var spans []provenance.Span
		for _, rg := range added[path].Ranges() {
			for n := rg.Start; n <= rg.End; n++ {
				a := human
				switch {
				case n-1 >= len(tags):
				case tags[n-1] >= 0:
					a = st.Authors[tags[n-1]].Attribution()
				case tags[n-1] == unproven:
					a = provenance.Attribution{} // the commit's other evidence
				}
				if k := len(spans) - 1; k >= 0 && spans[k].End == n-1 && spans[k].Attribution == a {
					spans[k].End = n
					continue
				}
				spans = append(spans, provenance.Span{Range: provenance.Range{Start: n, End: n}, Attribution: a})
			}
		}
		res.Files[path] = spans
		res.commit[path] = content
		res.committed = append(res.committed, path)
	}
	return res, nil
}

// unchanged reports whether path in the working tree is exactly the
// snapshot st holds: whatever moved HEAD or the index since (git reset,
// git add -A && git reset, a git stash round trip) left the agent's lines
// where they were.
func (p *Pending) unchanged(path string, st *fileState) bool {
	cur, err := fsx.ReadWorkFile(p.top, path, MaxFileSize)
	return err == nil && bytes.Equal(cur, st.content)
}

// Settle forgets, after the note is written, the state of every file whose
// working-tree content is now exactly what was committed: nothing in it is
// pending. Files committed in part (git add -p) keep their state for a
// later commit. It gives up quietly when another checkpoint holds the lock.
func (p *Pending) Settle(ctx context.Context, res *Resolution) {
	if res == nil || len(res.committed) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	unlock, err := p.store.lock(ctx)
	if err != nil {
		return
	}
	defer unlock()
	for _, path := range res.committed {
		cur, err := fsx.ReadWorkFile(p.top, path, MaxFileSize)
		if err != nil || bytes.Equal(cur, res.commit[path]) {
			_ = p.store.drop(path)
		}
	}
}

// splitLines splits b into lines as countLines counts them.
func splitLines(b []byte) [][]byte {
	lines := bytes.SplitAfter(b, []byte{'\n'})
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// slide makes the tags agree with git's diff where two diffs may both be
// right: a run of an agent's lines next to an identical line can sit one
// line up or down (blank lines, closing braces), and git and the line diff
// of the checkpoints need not choose alike. Where git calls the line next
// to a run added and the line at the run's far end unchanged, and the two
// are equal, the run slides onto the added line. No count changes: only
// which of two equal lines is the agent's.
func slide(tags []int32, lines [][]byte, added provenance.LineSet) {
	n := min(len(tags), len(lines))
	isAdded := make([]bool, n)
	for _, r := range added.Ranges() {
		for k := r.Start; k <= r.End && k <= n; k++ {
			isAdded[k-1] = true
		}
	}
	for i := 0; i < n; {
		if tags[i] == noAgent {
			i++
			continue
		}
		j := i
		for j+1 < n && tags[j+1] == tags[i] {
			j++
		}
		for j+1 < n && isAdded[j+1] && tags[j+1] == noAgent && !isAdded[i] && bytes.Equal(lines[i], lines[j+1]) {
			tags[i], tags[j+1] = tags[j+1], tags[i]
			i, j = i+1, j+1
		}
		for i > 0 && isAdded[i-1] && tags[i-1] == noAgent && !isAdded[j] && bytes.Equal(lines[j], lines[i-1]) {
			tags[j], tags[i-1] = tags[i-1], tags[j]
			i, j = i-1, j-1
		}
		i = j + 1
	}
}
