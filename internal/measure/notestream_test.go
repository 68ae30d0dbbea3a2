package measure

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// The notes read as the walk goes are the notes read all at once, for
// every commit, whether it is asked for in the walk's order, out of it,
// or is not in the streamed range at all; a commit without a note has none.
func TestNoteStreamEqualsReadAll(t *testing.T) {
	r := gittest.New(t)
	ctx := context.Background()
	var ids []string
	commit := func(path, msg string) string {
		r.Write(path, msg+"\n")
		id := r.Commit(msg)
		ids = append(ids, id)
		return id
	}
	note := func(id, body string) {
		r.Git("notes", "--ref="+provenance.NotesRef, "add", "-f", "-m", body, id)
	}
	base := commit("a.txt", "one")
	r.Git("checkout", "-q", "-b", "side")
	for i := range 5 {
		commit(fmt.Sprintf("side%d.txt", i), fmt.Sprintf("side %d", i))
	}
	r.Git("checkout", "-q", "main")
	for i := range 5 {
		commit(fmt.Sprintf("main%d.txt", i), fmt.Sprintf("main %d", i))
	}
	r.Git("merge", "-q", "--no-ff", "-m", "merge side", "side")
	ids = append(ids, r.Head())
	for i, id := range ids {
		switch i % 4 {
		case 0: // a note of its own
			note(id, fmt.Sprintf(`{"v":1,"commit":%q,"origin":"ai","agent":"claude","evidence":"manual"}`, id))
		case 1: // one blob shared by several commits (a copied note)
			note(id, fmt.Sprintf(`{"v":1,"commit":%q,"origin":"human","evidence":"manual"}`, base))
		case 2: // not a note of ours
			note(id, "not json")
		}
	}
	repo, err := gitx.Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := notes.New(repo).ReadAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != len(ids)-len(ids)/4 {
		t.Fatalf("%d notes written, %d read", len(ids)-len(ids)/4, len(want))
	}
	order := strings.Fields(r.Git("rev-list", "--reverse", "--topo-order", "HEAD"))
	reversed := make([]string, len(order))
	for i, id := range order {
		reversed[len(order)-1-i] = id
	}
	for _, c := range []struct {
		name  string
		rng   string
		order []string
	}{
		{"the walk's order", "HEAD", order},
		{"backwards", "HEAD", reversed},
		{"commits outside the range", "side", order},
	} {
		ix, ok, err := readNoteIndex(ctx, repo, provenance.NotesRef)
		if err != nil || !ok {
			t.Fatalf("%s: index: %v %v", c.name, ok, err)
		}
		sctx, cancel := context.WithCancel(ctx)
		s := streamNotes(sctx, repo, ix, []string{c.rng})
		for _, id := range c.order {
			got, has, err := s.entry(id)
			if err != nil {
				t.Fatalf("%s: %s: %v", c.name, id, err)
			}
			w, wantHas := want[id]
			if has != wantHas || !reflect.DeepEqual(got, w) {
				t.Errorf("%s: %s: got %v %+v, want %v %+v", c.name, id, has, got, wantHas, w)
			}
		}
		cancel()
	}
}

// A note whose blob is gone from the repository is an error naming it,
// not a hang: the stream stops its git processes.
func TestNoteStreamMissingBlob(t *testing.T) {
	r := gittest.New(t)
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		r.Write("a.txt", fmt.Sprintf("line %d\n", i))
		ids = append(ids, r.Commit(fmt.Sprintf("commit %d", i)))
	}
	for _, id := range ids {
		r.Git("notes", "--ref="+provenance.NotesRef, "add", "-f", "-m", fmt.Sprintf(`{"v":1,"commit":%q,"origin":"ai","agent":"claude","evidence":"manual"}`, id), id)
	}
	blob := strings.TrimSpace(r.Git("notes", "--ref="+provenance.NotesRef, "list", ids[1]))
	if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	repo, err := gitx.Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, ok, err := readNoteIndex(ctx, repo, provenance.NotesRef)
	if err != nil || !ok {
		t.Fatalf("index: %v %v", ok, err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := streamNotes(sctx, repo, ix, []string{"HEAD"})
	if _, has, err := s.entry(ids[0]); err != nil || !has {
		t.Fatalf("first note: %v %v", has, err)
	}
	_, _, err = s.entry(ids[1])
	if err == nil || !strings.Contains(err.Error(), blob) {
		t.Errorf("the note whose blob is gone: %v, want an error naming %s", err, blob)
	}
}
