package notes_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
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
	repo, err := gitx.Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Env = r.Env
	s := notes.New(repo)
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
