package notes_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func note(commit string, o provenance.Origin) provenance.Note {
	b := provenance.NewBuilder(commit, provenance.Attribution{Origin: o, Evidence: provenance.EvidenceManual})
	b.Add("f", 1, 1, provenance.Attribution{Origin: o, Evidence: provenance.EvidenceManual})
	return b.Note()
}

func TestStore(t *testing.T) {
	r := gittest.New(t)
	var ids []string
	for i := 0; i < 4; i++ {
		r.Write("f", strings.Repeat("x\n", i+1))
		ids = append(ids, r.Commit("c"))
	}
	ctx := context.Background()
	s := notes.New(r.Open(t))
	if all, err := s.ReadAll(ctx); err != nil || len(all) != 0 {
		t.Fatalf("ReadAll on no ref = %v, %v", all, err)
	}
	if err := s.Add(ctx, ids[0], note(ids[0], provenance.AI)); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, ids[0], note(ids[0], provenance.Human)); !errors.Is(err, notes.ErrExists) {
		t.Fatalf("second Add = %v, want ErrExists", err)
	}
	r.Git("notes", "--ref="+provenance.NotesRef, "add", "-m", "some other tool's words", ids[1])
	res, err := s.Write(ctx, map[string]provenance.Note{
		ids[0]: note(ids[0], provenance.Human), // kept: already noted
		ids[2]: note(ids[2], provenance.Human),
		ids[3]: note(ids[1], provenance.AI), // speaks of another commit
	}, false, "test")
	if err != nil || res.Written != 2 || len(res.Kept) != 1 || res.Kept[0] != ids[0] {
		t.Fatalf("Write = %+v, %v", res, err)
	}
	all, err := s.ReadAll(ctx)
	if err != nil || len(all) != 4 {
		t.Fatalf("ReadAll = %d entries, %v", len(all), err)
	}
	if e := all[ids[0]]; !e.Describes() || e.Note.Resolve(ids[0]).Default.Origin != provenance.AI {
		t.Errorf("note 0 was replaced: %s", e.Note.Bytes())
	}
	if e := all[ids[1]]; e.Err == nil || !strings.Contains(e.Err.Error(), ids[1][:12]) || !strings.Contains(e.Err.Error(), "not a git-ai-survival record") {
		t.Errorf("foreign note error = %v", e.Err)
	}
	if e := all[ids[2]]; !e.Describes() {
		t.Errorf("note 2 missing: %+v", e)
	}
	if e := all[ids[3]]; e.Err != nil || e.Describes() {
		t.Errorf("a note of another commit must parse but not describe its own: %+v", e)
	}
	res, err = s.Write(ctx, map[string]provenance.Note{ids[1]: note(ids[1], provenance.Human)}, true, "test")
	if err != nil || res.Replaced != 1 {
		t.Fatalf("replace = %+v, %v", res, err)
	}
	e, ok, err := s.Read(ctx, ids[1])
	if err != nil || !ok || !e.Describes() {
		t.Errorf("Read after replace = %+v %v %v", e, ok, err)
	}
	if _, ok, err := s.Read(ctx, strings.Repeat("0", 40)); ok || err != nil {
		t.Errorf("Read of unnoted commit = %v, %v", ok, err)
	}
}

// A notes tree of more than 256 notes is fanned out (ab/cdef…): a few
// notes written, kept, replaced and read by path find the ones there,
// as listing every note does.
func TestFewNotesInAFannedOutTree(t *testing.T) {
	r := gittest.New(t)
	var fi strings.Builder
	const n = 300
	for i := range n {
		fmt.Fprintf(&fi, "commit refs/heads/many\ncommitter A <a@example.com> %d +0000\ndata 1\nc\nM 100644 inline f\ndata %d\n%d\n\n", 1767225600+i, len(strconv.Itoa(i))+1, i)
	}
	if _, errs, err := r.Run(fi.String(), "git", "fast-import", "--quiet"); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, errs)
	}
	ids := strings.Fields(r.Git("rev-list", "--reverse", "refs/heads/many"))
	ctx := context.Background()
	s := notes.New(r.Open(t))
	batch := map[string]provenance.Note{}
	for _, id := range ids[:n-2] {
		batch[id] = note(id, provenance.Human)
	}
	if res, err := s.Write(ctx, batch, false, "test"); err != nil || res.Written != n-2 {
		t.Fatalf("Write of %d = %+v, %v", n-2, res, err)
	}
	if tree := r.Git("ls-tree", "--name-only", provenance.NotesRef); !strings.Contains(tree, "/") && len(strings.Fields(tree)) >= n-2 {
		t.Fatalf("the notes tree is not fanned out:\n%.200s", tree)
	}
	few := map[string]provenance.Note{ids[0]: note(ids[0], provenance.AI), ids[n-1]: note(ids[n-1], provenance.AI)}
	res, err := s.Write(ctx, few, false, "test")
	if err != nil || res.Written != 1 || len(res.Kept) != 1 || res.Kept[0] != ids[0] {
		t.Fatalf("Write of a noted and an unnoted commit = %+v, %v", res, err)
	}
	if res, err = s.Write(ctx, few, true, "test"); err != nil || res.Replaced != 2 || res.Written != 0 {
		t.Fatalf("replacing both = %+v, %v", res, err)
	}
	got, err := s.ReadMany(ctx, []string{ids[0], ids[1], ids[n-2]})
	if err != nil || len(got) != 2 {
		t.Fatalf("ReadMany = %d notes, %v; want 2 (the commit before the last has none)", len(got), err)
	}
	if e := got[ids[0]]; e.Note.Resolve(ids[0]).Default.Origin != provenance.AI {
		t.Errorf("note 0 = %s, want the replaced one", e.Note.Bytes())
	}
	if e := got[ids[1]]; e.Note.Resolve(ids[1]).Default.Origin != provenance.Human {
		t.Errorf("note 1 = %s", e.Note.Bytes())
	}
	all, err := s.ReadAll(ctx)
	if err != nil || len(all) != n-1 {
		t.Fatalf("ReadAll = %d, %v; want %d", len(all), err, n-1)
	}
}
