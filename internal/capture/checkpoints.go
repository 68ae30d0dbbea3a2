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

// checkpointNote builds the note of a commit from the pending agent
// checkpoints of the working tree, when they hold any file the commit
// added lines to:
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
func checkpointNote(ctx context.Context, repo *gitx.Repo, added Added, attr provenance.Attribution) (note provenance.Note, settle func(), err error) {
	p := checkpoint.OpenPending(repo.Top)
	if p == nil || len(added.Files) == 0 {
		return Note(added, attr), nil, nil
	}
	rctx, cancel := context.WithTimeout(ctx, checkpointBudget)
	defer cancel()
	res, err := p.Resolve(rctx, repo.Git, added.Commit, added.Files)
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
	return b.Note(), func() { p.Settle(ctx, res) }, nil
}
