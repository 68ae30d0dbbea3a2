package linemap

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

type fixture struct {
	t      *testing.T
	m      *Map
	deaths []string
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t}
	f.m = New(Options{OnDeath: func(d Death) {
		f.deaths = append(f.deaths, fmt.Sprintf("%s:%s[%d+%d]@%s", d.Birth.Commit.ID, d.Path, d.Offset, d.Lines, d.Commit.ID))
	}})
	return f
}

func commit(id, msg string) *Commit {
	a := provenance.HumanAttribution()
	if strings.HasPrefix(msg, "AI") {
		a = provenance.Attribution{Origin: provenance.AI, Agent: "claude-code"}
	}
	return &Commit{Meta: provenance.Meta{ID: id, Message: msg}, Provenance: provenance.Commit{ID: id, Default: a}}
}

func (f *fixture) apply(c *Commit, parents []*Tree, last []bool, diffs ...[]Change) *Tree {
	f.t.Helper()
	t, _, err := f.m.Apply(Step{Commit: c, Parents: parents, Diffs: diffs, Last: last})
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// layout renders a file as "commit:offset+n" runs ("bg+n" for background).
func layout(t *Tree, path string) string {
	var parts []string
	for _, r := range t.files[path].runs {
		if r.b == nil {
			if isUnknown(r.n) {
				parts = append(parts, "bg+?")
			} else {
				parts = append(parts, fmt.Sprintf("bg+%d", r.n))
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("%s:%d+%d", r.b.Commit.ID, r.off, r.n))
	}
	return strings.Join(parts, " ")
}

func add(path string, n int) Change {
	return Change{NewPath: path, Hunks: []Hunk{{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: n}}}
}

func TestLinear(t *testing.T) {
	f := newFixture(t)
	t1 := f.apply(commit("c1", "AI"), nil, nil, []Change{add("f", 5)})
	// Replace lines 2-3 with one line; insert two after line 5.
	t2 := f.apply(commit("c2", "human"), []*Tree{t1}, []bool{true}, []Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{
		{OldStart: 2, OldLines: 2, NewStart: 2, NewLines: 1},
		{OldStart: 5, OldLines: 0, NewStart: 5, NewLines: 2},
	}}})
	if t2 != t1 {
		t.Error("a tree no other commit needs should be changed in place")
	}
	if got, want := layout(t2, "f"), "c1:0+1 c2:0+1 c1:3+2 c2:1+2"; got != want {
		t.Errorf("layout %q, want %q", got, want)
	}
	if got := strings.Join(f.deaths, " "); got != "c1:f[1+2]@c2" {
		t.Errorf("deaths %s", got)
	}
	// Rename without change, then delete the file.
	t3 := f.apply(commit("c3", "h"), []*Tree{t2}, []bool{true}, []Change{{OldPath: "f", NewPath: "g"}})
	if _, ok := t3.Len("f"); ok || layout(t3, "g") != "c1:0+1 c2:0+1 c1:3+2 c2:1+2" {
		t.Errorf("after rename: %v", t3.Paths())
	}
	f.apply(commit("c4", "h"), []*Tree{t3}, []bool{true}, []Change{{OldPath: "g", Hunks: []Hunk{{OldStart: 1, OldLines: 6, NewStart: 0, NewLines: 0}}}})
	if got := strings.Join(f.deaths, " "); got != "c1:f[1+2]@c2 c1:g[0+1]@c4 c2:g[0+1]@c4 c1:g[3+2]@c4 c2:g[1+2]@c4" {
		t.Errorf("deaths %s", got)
	}
}

// A line deleted on one branch dies only when no branch holds it any more.
func TestBranchesShareLines(t *testing.T) {
	f := newFixture(t)
	base := f.apply(commit("b", "AI"), nil, nil, []Change{add("f", 4)})
	del := func(line int) []Change {
		return []Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: line, OldLines: 1, NewStart: line - 1, NewLines: 0}}}}
	}
	left := f.apply(commit("l", "h"), []*Tree{base}, []bool{false}, del(1))
	right := f.apply(commit("r", "h"), []*Tree{base}, []bool{true}, del(4))
	if len(f.deaths) != 0 {
		t.Fatalf("deaths while another branch holds the lines: %v", f.deaths)
	}
	if layout(left, "f") != "b:1+3" || layout(right, "f") != "b:0+3" {
		t.Fatalf("left %s right %s", layout(left, "f"), layout(right, "f"))
	}
	// The merge takes both deletions: lines 2-3 remain.
	m := f.apply(commit("m", "h"), []*Tree{left, right}, []bool{true, true},
		[]Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 3, OldLines: 1, NewStart: 2, NewLines: 0}}}},
		[]Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 0, NewLines: 0}}}})
	if layout(m, "f") != "b:1+2" {
		t.Errorf("merge %s", layout(m, "f"))
	}
	if got := strings.Join(f.deaths, " "); got != "b:f[3+1]@m b:f[0+1]@m" {
		t.Errorf("deaths %s", got)
	}
}

func TestMergeBirthsAndWholeFileFromSecondParent(t *testing.T) {
	f := newFixture(t)
	base := f.apply(commit("b", "h"), nil, nil, []Change{add("f", 2), add("g", 2)})
	p1 := f.apply(commit("p1", "h"), []*Tree{base}, []bool{false}, []Change{
		{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: 1}}},
		{OldPath: "g", NewPath: "g", Hunks: []Hunk{{OldStart: 2, OldLines: 0, NewStart: 3, NewLines: 1}}}})
	p2 := f.apply(commit("p2", "AI"), []*Tree{base}, []bool{true}, []Change{
		{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 2, OldLines: 0, NewStart: 3, NewLines: 1}}}})
	// f: p1's line, base, p2's line, plus one line of the merge's own.
	// g: identical to p2 (base), though p1 added a line: blame passes the
	// whole file to the parent it is identical to.
	m := f.apply(commit("m", "AI"), []*Tree{p1, p2}, []bool{true, true},
		[]Change{
			{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 3, OldLines: 0, NewStart: 4, NewLines: 2}}},
			{OldPath: "g", NewPath: "g", Hunks: []Hunk{{OldStart: 3, OldLines: 1, NewStart: 2, NewLines: 0}}}},
		[]Change{
			{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: 1}, {OldStart: 3, OldLines: 0, NewStart: 5, NewLines: 1}}}})
	if got := layout(m, "f"); got != "p1:0+1 b:0+2 p2:0+1 m:0+1" {
		t.Errorf("f: %s", got)
	}
	if got := layout(m, "g"); got != "b:0+2" {
		t.Errorf("g: %s", got)
	}
	if got := strings.Join(f.deaths, " "); got != "p1:g[0+1]@m" {
		t.Errorf("deaths %s", got)
	}
}

func TestOutsideTree(t *testing.T) {
	f := newFixture(t)
	out := f.m.Outside()
	t1 := f.apply(commit("c1", "AI"), []*Tree{out}, []bool{true}, []Change{{OldPath: "old", NewPath: "old", Hunks: []Hunk{
		{OldStart: 10, OldLines: 2, NewStart: 10, NewLines: 3}}}})
	if got := layout(t1, "old"); got != "bg+9 c1:0+3 bg+?" {
		t.Errorf("layout %s", got)
	}
	if n, ok := t1.Len("old"); !ok || n != -1 {
		t.Errorf("Len = %d, %v", n, ok)
	}
	if s := f.m.Survivors(t1); len(s) != 1 || s[0].Line != 10 || s[0].Lines != 3 {
		t.Errorf("survivors %+v", s)
	}
}

func TestHunkPastEnd(t *testing.T) {
	f := newFixture(t)
	t1 := f.apply(commit("c1", "h"), nil, nil, []Change{add("f", 3)})
	_, _, err := f.m.Apply(Step{Commit: commit("c2", "h"), Parents: []*Tree{t1}, Last: []bool{true},
		Diffs: [][]Change{{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 5, OldLines: 1, NewStart: 5, NewLines: 1}}}}}})
	var se *StepError
	if !errors.As(err, &se) || se.Path != "f" || se.Commit != "c2" {
		t.Errorf("error %v", err)
	}
}

// A merge whose first parent's tree gives way to it takes over that
// version's counts: a line the merge has from the second parent that the
// first had removed is alive once, and lines die when the last version
// holding them goes.
func TestMergeTakesOverFirstParentsCounts(t *testing.T) {
	f := newFixture(t)
	base := f.apply(commit("b", "AI"), nil, nil, []Change{add("f", 4)})
	left := f.apply(commit("l", "h"), []*Tree{base}, []bool{false},
		[]Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 0, NewLines: 0}}}})
	right := f.apply(commit("r", "h"), []*Tree{base}, []bool{true},
		[]Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 4, OldLines: 1, NewStart: 3, NewLines: 0}}}})
	// The merge: line 1 from the second parent, lines 2-3 from the
	// first, line 4 its own (in place of the first parent's last line).
	m := f.apply(commit("m", "h"), []*Tree{left, right}, []bool{true, true},
		[]Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{
			{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: 1},
			{OldStart: 3, OldLines: 1, NewStart: 4, NewLines: 1}}}},
		[]Change{{OldPath: "f", NewPath: "f", Hunks: []Hunk{{OldStart: 3, OldLines: 0, NewStart: 4, NewLines: 1}}}})
	if m != left {
		t.Error("the first parent's tree, which no other commit needs, should become the merge's")
	}
	if got := layout(m, "f"); got != "b:0+1 b:1+2 m:0+1" {
		t.Errorf("merge %s", got)
	}
	if got := strings.Join(f.deaths, " "); got != "b:f[3+1]@m" {
		t.Errorf("deaths at the merge %s", got)
	}
	f.deaths = nil
	f.apply(commit("d", "h"), []*Tree{m}, []bool{true}, []Change{{OldPath: "f"}})
	if got := strings.Join(f.deaths, " "); got != "b:f[0+1]@d b:f[1+2]@d m:f[0+1]@d" {
		t.Errorf("deaths when the file goes %s", got)
	}
}
