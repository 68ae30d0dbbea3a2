// Package annotate writes provenance notes for the commits that lack one:
// from their metadata (the evidence rules), or by hand for every line
// (--agent, --human). It is what `git ai-survival annotate` does; printing
// the outcome is the command's.
package annotate

import (
	"context"
	"fmt"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gitai"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Message is the notes commit message of the notes annotate writes.
const Message = "Notes added by 'git ai-survival annotate'"

// Revs turns a revision or a range into git log arguments: "" is all the
// history of HEAD, a range (A..B, ^A B) is given as is, a revision is that
// one commit. What does not resolve is an error that names it.
func Revs(ctx context.Context, repo *gitx.Repo, target string) ([]string, error) {
	if target == "" {
		if !repo.HasCommits(ctx) {
			return nil, fmt.Errorf("this repository has no commits yet")
		}
		return []string{"HEAD"}, nil
	}
	if strings.Contains(target, "..") || strings.HasPrefix(target, "^") {
		if strings.HasPrefix(target, "-") {
			return nil, fmt.Errorf("%q is not a range", target)
		}
		if _, err := repo.Output(ctx, "rev-parse", "--verify", "--end-of-options", target); err != nil {
			if _, err2 := repo.Output(ctx, "rev-parse", "--end-of-options", target); err2 != nil {
				return nil, fmt.Errorf("range %q does not resolve in this repository", target)
			}
		}
		return []string{target}, nil
	}
	id, err := repo.ResolveCommit(ctx, target)
	if err != nil {
		return nil, err
	}
	return []string{"--no-walk", id}, nil
}

// Options say how to tag the commits.
type Options struct {
	// Agent tags every added line as this agent's (with Model); Human as
	// a person's. Neither: each commit is classified by Classify.
	Agent, Model string
	Human        bool
	// Force replaces notes that are already there.
	Force bool
	// Classify classifies a commit from its metadata (nil: none is).
	Classify resolve.Classifier
}

// Result says what Run did.
type Result struct {
	// Selected is how many commits revs named.
	Selected int
	// Labels counts the notes written by attribution label ("ai
	// (claude-code)", "human").
	Labels map[string]int
	Write  notes.WriteResult
	// Kept is how many commits kept the note they had (no Force);
	// NoEvidence how many had no evidence and were left untagged; GitAI
	// how many were left to their git-ai note.
	Kept, NoEvidence, GitAI int
}

// Run writes the notes of the commits revs names (git log arguments, see
// Revs), in one notes commit.
func Run(ctx context.Context, repo *gitx.Repo, revs []string, opts Options) (Result, error) {
	var res Result
	metas, err := repo.ReadMeta(ctx, revs...)
	if err != nil {
		return res, err
	}
	res.Selected = len(metas)
	store := notes.New(repo)
	existing, err := store.List(ctx)
	if err != nil {
		return res, err
	}
	// Classifying from metadata gives commit-level evidence, which would
	// hide the line-level evidence of a git-ai note: such commits keep
	// theirs.
	var gitAI map[string]gitai.Entry
	if !opts.Human && opts.Agent == "" {
		tips, err := gitai.Refs(ctx, repo)
		if err == nil && len(tips) > 0 {
			gitAI, err = gitai.ReadAll(ctx, repo, tips, nil)
		}
		if err != nil {
			return res, err
		}
	}
	chosen := map[string]provenance.Attribution{}
	var ids []string
	for _, m := range metas {
		if _, has := existing[m.ID]; has && !opts.Force {
			res.Kept++
			continue
		}
		if e, ok := gitAI[m.ID]; ok && e.OK() {
			res.GitAI++
			continue
		}
		a, ok := opts.attribution(m)
		if !ok {
			res.NoEvidence++
			continue
		}
		chosen[m.ID] = a
		ids = append(ids, m.ID)
	}
	batch := map[string]provenance.Note{}
	err = added.StreamCommits(ctx, repo, ids, func(a added.Lines) error {
		batch[a.Commit] = capture.Note(a, chosen[a.Commit])
		return nil
	})
	if err != nil {
		return res, err
	}
	if res.Write, err = store.Write(ctx, batch, opts.Force, Message); err != nil {
		return res, err
	}
	res.Labels = map[string]int{}
	for id := range batch {
		res.Labels[chosen[id].Label()]++
	}
	return res, nil
}

// attribution is how the lines of m are tagged, if at all.
func (o Options) attribution(m provenance.Meta) (provenance.Attribution, bool) {
	switch {
	case o.Human:
		return provenance.Attribution{Origin: provenance.Human, Evidence: provenance.EvidenceManual}, true
	case o.Agent != "":
		return provenance.Attribution{Origin: provenance.AI, Agent: o.Agent, Model: o.Model, Evidence: provenance.EvidenceManual}, true
	case o.Classify != nil:
		return o.Classify(m)
	}
	return provenance.Attribution{}, false
}
