package linemap

import (
	"fmt"
	"testing"
)

// text makes Lines from strings, every one ending with a newline.
func text(lines ...string) []Line {
	out := make([]Line, len(lines))
	for i, l := range lines {
		out[i] = LineOf(l, true)
	}
	return out
}

func known(lines []Line) *file { return &file{runs: []run{{n: len(lines)}}, lines: lines} }

func TestLineOf(t *testing.T) {
	if LineOf("ab_1 {}", true).alnum() != 3 || LineOf("", true).alnum() != 0 {
		t.Error("alnum counts ASCII letters and digits")
	}
	if LineOf("x", true) == LineOf("x", false) {
		t.Error("a line without its final newline differs from one with it")
	}
	// The same text, built separately, hashes the same.
	if LineOf("x", true) != LineOf(string([]byte{'x'}), true) || LineOf("ab", false) != LineOf("a"+string(rune('b')), false) {
		t.Error("equal texts make equal lines")
	}
	if LineOf("x", true) == LineOf("y", true) {
		t.Error("different texts make different lines")
	}
}

// Blame's thresholds: a moved stretch must score more than 20 (letters
// and digits + 1), a copied one more than 40.
func TestFindMovesThresholds(t *testing.T) {
	a19 := "aaaaaaaaaabbbbbbbbb" // 19 letters: score 20
	a20 := a19 + "c"             // score 21
	a39 := a20 + "ddddddddddddddddddd"
	a40 := a39 + "e"
	cases := []struct {
		name  string
		lines []Line
		same  bool // the source is the file's own parent version (-M)
		want  string
	}{
		{"move at 20", text(a19), true, "[]"},
		{"move at 21", text(a20), true, "[0+1@1]"},
		{"copy at 40", text(a39), false, "[]"},
		{"copy at 41", text(a40), false, "[0+1@1]"},
		{"two lines", text("short1", a39), false, "[0+2@0]"},
	}
	for _, c := range cases {
		src := known(append(text("short1"), c.lines[len(c.lines)-1]))
		var s moveSource
		if c.same {
			s = moveSource{same: src, copies: func() []*file { return nil }}
		} else {
			s = moveSource{copies: func() []*file { return []*file{src} }}
		}
		got := findMoves([]stretch{{at: 0, lines: c.lines}}, []moveSource{s}, Thresholds{})
		var parts []string
		for _, m := range got {
			parts = append(parts, fmt.Sprintf("%d+%d@%d", m.at, m.n, m.from))
		}
		if fmt.Sprint(parts) != c.want {
			t.Errorf("%s: %v, want %s", c.name, parts, c.want)
		}
	}
}

// The best stretch is taken first, and what is left of the block on
// either side searched again; what is too small on its own stays.
func TestFindMovesSplits(t *testing.T) {
	long := func(s string) string { return s + "-0123456789abcdefghijklmnopqrstuvwxyz" }
	src := known(text(long("x"), long("y"), "pad", long("a"), long("b"), long("c")))
	block := text(long("a"), long("b"), "new1", long("x"), long("y"), "n")
	got := findMoves([]stretch{{at: 10, lines: block}}, []moveSource{{copies: func() []*file { return []*file{src} }}}, Thresholds{})
	if fmt.Sprint(got[0].at, got[0].n, got[0].from, got[1].at, got[1].n, got[1].from) != "10 2 3 13 2 0" || len(got) != 2 {
		t.Errorf("matches %+v", got)
	}
}
