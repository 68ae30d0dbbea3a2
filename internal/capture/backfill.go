package capture

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// BackfillDepth is how many first-parent commits before HEAD Backfill
// looks at.
const BackfillDepth = 20

// Missing lists, newest first, the commits on HEAD's first-parent line
// (at most BackfillDepth, from HEAD or, with skipHead, from its parent)
// that have no note and are newer than one that has: commits made with the
// hook installed whose hook did not record anything (killed, out of disk,
// interrupted). Commits older than every noted one (history from before
// install) and merges (whose notes the post-commit hook does not write)
// are left alone.
func Missing(ctx context.Context, repo *gitx.Repo, skipHead bool) ([]string, error) {
	skip := "--skip=0"
	if skipHead {
		skip = "--skip=1"
	}
	out, err := repo.Output(ctx, "rev-list", "--first-parent", "--parents", fmt.Sprintf("--max-count=%d", BackfillDepth), skip, "HEAD")
	if err != nil {
		return nil, nil // no HEAD: nothing to fill in
	}
	type commit struct {
		id    string
		merge bool
	}
	var line []commit
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		if len(f) > 0 {
			line = append(line, commit{id: f[0], merge: len(f) > 2})
		}
	}
	if len(line) == 0 {
		return nil, nil
	}
	ids := make([]string, len(line))
	for i, c := range line {
		ids[i] = c.id
	}
	has, err := notes.New(repo).Has(ctx, ids...)
	if err != nil {
		return nil, fmt.Errorf("looking for missing notes: %w", err)
	}
	var missing, gap []string
	for i, c := range line {
		switch {
		case has[i]:
			// Commits after a noted one were made with the hook installed.
			missing, gap = append(missing, gap...), nil
		case !c.merge:
			gap = append(gap, c.id)
		}
	}
	// The gap below the oldest noted commit is history from before install.
	return missing, nil
}

// BackfillResult says what Backfill wrote.
type BackfillResult struct {
	// Filled lists the commits that got a note.
	Filled []string
	// Warnings are problems that did not stop the others.
	Warnings []string
}

// Backfill writes the notes missing on recent commits of the current
// branch (see Missing) from what is still known: the lines each added,
// tagged by its commit evidence and the agent checkpoints still pending.
// It stops at deadline, leaving the rest for a later run. skipHead leaves
// HEAD alone (the post-commit hook writes its note).
func Backfill(ctx context.Context, repo *gitx.Repo, classify resolve.Classifier, skipHead bool, deadline time.Time) (BackfillResult, error) {
	missing, err := Missing(ctx, repo, skipHead)
	if err != nil || len(missing) == 0 {
		return BackfillResult{}, err
	}
	slices.Reverse(missing) // oldest first, as the commits were made
	res, _, err := fill(ctx, repo, classify, missing, deadline)
	return res, err
}

// fill writes the notes of commits (oldest first, none with a note), each
// tagged by its commit evidence and the agent checkpoints still pending,
// with one write of the notes. It stops at deadline; all says whether it
// got to every commit.
func fill(ctx context.Context, repo *gitx.Repo, classify resolve.Classifier, commits []string, deadline time.Time) (res BackfillResult, all bool, err error) {
	ckpts := startCheckpoints(ctx, repo)
	batch := map[string]provenance.Note{}
	var settles []func()
	all = true
	for _, id := range commits {
		if !deadline.IsZero() && time.Now().After(deadline) {
			all = false
			break
		}
		meta, add, err := ReadCommit(ctx, repo, id, deadline)
		if err != nil && meta.ID == "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("commit %s not read: %v", provenance.ShortID(id), err))
			continue
		}
		note, settle, cerr := ckpts.note(ctx, add, classify.Attribute(meta))
		if cerr != nil {
			res.Warnings = append(res.Warnings, "agent checkpoints not applied: "+cerr.Error())
		}
		if settle != nil {
			settles = append(settles, settle)
		}
		batch[meta.ID] = note
	}
	if len(batch) == 0 {
		return res, all, nil
	}
	wr, err := notes.New(repo).Write(ctx, batch, false, "Notes filled in by 'git ai-survival'")
	if err != nil {
		return res, false, err
	}
	for _, s := range settles {
		s()
	}
	kept := map[string]bool{}
	for _, c := range wr.Kept {
		kept[c] = true
	}
	for _, id := range commits {
		if _, ok := batch[id]; ok && !kept[id] {
			res.Filled = append(res.Filled, id)
		}
	}
	return res, all, nil
}
