package capture

import (
	"context"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// checkpointBudget bounds resolving pending checkpoints at commit time.
const checkpointBudget = 400 * time.Millisecond

// checkpoints is the pending agent checkpoint state of the working tree
// the post-commit hook runs in, with the git process that will read the
// committed files already started.
type checkpoints struct {
	pending *checkpoint.Pending
	read    checkpoint.BlobReader
	abort   func()
}

// startCheckpoints returns nil, at the cost of a stat, when no checkpoint
// was ever recorded in the working tree.
func startCheckpoints(ctx context.Context, repo *gitx.Repo) *checkpoints {
	p := checkpoint.OpenPending(repo.Top)
	if p == nil {
		return nil
	}
	read, abort, err := checkpoint.StartBlobReader(ctx, repo.Git)
	if err != nil {
		return nil
	}
	return &checkpoints{pending: p, read: read, abort: abort}
}

func (c *checkpoints) stop() {
	if c != nil {
		c.abort()
	}
}

// note builds the note of a commit from the pending agent checkpoints of
// the working tree, when they hold any file the commit added lines to:
//
//   - in a file checkpoints hold, a line an agent wrote and nobody changed
//     since is the agent's (evidence checkpoint), any other added line is
//     human (evidence checkpoint), whatever the commit message says;
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
func (c *checkpoints) note(ctx context.Context, added Added, attr provenance.Attribution) (note provenance.Note, settle func(), err error) {
	if c == nil || len(added.Files) == 0 {
		return Note(added, attr), nil, nil
	}
	rctx, cancel := context.WithTimeout(ctx, checkpointBudget)
	defer cancel()
	res, err := c.pending.Resolve(rctx, c.read, added.Commit, added.Files)
	if err != nil || res == nil {
		return Note(added, attr), nil, err
	}
	other := attr
	if attr.Origin == provenance.AI && res.Agents[attr.Agent] {
		other = checkpoint.HumanAttribution()
	}
	b := provenance.NewBuilder(added.Commit, attr)
	for path, lines := range added.Files {
		if spans, ok := res.Files[path]; ok {
			for _, s := range spans {
				b.Add(path, s.Start, s.End, s.Attribution)
			}
			continue
		}
		for _, r := range lines.Ranges() {
			b.Add(path, r.Start, r.End, other)
		}
	}
	if added.Partial {
		b.SetPartial()
	}
	return b.Note(), func() { c.pending.Settle(ctx, res) }, nil
}
