package notes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// Every write of the notes ref is a compare-and-swap: the notes commit is
// built on the tip read before, and the ref moves only if it still points
// there (fast-import refuses a tip that does not contain the ref's current
// value; update-ref is given the old value). Several worktrees committing
// at once, or a rebase next to a commit, therefore never drop each other's
// notes: the write that lost the race reads the new tip and tries again.

// ErrMoved means the ref moved (or was locked by another writer) between
// reading it and writing it; the write can be tried again from the new tip.
var ErrMoved = errors.New("the notes ref moved during the write")

// ErrLocked means another writer held the ref's lock. A live writer holds
// it for milliseconds; a lock left by a crash stays until someone removes
// it, so Retry gives up on a lock sooner than on a moved ref.
var ErrLocked = errors.New("the notes ref is locked by another git process (if none is running, remove the ref's .lock file left by a crash)")

// MaxAttempts bounds Retry: a write that loses the race this many times in
// a row gives up with ErrMoved.
const MaxAttempts = 50

// MaxLockedAttempts bounds Retry on a locked ref.
const MaxLockedAttempts = 12

// Retry runs write until it returns something other than ErrMoved, at most
// MaxAttempts times, waiting a short random time between attempts so that
// racing writers spread out. It stops early when ctx ends.
func Retry(ctx context.Context, write func() error) error {
	var err error
	locked := 0
	for attempt := 0; attempt < MaxAttempts; attempt++ {
		err = write()
		if errors.Is(err, ErrLocked) {
			if locked++; locked >= MaxLockedAttempts {
				return err
			}
		} else if !errors.Is(err, ErrMoved) {
			return err
		}
		// 1-8 ms the first time, up to 1-40 ms later on.
		limit := 8 + attempt*4
		if limit > 40 {
			limit = 40
		}
		wait := time.Duration(1+rand.IntN(limit)) * time.Millisecond
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", err, ctx.Err())
		case <-time.After(wait):
		}
	}
	return fmt.Errorf("%w: gave up after %d attempts", err, MaxAttempts)
}

// Race classifies err: ErrMoved when git refused to move a ref because
// another writer moved it first, ErrLocked when another writer held its
// lock (both mean: read the tip again and retry), nil otherwise.
func Race(err error) error {
	var ge *gitx.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrMoved):
		return ErrMoved
	case errors.Is(err, ErrLocked):
		return ErrLocked
	case !errors.As(err, &ge):
		return nil
	}
	msg := strings.ToLower(ge.Stderr)
	for _, s := range []string{
		"does not contain", // fast-import: the ref moved on
		"not updating",     // fast-import
		"but expected",     // update-ref: "... is at X but expected Y"
		"reference already exists",
	} {
		if strings.Contains(msg, s) {
			return ErrMoved
		}
	}
	for _, s := range []string{
		"unable to create", // ...'.lock': File exists
		"cannot lock ref",
		"unable to lock",
	} {
		if strings.Contains(msg, s) {
			return ErrLocked
		}
	}
	return nil
}

// tip is the commit the notes ref points at ("" when it does not exist).
func (s *Store) tip(ctx context.Context) string {
	tip, _ := s.repo.Line(ctx, "rev-parse", "--verify", "--quiet", s.Ref+"^{commit}")
	return tip
}

// commitNotes writes one notes commit on top of tip ("" when the ref does
// not exist yet) that sets the note of each commit in order to data[commit],
// and moves the ref to it only if the ref still points at tip; ErrMoved
// when it does not (ErrLocked when another writer holds its lock).
func (s *Store) commitNotes(ctx context.Context, tip, ident, message string, order []string, data map[string][]byte) error {
	return StreamCAS(ctx, s.repo, notesScript(s.Ref, tip, ident, message, order, data), s.Ref)
}

// notesScript is the fast-import stream of commitNotes.
func notesScript(ref, tip, ident, message string, order []string, data map[string][]byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "commit %s\ncommitter %s\ndata %d\n%s\n", ref, ident, len(message), message)
	if tip != "" {
		fmt.Fprintf(&b, "from %s\n", tip)
	}
	for _, c := range order {
		d := data[c]
		fmt.Fprintf(&b, "N inline %s\ndata %d\n%s\n", c, len(d), d)
	}
	b.WriteString("done\n")
	return b.String()
}

var fastImportArgs = []string{"fast-import", "--quiet", "--done"}

// StreamCAS runs `git fast-import` on script, a stream whose commit to ref
// starts `from` the tip read before it (or has no `from` when there was
// none). fast-import then updates ref only if that tip is still its value:
// it refuses a ref whose current value the new commit does not contain, and
// updates it in a transaction that checks the value it read. A refusal, or
// a lock held by another writer, is ErrMoved or ErrLocked.
func StreamCAS(ctx context.Context, repo *gitx.Repo, script, ref string) error {
	err := repo.Stream(ctx, strings.NewReader(script), func(r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	}, fastImportArgs...)
	return casError(ref, err)
}

func casError(ref string, err error) error {
	if race := Race(err); race != nil {
		return race
	}
	if err != nil {
		return fmt.Errorf("writing notes to %s: %w", ref, err)
	}
	return nil
}

// Has reports, with one git process, whether each of commits (full ids)
// has a note.
func (s *Store) Has(ctx context.Context, commits ...string) ([]bool, error) {
	_, has, err := s.probe(ctx, commits...)
	return has, err
}

// probe reads, with one git process, the ref's tip ("" when it does not
// exist) and whether each of commits (full ids) has a note under it,
// wherever the note tree's fan-out puts it.
func (s *Store) probe(ctx context.Context, commits ...string) (tip string, has []bool, err error) {
	var q strings.Builder
	q.WriteString(s.Ref + "^{commit}\n")
	for _, c := range commits {
		if len(c) < 5 {
			c = "00000" // has no note
		}
		fmt.Fprintf(&q, "%s:%s\n%s:%s/%s\n%s:%s/%s/%s\n", s.Ref, c, s.Ref, c[:2], c[2:], s.Ref, c[:2], c[2:4], c[4:])
	}
	out, err := s.repo.Input(ctx, strings.NewReader(q.String()), "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", s.Ref, err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 1+3*len(commits) {
		return "", nil, fmt.Errorf("reading %s: %d lines from git cat-file, want %d", s.Ref, len(lines), 1+3*len(commits))
	}
	if id, typ, _ := strings.Cut(lines[0], " "); typ == "commit" {
		tip = id
	}
	has = make([]bool, len(commits))
	for i, l := range lines[1:] {
		has[i/3] = has[i/3] || strings.HasSuffix(l, " blob")
	}
	return tip, has, nil
}
