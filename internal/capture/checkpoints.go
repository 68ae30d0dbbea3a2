package capture

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// checkpointBudget bounds resolving pending checkpoints at commit time.
const checkpointBudget = 400 * time.Millisecond

// checkpoints is the pending agent checkpoint state of the working tree
// the post-commit hook runs in.
type checkpoints struct {
	pending *checkpoint.Pending
	repo    *gitx.Repo
}

// startCheckpoints returns nil, at the cost of a stat, when no checkpoint
// was ever recorded in the working tree.
func startCheckpoints(ctx context.Context, repo *gitx.Repo) *checkpoints {
	p := checkpoint.OpenPending(repo.Top)
	if p == nil {
		return nil
	}
	return &checkpoints{pending: p, repo: repo}
}

// reader reads the committed contents of files: from the working tree when
// the file there is the committed object (its object id, computed here, is
// the one in blobs, path to id), else with one `git cat-file --batch`.
func (c *checkpoints) reader(ctx context.Context, blobs map[string]string) checkpoint.BlobReader {
	return func(names []string) (map[string][]byte, error) {
		out := make(map[string][]byte, len(names))
		var rest []string
		for _, n := range names {
			_, path, _ := strings.Cut(n, ":") // names are "<commit>:<path>"
			if b, ok := worktreeObject(c.repo.Top, path, blobs[path]); ok {
				out[n] = b
				continue
			}
			rest = append(rest, n)
		}
		if len(rest) == 0 {
			return out, nil
		}
		read, abort, err := checkpoint.StartBlobReader(ctx, c.repo.Git)
		if err != nil {
			return nil, err
		}
		defer abort()
		got, err := read(rest)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, got)
		return out, nil
	}
}

// worktreeObject returns the working tree's file at path when it is a
// regular file whose git blob id is id (SHA-1 or SHA-256, by id's length).
func worktreeObject(top, path, id string) ([]byte, bool) {
	var h hash.Hash
	switch len(id) {
	case 40:
		h = sha1.New()
	case 64:
		h = sha256.New()
	default:
		return nil, false
	}
	b, err := fsx.ReadWorkFile(top, path, checkpoint.MaxFileSize)
	if err != nil {
		return nil, false
	}
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return b, hex.EncodeToString(h.Sum(nil)) == id
}

// note builds the note of a commit from the pending agent checkpoints of
// the working tree, when they hold any file the commit added lines to:
//
//   - in a file checkpoints hold, a line an agent wrote and nobody changed
//     since is the agent's (evidence checkpoint), a line an agent's edit
//     changed that it cannot be shown to have written takes attr, any
//     other added line is human (evidence checkpoint), whatever the commit
//     message says;
//   - in other files, lines take the commit's attribution attr, except that
//     when attr names an agent whose checkpoints are in this commit, they
//     are human (evidence checkpoint): that agent's hooks were recording,
//     and saw it write none of them.
//
// Without pending checkpoints for the commit it returns Note(added, attr)
// and a nil settle. settle, called once the note is written, forgets the
// state of files now committed in full; files committed in part keep
// theirs for a later commit. A failure falls back to Note(added, attr),
// keeps the state, and is returned for a warning.
func (c *checkpoints) note(ctx context.Context, add added.Lines, attr provenance.Attribution) (note provenance.Note, settle func(), err error) {
	if c == nil || len(add.Files) == 0 {
		return Note(add, attr), nil, nil
	}
	rctx, cancel := context.WithTimeout(ctx, Scaled(checkpointBudget))
	defer cancel()
	res, err := c.pending.Resolve(rctx, c.reader(rctx, add.Blobs), add.Commit, add.Files)
	if err != nil || res == nil {
		return Note(add, attr), nil, err
	}
	other := attr
	if attr.Origin == provenance.AI && res.Agents[attr.Agent] {
		other = checkpoint.HumanAttribution()
	}
	b := provenance.NewBuilder(add.Commit, attr)
	for path, lines := range add.Files {
		if spans, ok := res.Files[path]; ok {
			for _, s := range spans {
				a := s.Attribution
				if a == (provenance.Attribution{}) {
					a = attr // unproven: the commit's own evidence
				}
				b.Add(path, s.Start, s.End, a)
			}
			continue
		}
		for _, r := range lines.Ranges() {
			b.Add(path, r.Start, r.End, other)
		}
	}
	if add.Partial {
		b.SetPartial()
	}
	return b.Note(), func() { c.pending.Settle(ctx, res) }, nil
}
