package rewrite

import (
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/diff"
)

func TestFileMapOld(t *testing.T) {
	// old: a b c d e      new: X a c d Y Z e
	// hunks: insert X before 1; delete b (old 2); insert Y Z after old 4.
	m := fileMap{OldPath: "f", Hunks: []diff.Hunk{
		{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: 1},
		{OldStart: 2, OldLines: 1, NewStart: 2, NewLines: 0},
		{OldStart: 4, OldLines: 0, NewStart: 5, NewLines: 2},
	}}
	want := map[int]int{1: 0, 2: 1, 3: 3, 4: 4, 5: 0, 6: 0, 7: 5}
	for n := 1; n <= 7; n++ {
		got, ok := m.Old(n)
		if w := want[n]; (w == 0) == ok || ok && got != w {
			t.Errorf("Old(%d) = %d, %v; want %d", n, got, ok, w)
		}
	}
	if _, ok := (fileMap{}).Old(1); ok {
		t.Error("a new file maps nothing back")
	}
	if got, ok := identity("f").Old(9); !ok || got != 9 {
		t.Errorf("identity(9) = %d, %v", got, ok)
	}
	// A deletion at the top of the file: "@@ -1,2 +0,0 @@".
	top := fileMap{OldPath: "f", Hunks: []diff.Hunk{{OldStart: 1, OldLines: 2, NewStart: 0, NewLines: 0}}}
	if got, ok := top.Old(1); !ok || got != 3 {
		t.Errorf("after a top deletion Old(1) = %d, %v; want 3", got, ok)
	}
}

func TestParseAndGroupPairs(t *testing.T) {
	a, b, c, d := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), strings.Repeat("d", 40)
	in := a + " " + d + "\n\n" + b + " " + d + " extra\n" + c + " " + c + "\n" + a + " " + d + "\n"
	pairs, err := ParsePairs(strings.NewReader(in))
	if err != nil || len(pairs) != 4 {
		t.Fatalf("ParsePairs = %v, %v", pairs, err)
	}
	got := GroupPairs(pairs)
	want := []Group{{New: d, Olds: []string{a, b}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GroupPairs = %+v, want %+v", got, want)
	}
	if _, err := ParsePairs(strings.NewReader("not a pair\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad input: %v", err)
	}
}

func TestSources(t *testing.T) {
	x, y, z := strings.Repeat("1", 40), strings.Repeat("2", 40), strings.Repeat("3", 40)
	squash := "Squashed commit of the following:\n\ncommit " + y + "\nAuthor: A\n\n    two\n\ncommit " + x + "\nAuthor: A\n\n    one\n"
	tests := []struct {
		name string
		in   SourcesInput
		kind Kind
		ids  []string
	}{
		{"plain commit", SourcesInput{Reflog: "commit: hello"}, "", nil},
		{"cherry-pick", SourcesInput{Reflog: "cherry-pick: one", CherryPickHead: x + "\n"}, CherryPick, []string{x}},
		{"cherry-pick -x after a conflict", SourcesInput{Reflog: "commit (cherry-pick): one", Message: "one\n\n(cherry picked from commit " + y + ")\n"}, CherryPick, []string{y}},
		{"rebase pick leaves CHERRY_PICK_HEAD", SourcesInput{Reflog: "rebase (pick): one", CherryPickHead: x}, "", nil},
		{"rebasing", SourcesInput{Reflog: "cherry-pick: one", CherryPickHead: x, Rebasing: true}, "", nil},
		{"squash message", SourcesInput{Reflog: "commit: Squashed commit of the following:", Message: squash}, SquashMerge, []string{x, y}},
		{"recorded squash", SourcesInput{Parent: z, Squashed: "head " + z + "\ncommit " + y + "\ncommit " + x + "\n", Message: "mine"}, SquashMerge, []string{x, y}},
		{"stale record", SourcesInput{Parent: x, Squashed: "head " + z + "\ncommit " + y + "\n", Message: "mine"}, "", nil},
	}
	for _, tt := range tests {
		kind, ids := Sources(tt.in)
		if kind != tt.kind || !reflect.DeepEqual(ids, tt.ids) {
			t.Errorf("%s: Sources = %q %v, want %q %v", tt.name, kind, ids, tt.kind, tt.ids)
		}
	}
}
