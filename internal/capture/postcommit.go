package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// PostCommitResult says what the post-commit hook recorded.
type PostCommitResult struct {
	Commit  string
	Lines   int
	Origin  string
	Partial bool
	// Existing is set when the commit already had a note (kept as it is).
	Existing bool
	// Warnings are problems that did not stop the note (one line each).
	Warnings []string
	// CheckRecent is set when earlier commits may lack their note (the
	// parent has none, or it was not looked at): see Backfill.
	CheckRecent bool
}

// PostCommitOptions say where PostCommit reads the commit and where its
// note goes.
type PostCommitOptions struct {
	// Budget bounds reading the diff: the files read by then get line
	// records, and the commit record covers the rest (the note is marked
	// partial).
	Budget time.Duration
	// Feed, when not nil, is the output of FeedArgs that the hook's script
	// started; PostCommit runs git itself when it is not usable.
	Feed io.Reader
	// NoteOut, when not nil, receives the note, and the hook's script pipes
	// it into `git notes add` (notes.AddArgs); it is closed once the note is
	// written when it is an io.Closer. PostCommit writes the note
	// itself, and writes nothing to NoteOut, when WriteHere says so for the
	// commit (its caller builds on the note once it is in place).
	NoteOut   io.Writer
	WriteHere func(commit string) bool
	// Rev is the commit to tag ("" = HEAD): a deferred hook names the
	// commit it was started for, HEAD having maybe moved on since.
	Rev string
}

// NoteWriteTimeout bounds writing the note once it is known (retries
// included), whatever is left of the caller's budget.
const NoteWriteTimeout = 8 * time.Second

// PostCommit tags every line HEAD added and writes HEAD's note.
func PostCommit(ctx context.Context, repo *gitx.Repo, classify resolve.Classifier, opts PostCommitOptions) (PostCommitResult, error) {
	var res PostCommitResult
	start := time.Now()
	ckpts := startCheckpoints(ctx, repo) // nil without agent checkpoints
	// The note's write outlives the hook's reading budget: once the note
	// is known, losing it to a slow machine or a race with other
	// worktrees' writes is worse than a commit that takes a little longer.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Scaled(NoteWriteTimeout))
	defer cancel()
	var pending *notes.PendingAdd
	if opts.NoteOut == nil {
		// Start the note's writer first: its start-up overlaps reading the
		// diff.
		pending = notes.New(repo).StartAdd(wctx)
	}
	defer func() {
		if pending != nil {
			pending.Abort() // a no-op once the note is written
		}
	}()
	rev := opts.Rev
	if rev == "" {
		rev = "HEAD"
	}
	meta, add, err := readForNote(ctx, repo, rev, opts.Feed, start.Add(opts.Budget), &res)
	if err != nil {
		return res, err
	}
	res.Commit = meta.ID
	attr := classify.Attribute(meta)
	res.Origin = attr.Label()
	res.Partial = add.Partial
	for _, s := range add.Files {
		res.Lines += s.Len()
	}
	note, settle, cerr := ckpts.note(ctx, add, attr)
	if cerr != nil {
		res.Warnings = append(res.Warnings, "agent checkpoints not applied (their lines take the commit's origin; they stay pending): "+cerr.Error())
	}
	if pending == nil && (opts.WriteHere == nil || !opts.WriteHere(meta.ID)) {
		res.CheckRecent = true
		return res, handOver(opts.NoteOut, meta.ID, note, settle)
	}
	if pending == nil {
		pending = notes.New(repo).StartAdd(wctx)
	}
	if len(meta.Parents) == 1 {
		pending.Neighbour = meta.Parents[0]
	}
	err = pending.Finish(meta.ID, meta.Committer, note)
	res.CheckRecent = pending.Neighbour != "" && !pending.NeighbourNoted
	if errors.Is(err, notes.ErrExists) {
		res.Existing = true
		return res, nil
	}
	if err == nil && settle != nil {
		settle()
	}
	return res, err
}

// readForNote reads what rev added, within the deadline: when git could
// not even name the commit in time, its metadata alone (the note's commit
// record then covers every line, and the note is partial).
func readForNote(ctx context.Context, repo *gitx.Repo, rev string, feed io.Reader, deadline time.Time, res *PostCommitResult) (provenance.Meta, added.Lines, error) {
	meta, add, err := readHead(ctx, repo, rev, feed, deadline, res)
	if err != nil && !errors.Is(err, added.ErrBudget) {
		return meta, add, err
	}
	if meta.ID != "" {
		return meta, add, nil
	}
	metas, merr := repo.ReadMeta(ctx, "--no-walk", rev)
	if merr != nil || len(metas) != 1 {
		return provenance.Meta{}, added.Lines{}, errors.Join(err, merr)
	}
	return metas[0], added.Lines{Commit: metas[0].ID, Partial: true}, nil
}

// handOver writes the note to out (the hook script's git notes add), ends
// out when it can be closed, and forgets the checkpoints the note used:
// their lines are in the commit whether git stores this note or, refusing
// to replace one, keeps the note that is there.
func handOver(out io.Writer, commit string, note provenance.Note, settle func()) error {
	if _, err := out.Write(note.Bytes()); err != nil {
		return fmt.Errorf("handing the note of %s to git: %w", commit, err)
	}
	if c, ok := out.(io.Closer); ok {
		// git notes add stores the note when its input ends.
		_ = c.Close()
	}
	if settle != nil {
		settle()
	}
	return nil
}

// readHead reads rev from feed (which holds HEAD), or with its own git
// process when there is no feed or it is not the output of FeedArgs.
func readHead(ctx context.Context, repo *gitx.Repo, rev string, feed io.Reader, deadline time.Time, res *PostCommitResult) (provenance.Meta, added.Lines, error) {
	if feed == nil {
		return ReadCommit(ctx, repo, rev, deadline)
	}
	meta, add, err := ReadFeed(feed, deadline)
	switch {
	case err == nil || errors.Is(err, added.ErrBudget):
		return meta, add, err
	case errors.Is(err, os.ErrDeadlineExceeded):
		return provenance.Meta{}, added.Lines{Partial: true}, fmt.Errorf("reading commit HEAD: %w", added.ErrBudget)
	case errors.Is(err, ErrFeedVersion):
		res.Warnings = append(res.Warnings, err.Error())
	}
	return ReadCommit(ctx, repo, rev, deadline)
}

// Deferred computes the notes the post-commit hook left to post-rewrite
// (the commits of a rebase), as PostCommit would have: the lines each
// commit added, tagged by its evidence and the pending agent checkpoints.
// Call Note in the order the commits were made, then Settle once the
// notes are written.
type Deferred struct {
	ckpts    *checkpoints
	classify resolve.Classifier
	settles  []func()
	// Warnings are problems that did not stop a note.
	Warnings []string
}

// NewDeferred opens the working tree's pending checkpoints (none costs a
// stat).
func NewDeferred(ctx context.Context, repo *gitx.Repo, classify resolve.Classifier) *Deferred {
	return &Deferred{ckpts: startCheckpoints(ctx, repo), classify: classify}
}

// Note is the note of the commit meta describes, which added add.
func (d *Deferred) Note(ctx context.Context, add added.Lines, meta provenance.Meta) provenance.Note {
	note, settle, err := d.ckpts.note(ctx, add, d.classify.Attribute(meta))
	if err != nil {
		d.Warnings = append(d.Warnings, "agent checkpoints not applied (their lines take the commit's origin; they stay pending): "+err.Error())
	}
	if settle != nil {
		d.settles = append(d.settles, settle)
	}
	return note
}

// Settle forgets the checkpoints the notes used, once they are written.
func (d *Deferred) Settle() {
	for _, s := range d.settles {
		s()
	}
	d.settles = nil
}
