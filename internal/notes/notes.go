// Package notes reads and writes git-ai-survival's git notes
// (refs/notes/ai-survival): one note by commit, many notes in one go (two git
// processes whatever their number), and batch writes through a single
// git fast-import. It never overwrites a note unless told to.
package notes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Store is the notes ref of one repository.
type Store struct {
	repo *gitx.Repo
	// Ref is the notes ref (provenance.NotesRef unless changed).
	Ref string
}

// New returns the store of repo.
func New(repo *gitx.Repo) *Store {
	return &Store{repo: repo, Ref: provenance.NotesRef}
}

// ErrExists is returned by Add when the commit already has a note.
var ErrExists = errors.New("the commit already has a note")

// Entry is one note as read from the ref.
type Entry struct {
	Commit string
	Note   provenance.Note
	// Err is set when the note is not a valid git-ai-survival note; Note is
	// then empty and the commit must be treated as having no note.
	Err error
	// Warnings are problems that did not invalidate the note.
	Warnings []string
}

// Describes reports whether the entry holds a valid note that speaks of
// its own commit (a note copied over by notes.rewriteRef speaks of
// another one).
func (e Entry) Describes() bool {
	return e.Err == nil && e.Note.Describes(e.Commit)
}

// MaxNoteBytes bounds what one note may hold: a commit adding a million
// lines in ten thousand files needs a few MiB; a note beyond the bound is
// ignored with a warning rather than read for minutes.
const MaxNoteBytes = 16 << 20

// MaxNoteRecords bounds the records of one note the same way: our hooks
// write one record by run of lines of one origin in one file, so a real
// note holds a few thousand; one beyond the bound is ignored with a
// warning rather than resolved for seconds on every read.
const MaxNoteRecords = 100_000

// ParseEntry reads the note blob data of commit.
func ParseEntry(commit string, data []byte) Entry {
	if len(data) > MaxNoteBytes {
		return Entry{Commit: commit, Err: fmt.Errorf("the note on commit %s is larger than %d MiB (%d bytes); it is ignored", provenance.ShortID(commit), MaxNoteBytes>>20, len(data))}
	}
	if lines := bytes.Count(data, []byte{'\n'}) + 1 - boolInt(bytes.HasSuffix(data, []byte{'\n'})); lines > MaxNoteRecords {
		return Entry{Commit: commit, Err: fmt.Errorf("the note on commit %s holds more than %d records (%d lines); it is ignored", provenance.ShortID(commit), MaxNoteRecords, lines)}
	}
	n, warn, err := provenance.Parse(data)
	if err != nil {
		err = fmt.Errorf("the note on commit %s is not a valid git-ai-survival note (%w); it is ignored", provenance.ShortID(commit), err)
	}
	return Entry{Commit: commit, Note: n, Err: err, Warnings: warn}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Read returns the note of commit; ok is false when it has none.
func (s *Store) Read(ctx context.Context, commit string) (Entry, bool, error) {
	out, err := s.repo.Output(ctx, "notes", "--ref="+s.Ref, "show", commit)
	var ge *gitx.Error
	if errors.As(err, &ge) && strings.Contains(ge.Stderr, "no note found") {
		return Entry{Commit: commit}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("reading the note of %s: %w", provenance.ShortID(commit), err)
	}
	return ParseEntry(commit, out), true, nil
}

// List returns the commits that have a note, mapped to their note blobs.
func (s *Store) List(ctx context.Context) (map[string]string, error) {
	out, err := s.repo.Output(ctx, "notes", "--ref="+s.Ref, "list")
	if err != nil {
		return nil, fmt.Errorf("listing notes in %s: %w", s.Ref, err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		blob, commit, ok := strings.Cut(line, " ")
		if ok {
			m[commit] = blob
		}
	}
	return m, nil
}

// ReadAll reads every note on the ref: `git notes list` and one
// `git cat-file --batch`, whatever the number of notes.
func (s *Store) ReadAll(ctx context.Context) (map[string]Entry, error) {
	return s.read(ctx, nil)
}

// ReadMany reads the notes of the given commits (those that have one) with
// two git processes, as ReadAll: a few are looked up where they are in the
// notes tree, more by listing every note.
func (s *Store) ReadMany(ctx context.Context, commits []string) (map[string]Entry, error) {
	set := make(map[string]bool, len(commits))
	for _, c := range commits {
		set[c] = true
	}
	want := func(commit string) bool { return set[commit] }
	if len(commits) == 0 || len(commits) > lookupMax || !allFullIDs(commits) {
		return s.read(ctx, want)
	}
	blobs, err := s.lookup(ctx, s.Ref, commits)
	if err != nil {
		// No ref yet, or a tree git cannot read: listing says which.
		return s.read(ctx, want)
	}
	return s.readBlobs(ctx, blobs, want)
}

func (s *Store) read(ctx context.Context, want func(commit string) bool) (map[string]Entry, error) {
	blobs, err := s.List(ctx)
	if err != nil || len(blobs) == 0 {
		return map[string]Entry{}, err
	}
	return s.readBlobs(ctx, blobs, want)
}

// readBlobs reads the notes blobs names (commit → blob) of the commits
// want accepts (every one when nil).
func (s *Store) readBlobs(ctx context.Context, blobs map[string]string, want func(commit string) bool) (map[string]Entry, error) {
	commitsOf := map[string][]string{}
	var ids []string
	for commit, blob := range blobs {
		if want != nil && !want(commit) {
			continue
		}
		if len(commitsOf[blob]) == 0 {
			ids = append(ids, blob)
		}
		commitsOf[blob] = append(commitsOf[blob], commit)
	}
	entries := make(map[string]Entry, len(commitsOf))
	err := s.repo.CatBatch(ctx, ids, func(blob string, data []byte) {
		for _, c := range commitsOf[blob] {
			entries[c] = ParseEntry(c, data)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("reading notes in %s: %w", s.Ref, err)
	}
	return entries, nil
}

// AddArgs is the git command line (without "git") that adds the note it
// reads on stdin to rev in ref, and refuses to replace one that is there.
// On empty input it writes nothing. It is not a compare-and-swap (git notes
// add moves the ref to its own commit whatever happened meanwhile): it is
// kept for the post-commit hooks installed by older versions only.
func AddArgs(ref, rev string) []string {
	return []string{"notes", "--ref=" + ref, "add", "-F", "-", rev}
}

// Add writes the note of one commit (a full id) as a compare-and-swap on
// the ref, trying again when another writer moved it; it returns ErrExists
// rather than replace a note that is there.
func (s *Store) Add(ctx context.Context, commit string, n provenance.Note) error {
	return s.StartAdd(ctx).Finish(commit, "", n)
}

// PendingAdd is a note write whose git fast-import is already running.
type PendingAdd struct {
	store *Store
	ctx   context.Context
	proc  *gitx.Proc // nil once used, or when it could not start
	// Neighbour, when set before Finish, is another commit (a full id)
	// whose note Finish looks for on the way; NeighbourNoted then says
	// whether it has one.
	Neighbour      string
	NeighbourNoted bool
}

// StartAdd starts the git process that writes a note before the note is
// known, so that its start-up overlaps the caller's work.
func (s *Store) StartAdd(ctx context.Context) *PendingAdd {
	a := &PendingAdd{store: s, ctx: ctx}
	a.proc, _ = s.repo.Start(ctx, fastImportArgs...)
	return a
}

// Finish writes the note of commit (a full id); ErrExists as for Add.
// committer ("Name <email>", e.g. the committer of the commit just made)
// signs the notes commit; "" asks git.
func (a *PendingAdd) Finish(commit, committer string, n provenance.Note) error {
	defer a.Abort()
	s, ctx := a.store, a.ctx
	ident := ""
	if committer != "" {
		ident = fmt.Sprintf("%s %d +0000", committer, time.Now().Unix())
	} else {
		var err error
		if ident, err = s.repo.Line(ctx, "var", "GIT_COMMITTER_IDENT"); err != nil {
			return fmt.Errorf("writing the note of %s: finding the committer identity: %w", provenance.ShortID(commit), err)
		}
	}
	data := map[string][]byte{commit: n.Bytes()}
	probed := false
	err := Retry(ctx, func() error {
		return s.serialized(ctx, func() error {
			ids := []string{commit}
			if a.Neighbour != "" && !probed {
				ids = append(ids, a.Neighbour)
			}
			tip, has, err := s.probe(ctx, ids...)
			if err != nil {
				return err
			}
			if len(has) > 1 {
				a.NeighbourNoted, probed = has[1], true
			}
			if has[0] {
				return ErrExists
			}
			script := notesScript(s.Ref, tip, ident, "Notes added by 'git ai-survival'", []string{commit}, data)
			if p := a.proc; p != nil {
				a.proc = nil
				_, err := p.Finish([]byte(script))
				return casError(s.Ref, err)
			}
			return StreamCAS(ctx, s.repo, script, s.Ref)
		})
	})
	if err != nil && !errors.Is(err, ErrExists) {
		return fmt.Errorf("writing the note of %s: %w", provenance.ShortID(commit), err)
	}
	return err
}

// Abort gives up the write (or ends the unused process after Finish).
func (a *PendingAdd) Abort() {
	if a.proc != nil {
		a.proc.Abort()
		a.proc = nil
	}
}
