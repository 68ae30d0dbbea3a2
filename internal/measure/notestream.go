package measure

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
)

// A full walk asks for every commit's note once, oldest first. Reading
// every note before the walk (notes.ReadAll) holds the notes of the whole
// history at once: on a history of 80,000 commits, tens of megabytes. The
// note stream holds, instead, an index of which commit has which note
// blob (two binary ids per note: 40 bytes with SHA-1) and reads the notes
// ahead of the walk, in its order (git rev-list --reverse --topo-order of
// the range, which is the order of the walk's git log), with one git
// cat-file --batch.

// noteBatch is how many notes may be asked for and not yet read.
const noteBatch = 1024

// noteIndex maps commits to note blobs, as binary ids sorted by commit.
type noteIndex struct {
	w    int    // bytes of an id
	recs []byte // commit then blob, 2*w bytes per note, sorted by commit
}

// readNoteIndex reads `git notes list` of ref into an index; ok is false
// when its ids are not all hex of one length (then read notes otherwise).
func readNoteIndex(ctx context.Context, repo *gitx.Repo, ref string) (ix *noteIndex, ok bool, err error) {
	ix = &noteIndex{}
	ok = true
	err = repo.Stream(ctx, nil, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			blob, commit, found := strings.Cut(sc.Text(), " ")
			if !found {
				continue
			}
			b, err1 := hex.DecodeString(blob)
			c, err2 := hex.DecodeString(commit)
			if ix.w == 0 {
				ix.w = len(c)
			}
			if err1 != nil || err2 != nil || len(b) != ix.w || len(c) != ix.w || ix.w == 0 {
				ok = false
				continue
			}
			ix.recs = append(ix.recs, c...)
			ix.recs = append(ix.recs, b...)
		}
		return sc.Err()
	}, "notes", "--ref="+ref, "list")
	if err != nil {
		return nil, false, fmt.Errorf("listing notes in %s: %w", ref, err)
	}
	if !ok {
		return nil, false, nil
	}
	sort.Sort(ix)
	return ix, true, nil
}

func (ix *noteIndex) Len() int {
	if ix.w == 0 {
		return 0
	}
	return len(ix.recs) / (2 * ix.w)
}
func (ix *noteIndex) rec(i int) []byte {
	return ix.recs[i*2*ix.w : (i+1)*2*ix.w]
}
func (ix *noteIndex) Less(i, j int) bool {
	return bytes.Compare(ix.rec(i)[:ix.w], ix.rec(j)[:ix.w]) < 0
}
func (ix *noteIndex) Swap(i, j int) {
	a, b := ix.rec(i), ix.rec(j)
	for k := range a {
		a[k], b[k] = b[k], a[k]
	}
}

// blob returns the note blob of commit (hex), "" when it has no note.
func (ix *noteIndex) blob(commit string) string {
	if ix.w == 0 || len(commit) != 2*ix.w {
		return ""
	}
	c, err := hex.DecodeString(commit)
	if err != nil {
		return ""
	}
	n := ix.Len()
	i := sort.Search(n, func(i int) bool { return bytes.Compare(ix.rec(i)[:ix.w], c) >= 0 })
	if i < n && bytes.Equal(ix.rec(i)[:ix.w], c) {
		return hex.EncodeToString(ix.rec(i)[ix.w:])
	}
	return ""
}

// noteStream gives the walk each commit's note, read a batch ahead.
type noteStream struct {
	ctx     context.Context
	repo    *gitx.Repo
	ix      *noteIndex
	ch      chan notes.Entry
	errc    chan error
	err     error
	ended   bool
	pending map[string]notes.Entry // read ahead but not asked for yet
}

// streamNotes starts reading the notes of the commits of rev-list args
// (the walk's range) in the walk's order; cancel ctx to stop it. One git
// rev-list lists the commits and one git cat-file --batch reads their
// notes as they are asked for: git's pipes and the channels bound how far
// it reads ahead.
func streamNotes(ctx context.Context, repo *gitx.Repo, ix *noteIndex, revs []string) *noteStream {
	s := &noteStream{ctx: ctx, repo: repo, ix: ix, ch: make(chan notes.Entry, 64), errc: make(chan error, 1), pending: map[string]notes.Entry{}}
	go func() {
		defer close(s.ch)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pr, pw := io.Pipe()
		order := make(chan string, noteBatch) // the commits asked for, in order
		listed := make(chan error, 1)
		go func() {
			defer close(order)
			err := listNoted(ctx, repo, ix, revs, order, pw)
			pw.CloseWithError(err) // nil: cat-file sees the end of its input
			listed <- err
		}()
		err := repo.Stream(ctx, pr, func(r io.Reader) (err error) {
			defer func() {
				if err != nil { // unblock the lister and git's input before git is waited for
					cancel()
					pr.CloseWithError(io.ErrClosedPipe)
				}
			}()
			br := bufio.NewReaderSize(r, 1<<16)
			for c := range order {
				if err := gitx.ReadBatch(br, 1, func(_ int, o gitx.BatchObject) error {
					if o.Unresolved {
						return fmt.Errorf("the note of %s: object %s %s", c, o.ID, o.Type)
					}
					select {
					case s.ch <- notes.ParseEntry(c, o.Data):
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				}); err != nil {
					return err
				}
			}
			return nil
		}, "cat-file", "--batch")
		pr.CloseWithError(io.ErrClosedPipe) // the lister never blocks on a reader gone
		cancel()
		if lerr := <-listed; err == nil && !errors.Is(lerr, context.Canceled) {
			err = lerr
		}
		s.errc <- err
	}()
	return s
}

// listNoted lists the commits of revs in the walk's order and, for each
// one with a note, sends it to order and its note's blob id to w.
func listNoted(ctx context.Context, repo *gitx.Repo, ix *noteIndex, revs []string, order chan<- string, w io.Writer) error {
	args := append([]string{"rev-list", "--reverse", "--topo-order"}, revs...)
	return repo.Stream(ctx, nil, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			c := sc.Text()
			b := ix.blob(c)
			if b == "" {
				continue
			}
			select {
			case order <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			if _, err := io.WriteString(w, b+"\n"); err != nil {
				return err
			}
		}
		return sc.Err()
	}, append(args, "--")...)
}

// entry returns the note of commit, and whether it has one.
func (s *noteStream) entry(commit string) (notes.Entry, bool, error) {
	blob := s.ix.blob(commit)
	if blob == "" {
		return notes.Entry{}, false, nil
	}
	if e, ok := s.pending[commit]; ok {
		delete(s.pending, commit)
		return e, true, nil
	}
	for !s.ended {
		e, ok := <-s.ch
		if !ok {
			s.ended = true
			if err := <-s.errc; err != nil && s.ctx.Err() == nil {
				s.err = err
			}
			break
		}
		if e.Commit == commit {
			return e, true, nil
		}
		s.pending[e.Commit] = e
	}
	if s.err != nil {
		return notes.Entry{}, false, fmt.Errorf("reading notes: %w", s.err)
	}
	// Not in the stream (the walk's order was not rev-list's): read it alone.
	var e notes.Entry
	err := s.repo.CatBatch(s.ctx, []string{blob}, func(_ string, data []byte) { e = notes.ParseEntry(commit, data) })
	if err != nil {
		return notes.Entry{}, false, fmt.Errorf("reading the note of %s: %w", commit, err)
	}
	return e, true, nil
}
