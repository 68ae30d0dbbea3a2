package linemap

import (
	"fmt"
	"strings"
	"testing"
)

// Deaths say how the commit lost the lines: replaced in place (and by
// whom) or deleted; a branch given up deletes.
func TestDeathKinds(t *testing.T) {
	var got []string
	m := New(Options{OnDeath: func(d Death) {
		got = append(got, fmt.Sprintf("%s[%d+%d]@%s:%s/%s", d.Birth.Commit.ID, d.Offset, d.Lines, d.Commit.ID, d.Kind, d.By.Origin))
	}})
	apply := func(c *Commit, parents []*Tree, last []bool, diffs ...[]Change) *Tree {
		tr, _, err := m.Apply(Step{Commit: c, Parents: parents, Diffs: diffs, Last: last})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	t1 := apply(commit("c1", "AI"), nil, nil, []Change{add("f", 6), add("g", 2)})
	// One hunk replaces lines 1-2 and deletes line 3 (a hunk of 3 removed,
	// 1 added: all three are "modified"); another deletes line 5; g goes.
	apply(commit("c2", "human"), []*Tree{t1}, []bool{true}, []Change{
		{OldPath: "f", NewPath: "f", Hunks: []Hunk{
			{OldStart: 1, OldLines: 3, NewStart: 1, NewLines: 1},
			{OldStart: 5, OldLines: 1, NewStart: 2, NewLines: 0},
		}},
		{OldPath: "g", NewPath: ""},
	})
	want := "c1[0+2]@c2:deleted/ c1[0+3]@c2:modified/human c1[4+1]@c2:deleted/" // g first: its file goes
	if s := strings.Join(got, " "); s != want {
		t.Errorf("deaths\n got %s\nwant %s", s, want)
	}

	// On a branch: the tree is shared, so lines die only when the other
	// branch is given up, which says nothing of how.
	got = nil
	b1 := apply(commit("b1", "AI"), nil, nil, []Change{add("f", 2)})
	side := apply(commit("b2", "human"), []*Tree{b1}, []bool{false}, []Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 1}}}})
	if len(got) != 0 {
		t.Fatalf("no death while a branch holds the line: %v", got)
	}
	m.Release(b1)
	_ = side
	if s := strings.Join(got, " "); s != "b1[0+1]@b2:deleted/" {
		t.Errorf("branch deaths %s", s)
	}
}

// With moves, lines removed and found again elsewhere are reported as
// moved, not dead; copies (still in place) are not moves.
func TestMovesReported(t *testing.T) {
	var deaths, moves []string
	m := New(Options{Moves: true,
		OnDeath: func(d Death) { deaths = append(deaths, fmt.Sprintf("%d+%d", d.Offset, d.Lines)) },
		OnMove: func(d Death) {
			moves = append(moves, fmt.Sprintf("%s[%d+%d]->%s", d.Birth.Commit.ID, d.Offset, d.Lines, d.Path))
		}})
	lines := func(names ...string) []Line {
		var out []Line
		for _, n := range names {
			out = append(out, LineOf("a long enough line of code: "+n, true))
		}
		return out
	}
	body := lines("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t")
	t1, _, err := m.Apply(Step{Commit: commit("c1", "AI"), Diffs: [][]Change{{{NewPath: "f", Hunks: []Hunk{{NewStart: 1, NewLines: 20, Added: body}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	// Move all 20 lines from f to g.
	_, _, err = m.Apply(Step{Commit: commit("c2", "human"), Parents: []*Tree{t1}, Last: []bool{true}, Diffs: [][]Change{{
		{OldPath: "f", NewPath: ""},
		{NewPath: "g", Hunks: []Hunk{{NewStart: 1, NewLines: 20, Added: body}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(deaths) != 0 || strings.Join(moves, " ") != "c1[0+20]->g" {
		t.Errorf("deaths %v, moves %v", deaths, moves)
	}
}
