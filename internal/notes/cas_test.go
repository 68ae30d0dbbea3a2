package notes_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Writers racing on the ref (single notes and batches at once) all land:
// each write is a compare-and-swap retried from the new tip.
func TestConcurrentWritesAllLand(t *testing.T) {
	r := gittest.New(t)
	var ids []string
	for i := range 24 {
		r.Write("f", fmt.Sprintf("%d\n", i))
		ids = append(ids, r.Commit("c"))
	}
	ctx := context.Background()
	repo := r.Open(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := notes.New(repo)
			mine := ids[w*4 : w*4+4]
			if w%2 == 0 {
				for _, id := range mine {
					if err := s.Add(ctx, id, note(id, provenance.AI)); err != nil {
						errs[w] = err
						return
					}
				}
				return
			}
			batch := map[string]provenance.Note{}
			for _, id := range mine {
				batch[id] = note(id, provenance.Human)
			}
			res, err := s.Write(ctx, batch, false, "batch")
			if err == nil && res.Written != 4 {
				err = fmt.Errorf("batch wrote %d notes, want 4", res.Written)
			}
			errs[w] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	all, err := notes.New(repo).ReadAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(ids) {
		t.Errorf("%d notes on the ref after concurrent writes, want %d", len(all), len(ids))
	}
}

// A ref left locked gives up soon, with a message that says what to do.
func TestLockedRefGivesUpWithTheFix(t *testing.T) {
	r := gittest.New(t)
	id := r.Commit("c")
	ctx := context.Background()
	s := notes.New(r.Open(t))
	if err := s.Add(ctx, r.Commit("first"), note(id, provenance.AI)); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(r.Dir, ".git", "refs", "notes", "ai-survival.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := s.Add(ctx, id, note(id, provenance.AI))
	if !errors.Is(err, notes.ErrLocked) {
		t.Fatalf("Add on a locked ref: %v, want ErrLocked", err)
	}
	_ = os.Remove(lock)
	if err := s.Add(ctx, id, note(id, provenance.AI)); err != nil {
		t.Fatalf("Add once the lock is gone: %v", err)
	}
}

func TestHugeNoteIsIgnored(t *testing.T) {
	id := strings.Repeat("a", 40)
	rec := `{"v":1,"commit":"` + id + `","origin":"human","evidence":"default"}` + "\n"
	e := notes.ParseEntry(id, []byte(strings.Repeat(rec, notes.MaxNoteBytes/len(rec)+1)))
	if e.Err == nil || !strings.Contains(e.Err.Error(), "larger than 16 MiB") {
		t.Errorf("huge note: %v", e.Err)
	}
	if e := notes.ParseEntry(id, []byte(rec)); e.Err != nil {
		t.Errorf("small note: %v", e.Err)
	}
}

// A note within the byte bound but with more records than MaxNoteRecords is
// ignored with a warning; one at the bound is read.
func TestNoteWithTooManyRecordsIsIgnored(t *testing.T) {
	id := strings.Repeat("b", 40)
	rec := func(i int) string {
		return fmt.Sprintf(`{"v":1,"commit":"%s","file":"a","lines":"%d","origin":"ai"}`+"\n", id, 2*i+1)
	}
	var b strings.Builder
	for i := 0; i < notes.MaxNoteRecords; i++ {
		b.WriteString(rec(i))
	}
	if e := notes.ParseEntry(id, []byte(b.String())); e.Err != nil || len(e.Note.Records) != notes.MaxNoteRecords {
		t.Errorf("note at the bound: %d records, %v", len(e.Note.Records), e.Err)
	}
	b.WriteString(rec(notes.MaxNoteRecords))
	if b.Len() > notes.MaxNoteBytes {
		t.Fatalf("the test note is %d bytes, beyond the byte bound", b.Len())
	}
	e := notes.ParseEntry(id, []byte(b.String()))
	want := "the note on commit bbbbbbbbbbbb holds more than 100000 records (100001 lines); it is ignored"
	if e.Err == nil || e.Err.Error() != want {
		t.Errorf("note beyond the bound: %v, want %q", e.Err, want)
	}
}
